"""Loyalty points per merchant and the network's cashback: balances beside their ledgers.

A balance column is changed only by conditional updates (``balance >= :n``) in the same
transaction as the ledger entry that explains it; the entries are never changed or deleted,
so a balance is always the sum of its ledger (``reconcile`` proves it).
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from o2o.orm import Base, BigId, CreatedAt, IdPk, Money, str_enum


class LoyaltyProgramme(Base):
    """A merchant's points: how many đồng earn a point, what a point is worth when spent,
    tiers by lifetime spend ([{name, threshold, multiplier_percent, benefit}], ascending)
    and how long points last. No row (or inactive): the merchant runs no loyalty."""

    __tablename__ = "loyalty_programmes"
    __table_args__ = (
        CheckConstraint("earn_dong_per_point > 0", name="earn_rate_positive"),
        CheckConstraint("point_value > 0", name="point_value_positive"),
        CheckConstraint("expiry_months IS NULL OR expiry_months > 0", name="expiry_positive"),
    )

    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"), primary_key=True)
    earn_dong_per_point: Mapped[Money]
    point_value: Mapped[Money]
    expiry_months: Mapped[int | None]
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]


class LoyaltyAccount(Base):
    """One customer's points at one merchant."""

    __tablename__ = "loyalty_accounts"
    __table_args__ = (
        UniqueConstraint("merchant_id", "customer_id"),
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("lifetime_spend >= 0", name="lifetime_spend_not_negative"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    balance: Mapped[int] = mapped_column(default=0)
    #: Đồng paid for goods that reached the customer, less what came back: sets the tier.
    lifetime_spend: Mapped[Money] = mapped_column(default=0)
    tier: Mapped[str | None] = mapped_column(String(40))
    #: Expiry has been written for every entry expiring up to this time.
    expiry_checked_at: Mapped[datetime | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]


class PointsKind(StrEnum):
    EARN = "earn"  # goods reached the customer
    SPEND = "spend"  # a discount at checkout
    EXPIRE = "expire"  # points past their expiry
    REVERSE = "reverse"  # goods came back: what they earned is taken back
    REFUND = "refund"  # points spent on goods that came back (or an order that never was)
    ADJUST = "adjust"  # a manager's correction


class LoyaltyEntry(Base):
    """The points ledger, append-only: ``points`` signed, summing to the account's balance;
    ``spend`` signed, summing to its lifetime spend."""

    __tablename__ = "loyalty_entries"
    __table_args__ = (
        # An order earns, spends, is reversed or refunded by one return once.
        UniqueConstraint("account_id", "kind", "reference"),
        Index("ix_loyalty_entries_account", "account_id", "id"),
        Index("ix_loyalty_entries_expires_at", "expires_at"),
    )

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("loyalty_accounts.id"))
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    kind: Mapped[PointsKind] = mapped_column(str_enum(PointsKind))
    points: Mapped[int]
    #: Points a reversal should have taken back but the balance no longer held.
    unrecovered: Mapped[int] = mapped_column(default=0)
    spend: Mapped[Money] = mapped_column(default=0)
    #: Points added by this entry stop counting then (None: never).
    expires_at: Mapped[datetime | None]
    order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    #: What it is about, once: "order:42", "return:7".
    reference: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]


class Funding(StrEnum):
    MERCHANT = "merchant"  # the merchant where it was earned pays it all
    OPERATOR = "operator"  # the network pays it all
    SPLIT = "split"  # the merchant pays ``merchant_share_bp`` of it, the network the rest


class CashbackProgramme(Base):
    """The network's one cashback programme (``id`` 1), run by the operator."""

    __tablename__ = "cashback_programmes"
    __table_args__ = (
        CheckConstraint("rate_bp BETWEEN 0 AND 10000", name="rate_range"),
        CheckConstraint("merchant_share_bp BETWEEN 0 AND 10000", name="share_range"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Cashback per đồng paid, in basis points (150 = 1.5 %).
    rate_bp: Mapped[int]
    funding: Mapped[Funding] = mapped_column(str_enum(Funding))
    merchant_share_bp: Mapped[int] = mapped_column(default=10_000)
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]


class CashbackParticipant(Base):
    """A merchant whose stores earn and take the network's cashback."""

    __tablename__ = "cashback_participants"

    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"), primary_key=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]


class CashbackWallet(Base):
    """A customer's cashback across the network: pending (returnable orders) and available."""

    __tablename__ = "cashback_wallets"
    __table_args__ = (
        CheckConstraint("pending >= 0", name="pending_not_negative"),
        CheckConstraint("available >= 0", name="available_not_negative"),
    )

    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), primary_key=True)
    pending: Mapped[Money] = mapped_column(default=0)
    available: Mapped[Money] = mapped_column(default=0)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]


class EarningStatus(StrEnum):
    PENDING = "pending"  # the order may still come back
    CREDITED = "credited"  # spendable
    CANCELLED = "cancelled"  # everything came back in time


class CashbackEarning(Base):
    """What one order earns, pending until its return window closes, then credited once
    (a conditional status update). Returns in time grow ``cancelled``."""

    __tablename__ = "cashback_earnings"
    __table_args__ = (
        CheckConstraint("cancelled >= 0 AND cancelled <= amount", name="cancelled_range"),
        Index("ix_cashback_earnings_due", "status", "available_at"),
    )

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    #: Đồng paid for the goods, on which it was earned.
    base: Mapped[Money]
    amount: Mapped[Money]
    cancelled: Mapped[Money] = mapped_column(default=0)
    rate_bp: Mapped[int]
    #: The merchant's share of the funding when it was earned (the rest: the operator).
    merchant_share_bp: Mapped[int]
    available_at: Mapped[datetime]
    status: Mapped[EarningStatus] = mapped_column(
        str_enum(EarningStatus), default=EarningStatus.PENDING)
    created_at: Mapped[CreatedAt]
    credited_at: Mapped[datetime | None]


class CashbackKind(StrEnum):
    EARN = "earn"  # pending grows
    CANCEL = "cancel"  # pending shrinks: a return in time
    CREDIT = "credit"  # pending becomes available
    SPEND = "spend"  # a discount at checkout
    REFUND = "refund"  # spent on goods that came back (or an order that never was)


class CashbackEntry(Base):
    """The cashback ledger, append-only: the deltas sum to the wallet's pending and available.
    A credit says who funds it (the settlement reads credits and spends)."""

    __tablename__ = "cashback_entries"
    __table_args__ = (
        UniqueConstraint("customer_id", "kind", "reference"),
        Index("ix_cashback_entries_customer", "customer_id", "id"),
        Index("ix_cashback_entries_created", "created_at"),
    )

    id: Mapped[IdPk]
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    #: Where it was earned or spent.
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    kind: Mapped[CashbackKind] = mapped_column(str_enum(CashbackKind))
    pending_delta: Mapped[Money] = mapped_column(default=0)
    available_delta: Mapped[Money] = mapped_column(default=0)
    merchant_funded: Mapped[Money] = mapped_column(default=0)
    operator_funded: Mapped[Money] = mapped_column(default=0)
    order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[CreatedAt]


def kept_reference(order_id: int) -> str:
    """The reference of the refund of what a held order's units left behind no longer cost
    (points and cashback alike)."""
    return f"order:{order_id}:kept"
