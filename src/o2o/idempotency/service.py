"""Run a use case at most once per (user, key), as Stripe does with ``Idempotency-Key``.

The key is claimed by an INSERT in the use case's own transaction: a concurrent request
with the same key waits on that row (PostgreSQL) or on the write lock (SQLite) and, once
the first commits, replays its result instead of doing the work again. A request that
fails leaves no key behind, so the client may retry it with the same key.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from o2o.db import transaction
from o2o.errors import InvalidInput
from o2o.idempotency.models import IdempotencyKey
from o2o.orm import utcnow

#: Stripe keeps keys 24 hours; a retry a day later still finds its answer.
KEY_TTL = timedelta(hours=48)
MAX_KEY_LENGTH = 255

T = TypeVar("T")


class IdempotencyKeyReused(InvalidInput):
    """This Idempotency-Key was already used for a different request."""

    code = "idempotency_key_reused"


class IdempotencyKeyInvalid(InvalidInput):
    """An Idempotency-Key is 1 to 255 printable characters."""

    code = "idempotency_key_invalid"


def once(session: Session, *, user_id: int, key: str | None, operation: str,
         make: Callable[[], T], ref: Callable[[T], str], load: Callable[[str], T]) -> T:
    """``make()`` in a write transaction, unless this key already made something: then
    ``load(ref)`` of what it made. ``operation`` names the request ("checkout.complete:7");
    the same key for another operation is refused with ``idempotency_key_reused``."""
    if key is None:
        with transaction(session):
            return make()
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyInvalid("An Idempotency-Key is 1 to 255 printable characters.")
    for attempt in (1, 2):
        try:
            with transaction(session):
                earlier = _earlier(session, user_id, key, operation)
                if earlier is not None:
                    return load(earlier)
                claim = IdempotencyKey(user_id=user_id, key=key, fingerprint=operation,
                                       result="", expires_at=utcnow() + KEY_TTL)
                session.add(claim)
                session.flush()
                made = make()
                claim.result = ref(made)
                return made
        except IntegrityError:
            # A concurrent request claimed the key and committed first: the next round
            # finds its result. Anything else fails the same way again and is raised.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _earlier(session: Session, user_id: int, key: str, operation: str) -> str | None:
    row = session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
    if row is None:
        return None
    if row.expires_at <= utcnow():
        session.delete(row)
        session.flush()
        return None
    if row.fingerprint != operation:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different request.", key=key)
    return row.result


def forget_expired(session: Session) -> int:
    """Drop keys past their lifetime (the background loop calls it)."""
    with transaction(session):
        return session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.expires_at <= utcnow())
        ).rowcount  # type: ignore[attr-defined,no-any-return]
