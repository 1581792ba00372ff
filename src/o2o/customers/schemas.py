from datetime import datetime
from typing import Annotated, Self

from pydantic import Field, StrictBool, StringConstraints, model_validator

from o2o.auth.models import User
from o2o.customers.models import CustomerProfile, SegmentKind
from o2o.fields import VND, Email, Name, Phone
from o2o.schemas import Input, Output
from o2o.stores.models import Merchant
from o2o.stores.schemas import MerchantRead

#: The channels a merchant may reach a customer on, each consented to separately.
CHANNELS = ("push", "sms", "email", "zalo")

#: What staff keep in mind about a customer ("prefers size M"); blank clears it.
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Consents(Input):
    """The channels a customer agrees to be contacted on by one merchant; each defaults to no.

    Given as a whole: a channel left out is a "no".
    """

    push: StrictBool = False
    sms: StrictBool = False
    email: StrictBool = False
    zalo: StrictBool = False


class ConsentsChange(Input):
    """Only the channels given change."""

    push: StrictBool | None = None
    sms: StrictBool | None = None
    email: StrictBool | None = None
    zalo: StrictBool | None = None


class CounterRegistration(Input):
    """A walk-in customer recorded by staff, with the consents they gave at the counter."""

    phone: Phone
    full_name: Name
    email: Email | None = None
    consents: Consents = Field(default_factory=Consents)
    note: Note | None = None


class CustomerUpdate(Input):
    note: Note | None = None
    consents: ConsentsChange | None = None


class ConsentsRead(Output):
    push: bool
    sms: bool
    email: bool
    zalo: bool

    @classmethod
    def of(cls, profile: CustomerProfile) -> Self:
        return cls.model_validate({c: getattr(profile, f"consent_{c}") for c in CHANNELS})


class CustomerRead(Output):
    """A customer as one merchant's staff see them.

    ``id`` is the person's id across the network. The merchant's own part (note, consents,
    since) is null only for the network operator, who is nobody's merchant.
    """

    id: int
    phone: str
    full_name: str
    email: str | None
    #: Signed up with a password (can sign in to the shopper app).
    has_account: bool
    note: str | None
    consents: ConsentsRead | None
    consents_updated_at: datetime | None
    customer_since: datetime | None

    @classmethod
    def of(cls, user: User, profile: CustomerProfile | None) -> Self:
        return cls(
            id=user.id, phone=user.phone or "", full_name=user.full_name, email=user.email,
            has_account=user.password_hash is not None,
            note=profile.note if profile else None,
            consents=ConsentsRead.of(profile) if profile else None,
            consents_updated_at=profile.consents_updated_at if profile else None,
            customer_since=profile.created_at if profile else None,
        )


class FollowedMerchantRead(Output):
    """A merchant the signed-in shopper is known to, with what they let it send them."""

    merchant: MerchantRead
    consents: ConsentsRead
    consents_updated_at: datetime | None
    customer_since: datetime

    @classmethod
    def of(cls, merchant: Merchant, profile: CustomerProfile) -> Self:
        return cls(
            merchant=MerchantRead.model_validate(merchant),
            consents=ConsentsRead.of(profile),
            consents_updated_at=profile.consents_updated_at,
            customer_since=profile.created_at,
        )


# --- segments ----------------------------------------------------------------------------------

Days = Annotated[int, Field(ge=1, le=3650)]
Tier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
#: A phone as typed in a list of them; each is checked by the service, which names the bad ones.
TypedPhone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]


class SegmentRule(Input):
    """Who a rule segment holds now: the customers meeting every condition given.

    Orders are those placed at this merchant, leaving out the ones that never happened
    (cancelled, expired, declined); ``min_spent`` is their totals less what was refunded.
    ``max_orders`` 0 is "no order yet" (a first order); ``no_order_for_days`` is a lapsed
    customer: has ordered, but not in that many days.
    """

    tiers: Annotated[list[Tier], Field(min_length=1, max_length=20)] | None = None
    min_orders: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    max_orders: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    min_spent: VND | None = None
    ordered_within_days: Days | None = None
    no_order_for_days: Days | None = None
    joined_within_days: Days | None = None

    @model_validator(mode="after")
    def _someone_can_match(self) -> "SegmentRule":
        if not self.model_dump(exclude_none=True):
            raise ValueError("a rule needs at least one condition")
        if (self.min_orders is not None and self.max_orders is not None
                and self.min_orders > self.max_orders):
            raise ValueError("min_orders is above max_orders: nobody could match")
        if self.max_orders == 0 and (self.min_spent or self.ordered_within_days
                                     or self.no_order_for_days):
            raise ValueError("max_orders 0 is a customer with no order yet: conditions on "
                             "their orders cannot hold")
        if (self.ordered_within_days is not None and self.no_order_for_days is not None
                and self.no_order_for_days >= self.ordered_within_days):
            raise ValueError("no_order_for_days must be below ordered_within_days: nobody "
                             "could match")
        return self


class SegmentCreate(Input):
    """A list (members added by hand) or a rule (``rule`` required)."""

    name: Name
    kind: SegmentKind
    rule: SegmentRule | None = None

    @model_validator(mode="after")
    def _rule_for_rules_only(self) -> "SegmentCreate":
        if (self.kind is SegmentKind.RULE) != (self.rule is not None):
            raise ValueError("a rule segment needs a rule; a list segment has none")
        return self


class SegmentUpdate(Input):
    """Only the fields given change; a rule segment's ``rule`` is replaced as a whole."""

    name: Name | None = None
    rule: SegmentRule | None = None


class SegmentRead(Output):
    id: int
    merchant_id: int
    name: str
    kind: SegmentKind
    rule: SegmentRule | None
    #: Customers in it now (a rule segment's change as their orders do).
    members: int
    created_at: datetime
    updated_at: datetime | None


class MembersAdd(Input):
    """Customers the merchant knows, by id or by phone (typed any way); at least one."""

    customer_ids: Annotated[list[int], Field(max_length=1000)] = Field(default_factory=list)
    phones: Annotated[list[TypedPhone], Field(max_length=1000)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _someone(self) -> "MembersAdd":
        if not self.customer_ids and not self.phones:
            raise ValueError("give customer_ids or phones")
        return self


class MembersAdded(Output):
    #: Put in the segment now (those already in it are not counted).
    added: int
    members: int
