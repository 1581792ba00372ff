"""Customers as each merchant knows them: counter registration, lookup, notes and consent.

A customer is one person across the network (a user known by phone); each merchant keeps
its own profile of them, so one merchant's notes and consents are never another's.
"""

import re

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from o2o.auth import service as auth_service
from o2o.auth.models import Role, User
from o2o.auth.permissions import Actor, ensure_customer, staff_merchant
from o2o.customers.errors import CustomerExists, InvalidPhone
from o2o.customers.models import CustomerProfile
from o2o.customers.schemas import CHANNELS, Consents, CounterRegistration, CustomerUpdate
from o2o.db import transaction
from o2o.errors import NotFound
from o2o.fields import fold, normalize_phone
from o2o.orm import utcnow
from o2o.stores import service as stores_service
from o2o.stores.models import Merchant

#: More words than this in one query are ignored: each one is a ``LIKE`` on every profile.
MAX_WORDS = 8


def _profile(session: Session, merchant_id: int, user_id: int) -> CustomerProfile | None:
    return session.scalar(
        select(CustomerProfile).where(
            CustomerProfile.merchant_id == merchant_id, CustomerProfile.user_id == user_id
        )
    )


def _insert_profile(session: Session, merchant_id: int, user_id: int) -> CustomerProfile | None:
    """A new profile with every consent "no", or None if a concurrent transaction added it."""
    profile = CustomerProfile(
        merchant_id=merchant_id, user_id=user_id,
        **{f"consent_{channel}": False for channel in CHANNELS},
    )
    try:
        with session.begin_nested():
            session.add(profile)
    except IntegrityError:
        return None
    return profile


def _set_consents(profile: CustomerProfile, wanted: dict[str, bool]) -> None:
    """Apply the channels given; the time of change moves only if a consent really changed."""
    changed = False
    for channel, value in wanted.items():
        if getattr(profile, f"consent_{channel}") != value:
            setattr(profile, f"consent_{channel}", value)
            changed = True
    if changed:
        profile.consents_updated_at = utcnow()


def ensure_profile(session: Session, *, merchant_id: int, user_id: int) -> CustomerProfile:
    """The merchant's profile of this customer, added (consents all "no") if it is missing.

    Flush-only, in the caller's transaction; two transactions adding it at once both get it.
    """
    profile = _profile(session, merchant_id, user_id)
    if profile is None:
        profile = _insert_profile(session, merchant_id, user_id)
    if profile is None:
        profile = _profile(session, merchant_id, user_id)
        assert profile is not None, "the concurrent insert committed the profile"
    return profile


def register_at_counter(
    session: Session, *, actor: Actor, data: CounterRegistration
) -> tuple[User, CustomerProfile]:
    """Staff record a walk-in customer: the network customer with that phone (or a new one
    without a password) becomes known to the actor's merchant.

    Raises CustomerExists (with ``customer_id``) when the merchant already knows them.
    """
    merchant_id = staff_merchant(actor)
    with transaction(session):
        user = auth_service.find_or_add_customer(
            session, phone=data.phone, full_name=data.full_name, email=data.email
        )
        profile = None
        if _profile(session, merchant_id, user.id) is None:
            profile = _insert_profile(session, merchant_id, user.id)
        if profile is None:
            raise CustomerExists(
                "This customer is already registered with you.", customer_id=user.id
            )
        profile.note = data.note or None
        _set_consents(profile, data.consents.model_dump())
    return user, profile


def _matches(q: str) -> ColumnElement[bool] | None:
    """Every word of ``q`` in the name (accents ignored), or its digits in the phone."""
    words = list(dict.fromkeys(fold(q).split()))[:MAX_WORDS]
    conditions = []
    if words:
        conditions.append(and_(*(User.search_name.contains(w, autoescape=True) for w in words)))
    digits = re.sub(r"\D", "", q).removeprefix("0")  # "0901 234" is +84901234… stored
    if digits:
        conditions.append(User.phone.contains(digits, autoescape=True))
    return or_(*conditions) if conditions else None


