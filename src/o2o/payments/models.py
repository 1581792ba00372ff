from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from o2o.orm import Base, BigId, CreatedAt, IdPk, Money, str_enum


class Method(StrEnum):
    VIETQR = "vietqr"  # bank transfer by scanning a VietQR code
    CARD = "card"  # online card entry, or the counter's card terminal
    WALLET = "wallet"  # e-wallet: redirect to the wallet and back
    CASH = "cash"  # at the counter (also "pay at pickup")
    INSTALMENT = "instalment"  # 0 % instalments through a card or finance partner


class PaymentStatus(StrEnum):
    PENDING = "pending"  # waiting for the shopper (scan, redirect) or the bank
    CHALLENGE_REQUIRED = "challenge_required"  # card: the issuer asks for an OTP
    AUTHORIZED = "authorized"  # card: held, not yet taken
    CAPTURED = "captured"  # the money is the merchant's (refunds may follow)
    FAILED = "failed"  # declined
    CANCELLED = "cancelled"  # voided, or abandoned by the shopper
    EXPIRED = "expired"  # nobody paid in time


OPEN = (PaymentStatus.PENDING, PaymentStatus.CHALLENGE_REQUIRED, PaymentStatus.AUTHORIZED)


class PaymentAccount(Base):
    """Where a merchant's bank transfers land: the account its VietQR codes pay into."""

    __tablename__ = "payment_accounts"

    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"), primary_key=True)
    bank_bin: Mapped[str] = mapped_column(String(6))
    account_number: Mapped[str] = mapped_column(String(19))
    account_name: Mapped[str] = mapped_column(String(120))


class PaymentIntent(Base):
    """One attempt to pay (part of) an order by one method, and what became of it.

    ``captured`` and ``refunded`` are sums of its events; they change only by conditional
    updates, so two captures or refunds racing cannot take more than there is.
    """

    __tablename__ = "payment_intents"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("captured >= 0 AND captured <= amount", name="captured_range"),
        CheckConstraint("refunded >= 0 AND refunded <= captured", name="refunded_range"),
        Index("ix_payment_intents_merchant_created", "merchant_id", "created_at"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    method: Mapped[Method] = mapped_column(str_enum(Method))
    status: Mapped[PaymentStatus] = mapped_column(str_enum(PaymentStatus))
    amount: Mapped[Money]
    captured: Mapped[Money] = mapped_column(default=0)
    refunded: Mapped[Money] = mapped_column(default=0)
    #: What the shopper's bank transfer carries back (VietQR), letters and digits only.
    reference: Mapped[str] = mapped_column(String(25), unique=True)
    #: The provider's id of the payment (card acquirer, wallet transaction).
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    card_brand: Mapped[str | None] = mapped_column(String(12))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    challenge_id: Mapped[str | None] = mapped_column(String(64))
    otp_attempts_left: Mapped[int] = mapped_column(default=0)
    instalment_months: Mapped[int | None]
    #: What the merchant pays the provider (instalment plans): a cost, not charged to the shopper.
    merchant_fee: Mapped[Money] = mapped_column(default=0)
    tendered: Mapped[Money | None]
    #: Why it waits for a person: money arrived that does not match (amount, late, unknown).
    review: Mapped[str | None] = mapped_column(String(200))
    location_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("locations.id"))
    created_by: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    expires_at: Mapped[datetime | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]

    @property
    def change(self) -> int | None:
        return None if self.tendered is None else self.tendered - self.amount


class PaymentEvent(Base):
    """The payments ledger, append-only: every step of every intent and every notification
    a provider sent, even one that matched nothing (``intent_id`` None)."""

    __tablename__ = "payment_events"
    __table_args__ = (
        # A provider's event is stored once: a duplicate webhook finds it and changes nothing.
        Index("ix_payment_events_provider_event", "provider", "provider_event_id", unique=True),
        Index("ix_payment_events_merchant_created", "merchant_id", "created_at"),
    )

    id: Mapped[IdPk]
    intent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("payment_intents.id"),
                                                  index=True)
    merchant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("merchants.id"))
    provider: Mapped[str] = mapped_column(String(20))
    provider_event_id: Mapped[str | None] = mapped_column(String(64))
    #: created, authorized, captured, declined, challenge_required, challenge_failed, voided,
    #: expired, refunded, notified (a webhook arrived), flagged (needs review).
    kind: Mapped[str] = mapped_column(String(24))
    amount: Mapped[Money] = mapped_column(default=0)
    reason: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[CreatedAt]


class Refund(Base):
    """Money given back to the method it came from (cash from the till for a cash sale)."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[IdPk]
    intent_id: Mapped[int] = mapped_column(BigId, ForeignKey("payment_intents.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    #: The return it pays back, if it came from one.
    return_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("order_returns.id"))
    amount: Mapped[Money]
    method: Mapped[Method] = mapped_column(str_enum(Method))
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
