from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from o2o.fields import VND, Name
from o2o.loyalty.models import CashbackKind, Funding, PointsKind
from o2o.schemas import Input, Output

TierName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Benefit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
BasisPoints = Annotated[int, Field(ge=0, le=10_000, strict=True)]
#: Points a checkout spends or a correction moves; far above any real balance.
Points = Annotated[int, Field(ge=0, le=1_000_000_000, strict=True)]


class TierIn(Input):
    name: TierName
    #: Lifetime spend (đồng) from which a customer is in this tier.
    threshold: VND
    #: Points earned in this tier, in percent of the base rate (150: ×1.5).
    multiplier_percent: int = Field(100, ge=100, le=1_000)
    benefit: Benefit = ""


class LoyaltyProgrammeIn(Input):
    #: Đồng paid for one point earned.
    earn_dong_per_point: int = Field(ge=1, le=100_000_000)
    #: Đồng one point takes off when spent.
    point_value: int = Field(ge=1, le=100_000_000)
    #: Points expire this many months after they are earned (None: never).
    expiry_months: int | None = Field(None, ge=1, le=120)
    tiers: list[TierIn] = Field(default_factory=list, max_length=10)
    is_active: bool = True

    @model_validator(mode="after")
    def _tiers_ascend(self) -> "LoyaltyProgrammeIn":
        thresholds = [tier.threshold for tier in self.tiers]
        if thresholds != sorted(set(thresholds)):
            raise ValueError("tiers are listed by strictly increasing threshold")
        if len({tier.name.casefold() for tier in self.tiers}) != len(self.tiers):
            raise ValueError("each tier has its own name")
        return self


class TierRead(Output):
    name: str
    threshold: int
    multiplier_percent: int
    benefit: str


class LoyaltyProgrammeRead(Output):
    merchant_id: int
    earn_dong_per_point: int
    point_value: int
    expiry_months: int | None
    tiers: list[TierRead]
    is_active: bool
    updated_at: datetime | None


class PointsEntryRead(Output):
    id: int
    kind: PointsKind
    points: int
    unrecovered: int
    spend: int
    expires_at: datetime | None
    order_id: int | None
    note: str
    created_at: datetime


class NextTier(Output):
    name: str
    threshold: int
    spend_needed: int


class PointsAccountRead(Output):
    merchant_id: int
    merchant_name: str
    merchant_slug: str
    balance: int
    #: What the balance takes off a checkout, in đồng.
    balance_value: int
    point_value: int
    tier: str | None
    benefit: str | None
    lifetime_spend: int
    next_tier: NextTier | None
    history: list[PointsEntryRead]


class CashbackEntryRead(Output):
    id: int
    kind: CashbackKind
    merchant_id: int
    pending_delta: int
    available_delta: int
    order_id: int | None
    created_at: datetime


class CashbackBalanceRead(Output):
    pending: int
    available: int
    history: list[CashbackEntryRead]


class WalletRead(Output):
    points: list[PointsAccountRead]
    cashback: CashbackBalanceRead


class CounterLookupRead(Output):
    """What a cashier sees of a customer at the counter."""

    customer_id: int
    full_name: str
    phone: str | None
    points: PointsAccountRead | None
    #: Cashback the customer may spend here (None: this shop takes no cashback).
    cashback_available: int | None


class AdjustmentIn(Input):
    #: Points added (positive) or taken away (negative).
    points: int = Field(ge=-1_000_000_000, le=1_000_000_000, strict=True)
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class CashbackProgrammeIn(Input):
    name: Name = "Hoàn tiền toàn mạng"
    #: Cashback per đồng paid, in basis points (150 = 1.5 %).
    rate_bp: BasisPoints
    funding: Funding
    #: With ``split`` funding: the merchant's share, in basis points; the operator pays the rest.
    merchant_share_bp: BasisPoints | None = None
    is_active: bool = True

    @model_validator(mode="after")
    def _share_fits_funding(self) -> "CashbackProgrammeIn":
        if self.funding is Funding.SPLIT and self.merchant_share_bp is None:
            raise ValueError("a split funding names the merchant's share (merchant_share_bp)")
        if self.funding is not Funding.SPLIT and self.merchant_share_bp is not None:
            raise ValueError("merchant_share_bp is given only with split funding")
        return self


class ParticipantIn(Input):
    merchant_id: int


class ParticipantRead(Output):
    merchant_id: int
    name: str
    slug: str


class CashbackProgrammeRead(Output):
    name: str
    rate_bp: int
    funding: Funding
    merchant_share_bp: int
    is_active: bool
    updated_at: datetime | None
    participants: list[ParticipantRead]


class SettlementParty(Output):
    party: Literal["merchant", "operator", "pool"]
    merchant_id: int | None
    name: str
    #: Cashback this party funded in the period (credited to customers).
    funded: int
    #: Cashback customers spent at this merchant in the period.
    spent: int
    #: What the party receives (positive) or pays (negative).
    net: int


class SettlementRead(Output):
    """Who owes whom for cashback in a period: merchants pay what they funded into the pool
    and are paid what customers spent with them; the operator pays its share; the pool
    keeps what customers have not spent yet. The nets add up to zero."""

    start: date
    end: date
    credited: int
    spent: int
    parties: list[SettlementParty]


class RedemptionRead(Output):
    """Points or cashback taken off a checkout: a line of its totals ("Đổi 150 điểm")."""

    kind: Literal["points", "cashback"]
    label: str
    points: int
    amount: int
