from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from o2o.orders.fulfilment import FulfilmentType, OrderStatus
from o2o.orm import Base, BigId, CreatedAt, IdPk, Money, str_enum


class SalesChannel(StrEnum):
    ONLINE = "online"  # the shop, by the customer
    POS = "pos"  # the counter, by staff (for a walk-in or a known customer)


class CheckoutStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


class Fulfilment:
    """Where and when an order is handed over: columns shared by checkouts and orders."""

    fulfilment_type: Mapped[FulfilmentType] = mapped_column(str_enum(FulfilmentType))
    #: The store that hands over (pickup, try-on, order ahead, counter sale).
    store_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("locations.id"), index=True)
    recipient_name: Mapped[str | None] = mapped_column(String(120))
    recipient_phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(255))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    #: Order ahead: the pickup slot.
    slot_start: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(500), default="")

    @property
    def fulfilment(self) -> dict[str, object]:
        return {"type": self.fulfilment_type, "store_id": self.store_id,
                "recipient_name": self.recipient_name, "recipient_phone": self.recipient_phone,
                "address": self.address, "lat": self.lat, "lon": self.lon,
                "slot_start": self.slot_start}


class Checkout(Fulfilment, Base):
    """A cart with its fulfilment choice. Holds no stock and no price: both are taken when
    it completes, in the one transaction that writes the order."""

    __tablename__ = "checkouts"

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"), index=True)
    channel: Mapped[SalesChannel] = mapped_column(str_enum(SalesChannel))
    #: The customer (None: a walk-in at the counter).
    customer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    created_by: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    #: Reserve and try: hold until then.
    hold_until: Mapped[datetime | None]
    #: Assembly or installation to book with the order: [{service, scheduled_at, address}].
    services: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Coupon codes the customer entered (checked when entered and again when placed).
    coupon_codes: Mapped[list[str] | None] = mapped_column(JSON)
    #: Loyalty points and network cashback (đồng) the customer asked to spend on it.
    points: Mapped[int] = mapped_column(default=0, server_default="0")
    cashback: Mapped[Money] = mapped_column(default=0, server_default="0")
    status: Mapped[CheckoutStatus] = mapped_column(
        str_enum(CheckoutStatus), default=CheckoutStatus.OPEN)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]

    lines: Mapped[list["CheckoutLine"]] = relationship(
        order_by="CheckoutLine.position", cascade="all, delete-orphan", lazy="selectin")


class CheckoutLine(Base):
    __tablename__ = "checkout_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    checkout_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("checkouts.id", ondelete="CASCADE"), primary_key=True)
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("variants.id"), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    quantity: Mapped[int]
    #: Endless aisle: staff sell from this location's stock, not the handing-over store's.
    source_location_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("locations.id"))
    position: Mapped[int] = mapped_column(default=0)


class Order(Fulfilment, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint("refunded >= 0 AND refunded <= total", name="refunded_within_total"),
        # A code identifies one open order at its store; it is cleared when the order closes.
        Index("ix_orders_store_pickup_code", "store_id", "pickup_code", unique=True),
        Index("ix_orders_merchant_created", "merchant_id", "id"),
        Index("ix_orders_open_deadline", "status", "deadline"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    #: The checkout it completed: one order per checkout, however often completion is sent.
    checkout_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("checkouts.id"), unique=True)
    channel: Mapped[SalesChannel] = mapped_column(str_enum(SalesChannel))
    customer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    placed_by: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus))
    slot_end: Mapped[datetime | None]
    #: Collect, try or be prepared by then; past it the order expires and its stock returns.
    deadline: Mapped[datetime | None]
    pickup_code: Mapped[str | None] = mapped_column(String(6))
    subtotal: Mapped[Money]
    discount: Mapped[Money] = mapped_column(default=0)
    delivery_fee: Mapped[Money] = mapped_column(default=0)
    total: Mapped[Money]
    #: Sum of the refunds its returns asked for.
    refunded: Mapped[Money] = mapped_column(default=0)
    #: Captured by its payments: the order is paid when this reaches the total (never above:
    #: ``orders.service.add_payment`` is a conditional update).
    paid: Mapped[Money] = mapped_column(default=0, server_default="0")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]
    #: When the goods reached the customer: the return window counts from here.
    handed_over_at: Mapped[datetime | None]

    lines: Mapped[list["OrderLine"]] = relationship(
        order_by="OrderLine.id", cascade="all, delete-orphan", lazy="selectin")
    timeline: Mapped[list["OrderEvent"]] = relationship(
        order_by="OrderEvent.id", cascade="all, delete-orphan", lazy="selectin")
    services: Mapped[list["ServiceBooking"]] = relationship(
        order_by="ServiceBooking.id", cascade="all, delete-orphan", lazy="selectin")


