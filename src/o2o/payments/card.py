"""A sandbox card acquirer that answers like a real one: the counter's mPoS and online card entry.

As in real acquirers' sandboxes, the test card number chooses the outcome (approve, decline,
a 3-D Secure style challenge). A payment is a small immutable record; each step is a pure
transition returning the new record and the provider event to append to the ledger. The full
card number is read once and dropped: only the brand and the last four digits are kept.
"""

import hmac
import re
import secrets
from dataclasses import dataclass, replace
from typing import Literal

from stdnum import luhn

from o2o.payments.errors import (
    CaptureExceedsAuthorized,
    CardBrandUnsupported,
    CardNumberInvalid,
    ChallengeUnknown,
    PaymentStatusConflict,
    RefundExceedsCaptured,
)
from o2o.payments.money import positive_amount

Brand = Literal["visa", "mastercard", "jcb", "napas"]
Status = Literal["challenge_required", "authorized", "declined", "captured", "voided", "refunded"]
EventKind = Literal[
    "authorized", "declined", "challenge_required", "challenge_failed",
    "captured", "voided", "refunded",
]
Outcome = Literal["approve", "insufficient_funds", "do_not_honour", "challenge"]

#: What the sandbox does for each test card; any other valid number is declined.
TEST_CARDS: dict[str, Outcome] = {
    "4111111111111111": "approve",  # Visa
    "5555555555554444": "approve",  # Mastercard
    "3530111333300000": "approve",  # JCB
    "9704000000000018": "approve",  # NAPAS domestic, 16 digits
    "9704198526191432198": "approve",  # NAPAS domestic, 19 digits
    "4000000000009995": "insufficient_funds",
    "4000000000000002": "do_not_honour",
    "9704000000000034": "do_not_honour",
    "4000000000003220": "challenge",
    "9704000000000026": "challenge",  # domestic cards ask for an OTP on most online payments
}
#: The one-time password the sandbox's challenge accepts.
SANDBOX_OTP = "123456"
OTP_ATTEMPTS = 3


@dataclass(frozen=True)
class Card:
    """What is kept of a card: enough to show "Visa •••• 1111", never enough to charge it."""

    brand: Brand
    last4: str


@dataclass(frozen=True)
class ProviderEvent:
    """One line of the provider's answer, recorded append-only by the payment intent.

    ``amount`` is what the step concerned: asked for (authorization steps), captured,
    released (void) or refunded.
    """

    kind: EventKind
    payment: str
    amount: int
    reason: str | None = None


@dataclass(frozen=True)
class CardPayment:
    """A card payment as the acquirer sees it; ``amount`` is what was asked for and held."""

    reference: str
    card: Card
    amount: int
    status: Status
    captured: int = 0
    refunded: int = 0
    challenge_id: str | None = None
    otp_attempts_left: int = 0


def _digits(number: str) -> str:
    return re.sub(r"[ -]", "", number)


def _brand(digits: str) -> Brand | None:
    length = len(digits)
    if digits.startswith("9704") and length in (16, 19):
        return "napas"
    if digits.startswith("4") and length in (13, 16, 19):
        return "visa"
    if length == 16 and (51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720):
        return "mastercard"
    if 16 <= length <= 19 and 3528 <= int(digits[:4]) <= 3589:
        return "jcb"
    return None


def read_card(number: str) -> Card:
    """The brand and last four digits of a typed card number (spaces and dashes allowed).

    Raises CardNumberInvalid for a mistyped number, CardBrandUnsupported for other schemes.
    Neither error repeats the number.
    """
    digits = _digits(number)
    if not (re.fullmatch(r"[0-9]{12,19}", digits) and luhn.is_valid(digits)):
        raise CardNumberInvalid("The card number is mistyped: please check the digits.")
    brand = _brand(digits)
    if brand is None:
        raise CardBrandUnsupported("Only Visa, Mastercard, JCB and NAPAS cards are accepted.")
    return Card(brand=brand, last4=digits[-4:])


