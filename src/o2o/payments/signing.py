"""Proof that a provider sent it: signed webhooks and the wallet's signed return parameters.

A webhook counts only if its HMAC-SHA256 matches and its timestamp is recent, so a recorded
request cannot be replayed later. Comparisons are constant-time, so a forger learns nothing
from how fast a wrong signature is refused.
"""

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from o2o.payments.errors import SignatureExpired, SignatureMismatch, SignatureMissing

DEFAULT_TOLERANCE = timedelta(seconds=300)
#: The return parameter that carries the signature of all the others.
SIGNATURE_PARAM = "signature"


def _digest(secret: str | bytes, message: bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _signed_payload(timestamp: int, body: bytes | str) -> bytes:
    return f"{timestamp}.".encode() + (body.encode() if isinstance(body, str) else body)


def _matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def sign_webhook(body: bytes | str, *, secret: str | bytes, at: datetime) -> str:
    """The signature header for ``body`` sent at ``at``: ``t=<unix seconds>,v1=<hex HMAC>``."""
    timestamp = int(at.timestamp())
    return f"t={timestamp},v1={_digest(secret, _signed_payload(timestamp, body))}"


def _read_header(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureMissing("The signature header needs a timestamp t=… and a v1=… signature.")
    return timestamp, signatures


def verify_webhook(
    body: bytes | str,
    header: str | None,
    *,
    secret: str | bytes,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> datetime:
    """When the provider signed ``body`` (aware UTC), if ``header`` proves it did.

    ``body`` is the raw request body: re-serialised JSON would not match. Any ``v1`` may
    match (providers send two while rotating secrets). Raises SignatureMissing,
    SignatureMismatch, or SignatureExpired when signed more than ``tolerance`` before or
    after ``now``.
    """
    if not header:
        raise SignatureMissing("The webhook carries no signature header.")
    timestamp, signatures = _read_header(header)
    expected = _digest(secret, _signed_payload(timestamp, body))
    if not any(_matches(expected, given) for given in signatures):
        raise SignatureMismatch("The webhook signature does not match its body.")
    signed_at = datetime.fromtimestamp(timestamp, UTC)
    if abs(now - signed_at) > tolerance:
        raise SignatureExpired(
            f"The webhook was signed at {signed_at.isoformat()}, outside the "
            f"{int(tolerance.total_seconds())} s window: refused as a possible replay.",
            signed_at=signed_at.isoformat(),
        )
    return signed_at


def _canonical(params: Mapping[str, str]) -> bytes:
    # Sorted keys and percent-encoded values: one byte string per set of parameters, however
    # the wallet ordered them, and no value can pass for a separator.
    items = sorted((key, value) for key, value in params.items() if key != SIGNATURE_PARAM)
    return urlencode(items, quote_via=quote).encode()


def sign_params(params: Mapping[str, str], *, secret: str | bytes) -> dict[str, str]:
    """``params`` with their ``signature`` added, for the wallet's return URL."""
    return {**params, SIGNATURE_PARAM: _digest(secret, _canonical(params))}


def verify_params(params: Mapping[str, str], *, secret: str | bytes) -> dict[str, str]:
    """The return parameters without ``signature``, if it signs them all.

    Raises SignatureMissing or SignatureMismatch (a parameter added, dropped or changed).
    """
    given = params.get(SIGNATURE_PARAM)
    if not given:
        raise SignatureMissing("The wallet's return carries no signature.")
    if not _matches(_digest(secret, _canonical(params)), given):
        raise SignatureMismatch("The wallet's return parameters do not match their signature.")
    return {key: value for key, value in params.items() if key != SIGNATURE_PARAM}
