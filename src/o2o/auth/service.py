"""Signing in and accounts: customers sign themselves up; owners come with their merchant."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from o2o.auth.errors import EmailTaken, InvalidCredentials, PhoneTaken
from o2o.auth.models import Role, StaffLocation, User
from o2o.auth.permissions import Actor
from o2o.auth.schemas import CustomerSignup
from o2o.auth.security import hash_password, issue_token, verify_password
from o2o.config import Settings
from o2o.db import transaction
from o2o.errors import NotFound
from o2o.fields import normalize_phone


def _find_login(session: Session, username: str) -> User | None:
    username = username.strip()
    if "@" in username:
        return session.scalar(select(User).where(User.email == username.lower()))
    try:
        phone = normalize_phone(username)
    except ValueError:
        return None
    return session.scalar(select(User).where(User.phone == phone))


def actor_of(session: Session, user: User) -> Actor:
    location_ids = session.scalars(
        select(StaffLocation.location_id).where(StaffLocation.user_id == user.id)
    ).all()
    return Actor(
        user_id=user.id,
        role=user.role,
        merchant_id=user.merchant_id,
        location_ids=frozenset(location_ids),
    )


def sign_in(session: Session, *, username: str, password: str, settings: Settings) -> str:
    """A bearer token for an email (staff, operator) or phone number (customer) and password.

    Raises InvalidCredentials without saying which part was wrong.
    """
    user = _find_login(session, username)
    if user is None or not user.is_active:
        verify_password(password, None)
        raise InvalidCredentials("Wrong email, phone number or password.")
    if not verify_password(password, user.password_hash):
        raise InvalidCredentials("Wrong email, phone number or password.")
    return issue_token(
        actor_of(session, user),
        secret=settings.secret_key,
        ttl=timedelta(minutes=settings.token_ttl_minutes),
    )


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User not found.")
    return user


def add_user(session: Session, user: User) -> User:
    """Insert a user, turning a duplicate email or phone into a clear conflict."""
    if user.email and session.scalar(select(User.id).where(User.email == user.email)):
        raise EmailTaken("This email is already registered.", email=user.email)
    if user.phone and session.scalar(select(User.id).where(User.phone == user.phone)):
        raise PhoneTaken("This phone number is already registered.", phone=user.phone)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent sign-up took it between check and insert
        raise EmailTaken("This email or phone number is already registered.") from exc
    return user


def find_or_add_customer(
    session: Session, *, phone: str, full_name: str, email: str | None = None
) -> User:
    """The network customer with this E.164 phone, or a new one with no password yet, who can
    claim the account by signing up with the same phone (caller's transaction).

    An existing customer keeps their own name and email; a phone of a staff account is refused.
    """
    user = session.scalar(select(User).where(User.phone == phone))
    if user is None:
        return add_user(
            session,
            User(role=Role.CUSTOMER, phone=phone, email=email, full_name=full_name,
                 password_hash=None),
        )
    if user.role is not Role.CUSTOMER:
        raise PhoneTaken("This phone number belongs to a staff account.", phone=phone)
    return user


def sign_up_customer(session: Session, *, data: CustomerSignup) -> User:
    """A shopper's own account. A phone registered at a counter without a password is claimed."""
    with transaction(session):
        existing = session.scalar(select(User).where(User.phone == data.phone))
        if existing is not None:
            if existing.role is not Role.CUSTOMER or existing.password_hash is not None:
                raise PhoneTaken("This phone number is already registered.", phone=data.phone)
            if data.email and data.email != existing.email and session.scalar(
                select(User.id).where(User.email == data.email)
            ):
                raise EmailTaken("This email is already registered.", email=data.email)
            existing.full_name = data.full_name
            existing.password_hash = hash_password(data.password)
            if data.email:
                existing.email = data.email
            return existing
        return add_user(
            session,
            User(
                role=Role.CUSTOMER,
                phone=data.phone,
                email=data.email,
                full_name=data.full_name,
                password_hash=hash_password(data.password),
            ),
        )


def create_owner(session: Session, *, merchant_id: int, email: str, full_name: str,
                 password: str) -> User:
    """A merchant's owner, created when the operator onboards the merchant (caller's txn)."""
    return add_user(
        session,
        User(role=Role.OWNER, merchant_id=merchant_id, email=email, full_name=full_name,
             password_hash=hash_password(password)),
    )


def create_operator(session: Session, *, email: str, full_name: str, password: str) -> User:
    """The network operator's account (from the CLI or the demo, never over HTTP)."""
    with transaction(session):
        return add_user(
            session,
            User(role=Role.OPERATOR, email=email.lower(), full_name=full_name,
                 password_hash=hash_password(password)),
        )