def _e164(phone: str) -> str:
    try:
        return normalize_phone(phone)
    except ValueError as exc:
        raise InvalidPhone(f"{phone!r} is not a valid phone number.", phone=phone) from exc


def search_customers(
    session: Session, *, actor: Actor, q: str | None = None, phone: str | None = None,
    limit: int = 20, offset: int = 0,
) -> tuple[list[tuple[User, CustomerProfile]], int]:
    """A page of the actor's merchant's customers by name, and the number found.

    ``phone`` is an exact number typed any way ("0901 234 567"); ``q`` matches name words
    without accents or part of the phone number.
    """
    merchant_id = staff_merchant(actor)
    conditions: list[ColumnElement[bool]] = [CustomerProfile.merchant_id == merchant_id]
    if phone and phone.strip():
        conditions.append(User.phone == _e164(phone))
    if q and (match := _matches(q)) is not None:
        conditions.append(match)
    joined = select(User, CustomerProfile).join(User, User.id == CustomerProfile.user_id)
    total = session.scalar(
        select(func.count())
        .select_from(CustomerProfile)
        .join(User, User.id == CustomerProfile.user_id)
        .where(*conditions)
    ) or 0
    rows = session.execute(
        joined.where(*conditions).order_by(User.full_name, User.id).limit(limit).offset(offset)
    ).all()
    return [(user, profile) for user, profile in rows], total


def _known(
    session: Session, merchant_id: int, customer_id: int
) -> tuple[User, CustomerProfile]:
    row = session.execute(
        select(User, CustomerProfile)
        .join(User, User.id == CustomerProfile.user_id)
        .where(CustomerProfile.merchant_id == merchant_id, CustomerProfile.user_id == customer_id)
    ).first()
    if row is None:
        raise NotFound("Customer not found.", customer_id=customer_id)
    return row[0], row[1]


def get_customer(
    session: Session, *, actor: Actor, customer_id: int
) -> tuple[User, CustomerProfile | None]:
    """A customer the actor's merchant knows (others look missing).

    The operator sees every customer, without a profile: the operator is nobody's merchant.
    """
    if actor.is_operator:
        user = auth_service.get_user(session, customer_id)
        if user.role is not Role.CUSTOMER:
            raise NotFound("Customer not found.", customer_id=customer_id)
        return user, None
    return _known(session, staff_merchant(actor), customer_id)


def update_customer(
    session: Session, *, actor: Actor, customer_id: int, data: CustomerUpdate
) -> tuple[User, CustomerProfile]:
    """Change the merchant's note and the consents the customer gave to its staff."""
    merchant_id = staff_merchant(actor)
    with transaction(session):
        user, profile = _known(session, merchant_id, customer_id)
        if "note" in data.model_fields_set:
            profile.note = data.note or None
        if data.consents is not None:
            _set_consents(profile, data.consents.model_dump(exclude_none=True))
    return user, profile


def my_merchants(session: Session, *, actor: Actor) -> list[tuple[Merchant, CustomerProfile]]:
    """The merchants the signed-in shopper is known to, with the consents given to each."""
    ensure_customer(actor)
    rows = session.execute(
        select(Merchant, CustomerProfile)
        .join(Merchant, Merchant.id == CustomerProfile.merchant_id)
        .where(CustomerProfile.user_id == actor.user_id, Merchant.is_active)
        .order_by(Merchant.name, Merchant.id)
    ).all()
    return [(merchant, profile) for merchant, profile in rows]


def set_my_consents(
    session: Session, *, actor: Actor, merchant_slug: str, data: Consents
) -> tuple[Merchant, CustomerProfile]:
    """The shopper says which channels a merchant may use; a merchant they did not know yet
    is followed (its profile is added)."""
    ensure_customer(actor)
    with transaction(session):
        merchant = stores_service.get_merchant(session, slug=merchant_slug)
        profile = ensure_profile(session, merchant_id=merchant.id, user_id=actor.user_id)
        _set_consents(profile, data.model_dump())
    return merchant, profile
