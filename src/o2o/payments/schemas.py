from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from o2o.fields import VND
from o2o.payments.models import Method, PaymentStatus
from o2o.schemas import Input, Output

CardNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=12,
                                              max_length=23, pattern=r"^[0-9 -]+$")]


class PaymentCreate(Input):
    method: Method
    #: Part of the order (split payments at the counter); the rest of what it owes if absent.
    amount: Annotated[int, Field(gt=0, le=1_000_000_000_000, strict=True)] | None = None
    #: card and instalment: typed online or read by the counter's terminal.
    card_number: CardNumber | None = None
    #: instalment: plan length.
    months: Literal[3, 6, 9, 12] | None = None
    #: cash: what the customer handed over.
    tendered: VND | None = None
    #: card: take the money now (default) or only hold it, to capture at handover.
    capture: bool = True


class ChallengeAnswer(Input):
    otp: Annotated[str, StringConstraints(pattern=r"^\d{4,8}$")]


class CaptureIn(Input):
    amount: Annotated[int, Field(gt=0, strict=True)] | None = None


class RefundCreate(Input):
    amount: Annotated[int, Field(gt=0, strict=True)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class InstalmentRead(Output):
    number: int
    due: date
    amount: int


class PaymentRead(Output):
    id: int
    order_id: int
    method: Method
    status: PaymentStatus
    amount: int
    captured: int
    refunded: int
    reference: str
    card_brand: str | None
    card_last4: str | None
    #: card: answer it with ``POST /api/v1/payments/{id}/challenge``.
    challenge_id: str | None
    instalment_months: int | None
    merchant_fee: int
    tendered: int | None
    change: int | None
    review: str | None
    expires_at: datetime | None
    created_at: datetime
    #: vietqr: the EMVCo payload and its image.
    qr_payload: str | None = None
    qr_image_url: str | None = None
    #: wallet: where to send the shopper.
    redirect_url: str | None = None
    #: instalment: what the shopper repays, month by month.
    schedule: list[InstalmentRead] | None = None


class RefundRead(Output):
    id: int
    intent_id: int
    order_id: int
    return_id: int | None
    amount: int
    method: Method
    created_at: datetime


class EventRead(Output):
    id: int
    intent_id: int | None
    provider: str
    kind: str
    amount: int
    reason: str | None
    created_at: datetime


class VietQRNotification(Input):
    """A bank's credit notification (the sandbox bank's shape: real banks map onto it)."""

    model_config = Input.model_config | {"extra": "ignore"}
    event_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    reference: Annotated[str, StringConstraints(max_length=200)]
    amount: Annotated[int, Field(gt=0)]
    bank_txn_id: str | None = None
    #: The account credited: whose money it is when the reference matches no payment.
    account: Annotated[str, StringConstraints(max_length=19)] | None = None


class WalletNotification(Input):
    model_config = Input.model_config | {"extra": "ignore"}
    event_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    payment_ref: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    status: Literal["succeeded", "failed"]
    amount: Annotated[int, Field(gt=0)]


class SettlementLine(Output):
    method: Method
    payments: int
    captured: int
    refunded: int
    fees: int
    net: int


class Mismatch(Output):
    kind: str
    intent_id: int | None
    event_id: int | None
    amount: int
    detail: str


class Settlement(Output):
    merchant_id: int
    day: date
    lines: list[SettlementLine]
    captured: int
    refunded: int
    fees: int
    net: int
    mismatches: list[Mismatch]
