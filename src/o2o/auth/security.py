"""Password hashes (argon2 via pwdlib) and signed bearer tokens (PyJWT)."""

import threading
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from pwdlib import PasswordHash

from o2o.auth.models import Role
from o2o.auth.permissions import Actor

_ALGORITHM = "HS256"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """False for a user with no password yet; constant work either way."""
    if password_hash is None:
        _hasher().hash(password)  # same cost as a real check: no timing oracle
        return False
    return _hasher().verify(password, password_hash)


def issue_token(actor: Actor, *, secret: str, ttl: timedelta) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(actor.user_id),
        "role": actor.role.value,
        "mid": actor.merchant_id,
        "loc": sorted(actor.location_ids),
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


#: Tokens already verified, with their actor and expiry: every API request carries one, and
#: checking it anew cost more than the rest of the authentication (a client sends the same
#: token for hours). Bounded; the oldest entries go first.
_VERIFIED_MAX = 4096
_verified: dict[tuple[str, str], tuple[Actor, float]] = {}
_verified_lock = threading.Lock()


def read_token(token: str, *, secret: str) -> Actor | None:
    """The actor a token speaks for, or None if it is forged, malformed or expired."""
    key = (secret, token)
    known = _verified.get(key)
    if known is not None:
        actor, expires = known
        return actor if time.time() < expires else None
    try:
        claims = jwt.decode(token, secret, algorithms=[_ALGORITHM], options={"require": ["exp"]})
        actor = Actor(
            user_id=int(claims["sub"]),
            role=Role(claims["role"]),
            merchant_id=claims.get("mid"),
            location_ids=frozenset(int(i) for i in claims.get("loc", [])),
        )
        expires = float(claims["exp"])
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None
    with _verified_lock:
        if len(_verified) >= _VERIFIED_MAX:
            del _verified[next(iter(_verified))]
        _verified[key] = (actor, expires)
    return actor
