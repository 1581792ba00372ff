from datetime import datetime
from typing import Annotated, Self

from pydantic import Field, StrictBool, StringConstraints

from o2o.auth.models import User
from o2o.customers.models import CustomerProfile
from o2o.fields import Email, Name, Phone
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