def authorize(number: str, *, amount: int) -> tuple[CardPayment, ProviderEvent]:
    """Ask the issuer to hold ``amount`` đồng: authorized, declined, or a challenge first."""
    positive_amount(amount)
    card = read_card(number)
    outcome = TEST_CARDS.get(_digits(number))
    payment = CardPayment(
        reference=f"card_{secrets.token_hex(8)}", card=card, amount=amount, status="declined"
    )
    if outcome == "approve":
        payment = replace(payment, status="authorized")
        return payment, ProviderEvent("authorized", payment.reference, amount)
    if outcome == "challenge":
        payment = replace(
            payment,
            status="challenge_required",
            challenge_id=f"3ds_{secrets.token_urlsafe(12)}",
            otp_attempts_left=OTP_ATTEMPTS,
        )
        return payment, ProviderEvent("challenge_required", payment.reference, amount)
    reason = outcome or "not_a_test_card"
    return payment, ProviderEvent("declined", payment.reference, amount, reason)


def _require(payment: CardPayment, action: str, *allowed: Status) -> None:
    if payment.status not in allowed:
        raise PaymentStatusConflict(
            f"A payment that is {payment.status.replace('_', ' ')} cannot be {action}.",
            status=payment.status,
        )


def complete_challenge(
    payment: CardPayment, *, challenge_id: str, otp: str
) -> tuple[CardPayment, ProviderEvent]:
    """The shopper's answer to the challenge: the right OTP authorizes; after three wrong
    ones the payment is declined."""
    _require(payment, "authenticated", "challenge_required")
    if challenge_id != payment.challenge_id:
        raise ChallengeUnknown("This challenge does not belong to the payment.")
    if hmac.compare_digest(otp.encode(), SANDBOX_OTP.encode()):
        done = replace(payment, status="authorized", challenge_id=None, otp_attempts_left=0)
        return done, ProviderEvent("authorized", payment.reference, payment.amount)
    left = payment.otp_attempts_left - 1
    if left > 0:
        retry = replace(payment, otp_attempts_left=left)
        return retry, ProviderEvent("challenge_failed", payment.reference, payment.amount,
                                    "wrong_otp")
    failed = replace(payment, status="declined", challenge_id=None, otp_attempts_left=0)
    return failed, ProviderEvent("declined", payment.reference, payment.amount,
                                 "authentication_failed")


def capture(
    payment: CardPayment, *, amount: int | None = None
) -> tuple[CardPayment, ProviderEvent]:
    """Take ``amount`` (all of it by default) of the hold, once; the rest goes back to the card.

    Raises CaptureExceedsAuthorized above the hold, PaymentStatusConflict unless authorized.
    """
    _require(payment, "captured", "authorized")
    taken = payment.amount if amount is None else positive_amount(amount)
    if taken > payment.amount:
        raise CaptureExceedsAuthorized(
            f"Only {payment.amount} đồng were authorized; {taken} cannot be captured.",
            authorized=payment.amount, requested=taken,
        )
    done = replace(payment, status="captured", captured=taken)
    return done, ProviderEvent("captured", payment.reference, taken)


def void(payment: CardPayment) -> tuple[CardPayment, ProviderEvent]:
    """Release an uncaptured hold; money already captured comes back only by refund."""
    _require(payment, "voided", "authorized")
    return replace(payment, status="voided"), ProviderEvent("voided", payment.reference,
                                                            payment.amount)


def refund(payment: CardPayment, *, amount: int) -> tuple[CardPayment, ProviderEvent]:
    """Give back ``amount`` đồng of the capture; refunds add up to at most what was captured.

    Raises RefundExceedsCaptured past that (``details.refundable`` says what is left).
    """
    _require(payment, "refunded", "captured", "refunded")
    positive_amount(amount)
    refundable = payment.captured - payment.refunded
    if amount > refundable:
        raise RefundExceedsCaptured(
            f"Only {refundable} đồng of this payment can still be refunded.",
            refundable=refundable, requested=amount,
        )
    refunded = payment.refunded + amount
    status: Status = "refunded" if refunded == payment.captured else "captured"
    done = replace(payment, status=status, refunded=refunded)
    return done, ProviderEvent("refunded", payment.reference, amount)