class OrderLine(Base):
    """A line as sold: name and price are copied, so later catalogue edits change nothing."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("quantity_sold >= 0 AND quantity_sold <= quantity", name="sold_range"),
        CheckConstraint("quantity_returned >= 0 AND quantity_returned <= quantity_sold",
                        name="returned_range"),
    )

    id: Mapped[IdPk]
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("variants.id"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    unit_price: Mapped[Money]
    quantity: Mapped[int]
    #: What left with the customer (a try-on may buy fewer than it held).
    quantity_sold: Mapped[int] = mapped_column(default=0)
    quantity_returned: Mapped[int] = mapped_column(default=0)
    discount: Mapped[Money] = mapped_column(default=0)
    #: The promotions behind ``discount``: [{promotion_id, name, amount, explanation}].
    adjustments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    total: Mapped[Money]
    #: Where its units are held and leave from.
    location_id: Mapped[int] = mapped_column(BigId, ForeignKey("locations.id"))
    reservation_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("reservations.id"))


class OrderEvent(Base):
    """The order's timeline, append-only: every status it took, who moved it and when."""

    __tablename__ = "order_events"

    id: Mapped[IdPk]
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    from_status: Mapped[OrderStatus | None] = mapped_column(str_enum(OrderStatus))
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus))
    #: None when the system moved it (an expiry).
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    location_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("locations.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[CreatedAt]


class ReturnCondition(StrEnum):
    RESELLABLE = "resellable"  # back on this store's shelf
    DAMAGED = "damaged"  # written off


class OrderReturn(Base):
    """Goods brought back at a store (any store of the merchant that takes returns)."""

    __tablename__ = "order_returns"

    id: Mapped[IdPk]
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    location_id: Mapped[int] = mapped_column(BigId, ForeignKey("locations.id"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    #: The refund asked of payments (``order.returned`` event).
    amount: Mapped[Money]
    created_at: Mapped[CreatedAt]

    lines: Mapped[list["OrderReturnLine"]] = relationship(
        order_by="OrderReturnLine.order_line_id", cascade="all, delete-orphan", lazy="selectin")


class OrderReturnLine(Base):
    __tablename__ = "order_return_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    return_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("order_returns.id", ondelete="CASCADE"), primary_key=True)
    order_line_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("order_lines.id"), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("variants.id"))
    quantity: Mapped[int]
    condition: Mapped[ReturnCondition] = mapped_column(str_enum(ReturnCondition))
    amount: Mapped[Money]


class SlotBooking(Base):
    """Orders booked in one order-ahead slot of a store; never above the slot's capacity."""

    __tablename__ = "slot_bookings"
    __table_args__ = (CheckConstraint("booked >= 0", name="booked_not_negative"),)

    location_id: Mapped[int] = mapped_column(BigId, ForeignKey("locations.id"),
                                             primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    booked: Mapped[int] = mapped_column(default=0)


class ServiceStatus(StrEnum):
    BOOKED = "booked"
    DONE = "done"
    CANCELLED = "cancelled"


class ServiceBooking(Base):
    """Assembly or installation sold with an order, done later at the store or at home."""

    __tablename__ = "service_bookings"

    id: Mapped[IdPk]
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    location_id: Mapped[int] = mapped_column(BigId, ForeignKey("locations.id"))
    service: Mapped[str] = mapped_column(String(24))
    scheduled_at: Mapped[datetime]
    address: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[ServiceStatus] = mapped_column(
        str_enum(ServiceStatus), default=ServiceStatus.BOOKED)
    created_at: Mapped[CreatedAt]
