from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from o2o.orm import Base, BigId, CreatedAt, IdPk, Money


class PromotionRow(Base):
    """A merchant's promotion: its terms (validated by ``schemas.PromotionTerms``, read by the
    engine as ``rules.Promotion``) and its usage so far.

    The columns the database must see are columns: what selects the active promotions, and
    the limits that ``uses`` and ``spent`` are checked against in conditional updates, so a
    limit or a budget never overruns however many checkouts complete at once.
    """

    __tablename__ = "promotions"
    __table_args__ = (
        CheckConstraint("uses >= 0", name="uses_not_negative"),
        CheckConstraint("usage_limit IS NULL OR uses <= usage_limit", name="uses_within_limit"),
        CheckConstraint("budget IS NULL OR spent <= budget", name="spent_within_budget"),
        Index("ix_promotions_merchant_active", "merchant_id", "is_active"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    #: The rest of the terms (target, percent, amount, happy hours, audience…) as JSON.
    terms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    requires_coupon: Mapped[bool] = mapped_column(default=False)
    usage_limit: Mapped[int | None]
    per_customer_limit: Mapped[int | None]
    budget: Mapped[Money | None]
    uses: Mapped[int] = mapped_column(default=0)
    #: Đồng given away so far (returns give their share back).
    spent: Mapped[Money] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]


class CustomerUse(Base):
    """How often one customer used one promotion: the per-customer limit's counter."""

    __tablename__ = "promotion_customer_uses"

    promotion_id: Mapped[int] = mapped_column(BigId, ForeignKey("promotions.id"),
                                              primary_key=True)
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), primary_key=True)
    uses: Mapped[int] = mapped_column(default=0)


class PromotionSegment(Base):
    """A customer segment a promotion is for (its terms' ``audience.segment_ids``, kept as
    rows too): the foreign key keeps a segment from being deleted while a promotion names it,
    even by a transaction running at the same time."""

    __tablename__ = "promotion_segments"

    promotion_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("promotions.id", ondelete="CASCADE"), primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customer_segments.id"), primary_key=True, index=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))


class CouponBatch(Base):
    """Unique single-use codes made at once for one promotion (flyers, partners, SMS)."""

    __tablename__ = "coupon_batches"

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    promotion_id: Mapped[int] = mapped_column(BigId, ForeignKey("promotions.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(12))
    count: Mapped[int]
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]


class Coupon(Base):
    """A code that unlocks a promotion: shared (many uses) or one of a batch (one use)."""

    __tablename__ = "coupons"
    __table_args__ = (
        UniqueConstraint("merchant_id", "code"),
        CheckConstraint("max_uses IS NULL OR uses <= max_uses", name="uses_within_max"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    promotion_id: Mapped[int] = mapped_column(BigId, ForeignKey("promotions.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("coupon_batches.id"),
                                                 index=True)
    #: Upper case letters and digits, as printed and typed.
    code: Mapped[str] = mapped_column(String(32))
    #: None: as many as the promotion allows.
    max_uses: Mapped[int | None]
    uses: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]


class Redemption(Base):
    """The promotions ledger, append-only: what each order got off from each promotion (and
    the coupon used); a return adds a negative entry for the share it gives back."""

    __tablename__ = "promotion_redemptions"
    __table_args__ = (Index("ix_promotion_redemptions_promotion", "promotion_id", "id"),)

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    promotion_id: Mapped[int] = mapped_column(BigId, ForeignKey("promotions.id"))
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    coupon_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("coupons.id"))
    amount: Mapped[Money]
    created_at: Mapped[CreatedAt]
