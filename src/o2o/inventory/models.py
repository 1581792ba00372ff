from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from o2o.orm import Base, BigId, CreatedAt, IdPk, str_enum


class MovementKind(StrEnum):
    RECEIPT = "receipt"  # goods in from a supplier
    SALE = "sale"  # sold: a reservation committed at the counter or at handover
    RETURN = "return"  # a customer brought it back, resellable
    ADJUSTMENT = "adjustment"  # a correction with a reason
    COUNT = "count"  # the difference a stock count found
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    DAMAGE = "damage"  # written off


class StockLevel(Base):
    """What one location holds of one variant. Changed only by conditional SQL updates.

    ``available`` = on_hand − reserved (− online_buffer for the online channel).
    """

    __tablename__ = "stock_levels"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
        CheckConstraint("online_buffer >= 0", name="online_buffer_not_negative"),
        Index("ix_stock_levels_variant_id", "variant_id"),
    )

    location_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("locations.id"), primary_key=True
    )
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("variants.id"), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    #: Units the online channel may not sell, kept for walk-in customers.
    online_buffer: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime | None]


class StockMovement(Base):
    """The append-only ledger: ``on_hand`` of a level is always the sum of its deltas."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="delta_not_zero"),
        Index("ix_stock_movements_level", "location_id", "variant_id", "id"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    location_id: Mapped[int] = mapped_column(BigId, ForeignKey("locations.id"))
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("variants.id"))
    kind: Mapped[MovementKind] = mapped_column(str_enum(MovementKind))
    delta: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200), default="")
    #: What caused it: "reservation:12", "transfer:3", "count:7", "order:42".
    reference: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]


class ReservationStatus(StrEnum):
    ACTIVE = "active"  # holding stock
    COMMITTED = "committed"  # turned into a sale
    RELEASED = "released"  # given back (cancelled)
    EXPIRED = "expired"  # given back by the sweeper


class ReservationPurpose(StrEnum):
    CART = "cart"
    CHECKOUT = "checkout"
    TRY_ON = "try_on"
    PICKUP = "pickup"
    STAFF_HOLD = "staff_hold"


class Reservation(Base):
    """Units of one variant held at one location until ``expires_at``.

    The ``reserved`` counter of a level is always the sum of its active reservations.
    """

    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_reservations_active_expiry", "status", "expires_at"),
        Index("ix_reservations_level", "location_id", "variant_id"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    location_id: Mapped[int] = mapped_column(BigId, ForeignKey("locations.id"))
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("variants.id"))
    quantity: Mapped[int]
    purpose: Mapped[ReservationPurpose] = mapped_column(str_enum(ReservationPurpose))
    status: Mapped[ReservationStatus] = mapped_column(
        str_enum(ReservationStatus), default=ReservationStatus.ACTIVE
    )
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime]
    created_at: Mapped[CreatedAt]
    closed_at: Mapped[datetime | None]


class TransferStatus(StrEnum):
    IN_TRANSIT = "in_transit"  # left the source, not yet at the destination
    RECEIVED = "received"  # on the destination's shelf
    CANCELLED = "cancelled"  # put back at the source before it arrived


class StockTransfer(Base):
    """Units sent from one location of a merchant to another (ship-from-store rebalancing).

    While in transit they are on neither shelf: the source's ``transfer_out`` movements
    removed them and the destination's ``transfer_in`` movements add them on receipt.
    """

    __tablename__ = "stock_transfers"
    __table_args__ = (
        CheckConstraint("from_location_id <> to_location_id", name="distinct_locations"),
        Index("ix_stock_transfers_merchant_status", "merchant_id", "status", "id"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    from_location_id: Mapped[int] = mapped_column(BigId, ForeignKey("locations.id"), index=True)
    to_location_id: Mapped[int] = mapped_column(BigId, ForeignKey("locations.id"), index=True)
    status: Mapped[TransferStatus] = mapped_column(
        str_enum(TransferStatus), default=TransferStatus.IN_TRANSIT
    )
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    #: When and by whom it was received or cancelled.
    closed_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]

    lines: Mapped[list["StockTransferLine"]] = relationship(
        order_by="StockTransferLine.variant_id", cascade="all, delete-orphan", lazy="selectin"
    )


class StockTransferLine(Base):
    __tablename__ = "stock_transfer_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    transfer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("stock_transfers.id", ondelete="CASCADE"), primary_key=True
    )
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("variants.id"), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    quantity: Mapped[int]


class StockCount(Base):
    """One stock count of a location applied from a file; its differences are ``count``
    movements referenced ``count:<id>``."""

    __tablename__ = "stock_counts"

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    location_id: Mapped[int] = mapped_column(BigId, ForeignKey("locations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]

    lines: Mapped[list["StockCountLine"]] = relationship(
        order_by="StockCountLine.variant_id", cascade="all, delete-orphan", lazy="selectin"
    )


class StockCountLine(Base):
    """What the ledger said and what was counted, kept even when they agreed."""

    __tablename__ = "stock_count_lines"
    __table_args__ = (
        CheckConstraint("expected >= 0", name="expected_not_negative"),
        CheckConstraint("counted >= 0", name="counted_not_negative"),
    )

    count_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("stock_counts.id", ondelete="CASCADE"), primary_key=True
    )
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("variants.id"), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    #: The CSV row it came from (1 is the header).
    csv_row: Mapped[int]
    expected: Mapped[int]
    counted: Mapped[int]
