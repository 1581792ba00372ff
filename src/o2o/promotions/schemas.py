from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BeforeValidator, Field, StringConstraints

from o2o.fields import Name
from o2o.promotions import rules
from o2o.schemas import Input, Output

Kind = Literal["order_percent", "order_fixed", "items_percent", "items_fixed", "buy_x_get_y",
               "bundle_price"]
Channel = Literal["online", "pos"]


def _both() -> list[Channel]:
    return ["online", "pos"]


Ids = Annotated[list[int], Field(max_length=1000)]
Clock = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


def _upper(value: object) -> object:
    """Codes are printed in capitals; people type them any way."""
    return value.strip().upper() if isinstance(value, str) else value


CouponCode = Annotated[str, BeforeValidator(_upper), StringConstraints(pattern=r"^[A-Z0-9]{3,32}$")]


class TargetIn(Input):
    variant_ids: Ids = Field(default_factory=list)
    product_ids: Ids = Field(default_factory=list)
    category_ids: Ids = Field(default_factory=list)


class BundleItem(Input):
    product_id: int
    units: Annotated[int, Field(ge=1, le=100)] = 1


class HappyHourIn(Input):
    #: 0 is Monday.
    weekdays: Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(min_length=1)]
    starts: Clock
    ends: Clock


class AudienceIn(Input):
    customer_ids: Ids = Field(default_factory=list)
    tiers: Annotated[list[str], Field(max_length=20)] = Field(default_factory=list)
    #: The merchant's customer segments (``/api/v1/segments``): a member of any may have it.
    segment_ids: Ids = Field(default_factory=list)
    first_order: bool = False


class PromotionTerms(Input):
    """What a promotion gives and when; the engine's ``rules.Promotion`` checks the rest."""

    name: Name
    kind: Kind
    percent: Annotated[int, Field(ge=0, le=100)] = 0
    amount: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    target: TargetIn = TargetIn()
    buy: Annotated[int, Field(ge=0, le=100)] = 0
    get: Annotated[int, Field(ge=0, le=100)] = 0
    bundle: Annotated[list[BundleItem], Field(max_length=20)] = Field(default_factory=list)
    min_spend: Annotated[int, Field(ge=0)] = 0
    min_spend_on: Literal["order", "eligible"] = "order"
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    happy_hours: Annotated[list[HappyHourIn], Field(max_length=14)] = Field(
        default_factory=list)
    channels: Annotated[list[Channel], Field(min_length=1)] = Field(default_factory=_both)
    #: Stores where it applies; empty: every store and the online shop.
    location_ids: Ids = Field(default_factory=list)
    audience: AudienceIn = AudienceIn()
    usage_limit: Annotated[int, Field(ge=1)] | None = None
    per_customer_limit: Annotated[int, Field(ge=1)] | None = None
    budget: Annotated[int, Field(ge=1)] | None = None
    max_discount: Annotated[int, Field(ge=1)] | None = None
    requires_coupon: bool = False
    priority: Annotated[int, Field(ge=0, le=1000)] = 100
    stackable: bool = True
    exclusive: bool = False
    is_active: bool = True


class PromotionRead(PromotionTerms):
    model_config = Output.model_config
    id: int
    merchant_id: int
    uses: int
    spent: int
    created_at: datetime


class CouponCreate(Input):
    code: CouponCode
    #: None: as many as the promotion allows.
    max_uses: Annotated[int, Field(ge=1)] | None = None


class CouponRead(Output):
    id: int
    promotion_id: int
    batch_id: int | None
    code: str
    max_uses: int | None
    uses: int
    is_active: bool


class BatchCreate(Input):
    count: Annotated[int, Field(ge=1, le=10_000)]
    prefix: Annotated[str, BeforeValidator(_upper),
                      StringConstraints(pattern=r"^[A-Z0-9]{0,8}$")] = ""


class BatchRead(Output):
    id: int
    promotion_id: int
    prefix: str
    count: int
    created_at: datetime


class SampleLine(Input):
    variant_id: int
    quantity: Annotated[int, Field(ge=1, le=999)] = 1


class PreviewIn(Input):
    """A promotion not yet saved, tried on a sample cart beside the active ones."""

    promotion: PromotionTerms
    lines: Annotated[list[SampleLine], Field(min_length=1, max_length=50)]
    channel: Literal["online", "pos"] = "online"
    location_id: int | None = None
    at: AwareDatetime | None = None
    coupon: bool = True


class AdjustmentRead(Output):
    promotion_id: int
    name: str
    code: str
    amount: int
    explanation: str


class PricedLineRead(Output):
    line_id: int
    variant_id: int
    unit_price: int
    quantity: int
    subtotal: int
    discount: int
    total: int
    adjustments: list[AdjustmentRead]


class SkippedRead(Output):
    promotion_id: int
    name: str
    code: str
    explanation: str


class PricedCartRead(Output):
    lines: list[PricedLineRead]
    subtotal: int
    discount: int
    total: int
    applied: list[AdjustmentRead]
    skipped: list[SkippedRead]


class OfferRead(Output):
    """A promotion as a shopper reads it on a product or store page."""

    id: int
    name: str
    kind: Kind
    headline: str
    min_spend: int
    happy_hours: list[str]
    ends_at: datetime | None

    @classmethod
    def of(cls, promotion: rules.Promotion) -> "OfferRead":
        return cls(id=promotion.id, name=promotion.name, kind=promotion.kind,
                   headline=promotion.headline, min_spend=promotion.min_spend,
                   happy_hours=[hours.label for hours in promotion.happy_hours],
                   ends_at=promotion.ends_at)


class DisplayPriceRead(Output):
    variant_id: int
    price: int
    compare_at: int | None
    explanation: str
