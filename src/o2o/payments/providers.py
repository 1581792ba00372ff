"""One interface in front of every payment provider, and the sandboxes that ship with o2o.

A provider turns a payment step into what the provider said (``Step``): the new status, the
amount it concerned, and the events to append to the ledger. The service keeps the intent's
columns and the ledger; a provider keeps nothing. A real gateway is plugged in by naming its
class in ``O2O_PAYMENT_PROVIDERS`` (``{"card": "package.module:Class"}``).
"""

import importlib
import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

from o2o.payments import card as card_sandbox
from o2o.payments.errors import PaymentStatusConflict
from o2o.payments.models import Method, PaymentIntent, PaymentStatus


@dataclass
class Step:
    """What a provider answered to one step."""

    status: PaymentStatus
    kind: str  # the ledger event: authorized, captured, declined, refunded…
    amount: int
    provider_ref: str | None = None
    reason: str | None = None
    #: Columns of the intent the step sets (card brand, challenge id…).
    changes: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    name: str

    def start(self, intent: PaymentIntent, request: dict[str, Any]) -> Step: ...

    def answer_challenge(self, intent: PaymentIntent, otp: str) -> Step: ...

    def capture(self, intent: PaymentIntent, amount: int) -> Step: ...

    def void(self, intent: PaymentIntent) -> Step: ...

    def refund(self, intent: PaymentIntent, amount: int) -> Step: ...


_CARD_STATUS = {
    "authorized": PaymentStatus.AUTHORIZED, "challenge_required": PaymentStatus.CHALLENGE_REQUIRED,
    "declined": PaymentStatus.FAILED, "captured": PaymentStatus.CAPTURED,
    "voided": PaymentStatus.CANCELLED, "refunded": PaymentStatus.CAPTURED,
}


def _card_payment(intent: PaymentIntent) -> card_sandbox.CardPayment:
    status: card_sandbox.Status = {
        PaymentStatus.AUTHORIZED: "authorized", PaymentStatus.CHALLENGE_REQUIRED:
        "challenge_required", PaymentStatus.CAPTURED: "captured",
    }.get(intent.status, "declined")  # type: ignore[assignment]
    if status == "captured" and intent.refunded == intent.captured and intent.refunded:
        status = "refunded"
    return card_sandbox.CardPayment(
        reference=intent.provider_ref or "", amount=intent.amount, status=status,
        card=card_sandbox.Card(intent.card_brand or "visa", intent.card_last4 or ""),  # type: ignore[arg-type]
        captured=intent.captured, refunded=intent.refunded, challenge_id=intent.challenge_id,
        otp_attempts_left=intent.otp_attempts_left)


def _card_step(payment: card_sandbox.CardPayment, event: card_sandbox.ProviderEvent) -> Step:
    return Step(_CARD_STATUS[payment.status], event.kind, event.amount, payment.reference,
                event.reason, {"card_brand": payment.card.brand, "card_last4": payment.card.last4,
                               "challenge_id": payment.challenge_id,
                               "otp_attempts_left": payment.otp_attempts_left})


class CardSandbox:
    """The sandbox acquirer of ``o2o.payments.card``: test numbers choose the outcome."""

    name = "card_sandbox"

    def start(self, intent: PaymentIntent, request: dict[str, Any]) -> Step:
        return _card_step(*card_sandbox.authorize(request["card_number"], amount=intent.amount))

    def answer_challenge(self, intent: PaymentIntent, otp: str) -> Step:
        payment = _card_payment(intent)
        return _card_step(*card_sandbox.complete_challenge(
            payment, challenge_id=intent.challenge_id or "", otp=otp))

    def capture(self, intent: PaymentIntent, amount: int) -> Step:
        return _card_step(*card_sandbox.capture(_card_payment(intent), amount=amount))

    def void(self, intent: PaymentIntent) -> Step:
        return _card_step(*card_sandbox.void(_card_payment(intent)))

    def refund(self, intent: PaymentIntent, amount: int) -> Step:
        return _card_step(*card_sandbox.refund(_card_payment(intent), amount=amount))


class _Offline:
    """Shared by methods whose money moves outside a card network: no challenge, no void of
    a capture, refunds recorded as the merchant makes them."""

    name = "offline"

    def answer_challenge(self, intent: PaymentIntent, otp: str) -> Step:
        raise PaymentStatusConflict("This payment asks for no one-time password.")

    def capture(self, intent: PaymentIntent, amount: int) -> Step:
        raise PaymentStatusConflict("This payment is captured when the money arrives.")

    def void(self, intent: PaymentIntent) -> Step:
        if intent.status is not PaymentStatus.PENDING:
            raise PaymentStatusConflict(f"A {intent.status} payment cannot be cancelled.",
                                        status=str(intent.status))
        return Step(PaymentStatus.CANCELLED, "cancelled", 0)

    def refund(self, intent: PaymentIntent, amount: int) -> Step:
        return Step(PaymentStatus.CAPTURED, "refunded", amount)


class VietQRBank(_Offline):
    """Bank transfer by VietQR: pending until the bank notifies a matching credit
    (``webhooks.py``); a refund is a transfer back, recorded by the merchant."""

    name = "vietqr"

    def start(self, intent: PaymentIntent, request: dict[str, Any]) -> Step:
        return Step(PaymentStatus.PENDING, "created", intent.amount)


class WalletSandbox(_Offline):
    """An e-wallet: the shopper is sent to the wallet's page and comes back with signed
    parameters; the wallet also notifies by webhook. Either one completes the payment."""

    name = "wallet_sandbox"

    def start(self, intent: PaymentIntent, request: dict[str, Any]) -> Step:
        return Step(PaymentStatus.PENDING, "created", intent.amount,
                    provider_ref=f"wal_{secrets.token_hex(8)}")


class Cash(_Offline):
    """Notes handed over at the counter: captured at once, change given."""

    name = "cash"

    def start(self, intent: PaymentIntent, request: dict[str, Any]) -> Step:
        return Step(PaymentStatus.CAPTURED, "captured", intent.amount)


class InstalmentSandbox(CardSandbox):
    """0 % instalments: the partner authorizes the whole amount on the card and pays the
    merchant at once, less its fee; the shopper repays the partner month by month."""

    name = "instalment_sandbox"


SANDBOXES: dict[Method, type] = {
    Method.CARD: CardSandbox, Method.INSTALMENT: InstalmentSandbox, Method.VIETQR: VietQRBank,
    Method.WALLET: WalletSandbox, Method.CASH: Cash,
}


def load(configured: dict[str, str]) -> dict[Method, Provider]:
    """The provider of each method: a configured ``module:Class``, else the sandbox."""
    found: dict[Method, Provider] = {}
    for method, sandbox in SANDBOXES.items():
        path = configured.get(method.value)
        if path:
            module, _, name = path.partition(":")
            sandbox = getattr(importlib.import_module(module), name)
        found[method] = sandbox()
    return found
