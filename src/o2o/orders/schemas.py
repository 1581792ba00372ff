from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from o2o.fields import VND, Latitude, Longitude, Name, Phone
from o2o.loyalty.schemas import Points, RedemptionRead
from o2o.orders.fulfilment import FulfilmentType, OrderStatus
from o2o.orders.models import ReturnCondition, SalesChannel
from o2o.promotions.schemas import CouponCode
from o2o.schemas import Input, Output
from o2o.stores.models import StoreService

Quantity = Annotated[int, Field(ge=1, le=999)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
PickupCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]

#: Services a counter sale may book for later.
BOOKABLE = (StoreService.ASSEMBLY, StoreService.INSTALLATION)


class CheckoutLineIn(Input):
    variant_id: int
    quantity: Quantity
    #: Endless aisle (staff only): sell from this location's stock.
    source_location_id: int | None = None


class ServiceIn(Input):
    service: StoreService
    scheduled_at: AwareDatetime
    #: At the customer's home; None: at the store.
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)] | None = None

    @field_validator("service")
    @classmethod
    def _bookable(cls, service: StoreService) -> StoreService:
        if service not in BOOKABLE:
            raise ValueError("only assembly or installation can be booked")
        return service


class FulfilmentIn(Input):
    type: FulfilmentType
    store_id: int | None = None
    recipient_name: Name | None = None
    recipient_phone: Phone | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5,
                                              max_length=255)] | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    slot_start: AwareDatetime | None = None
    hold_until: AwareDatetime | None = None
    services: list[ServiceIn] = Field(default_factory=list, max_length=5)


class CheckoutComplete(Input):
    #: The total the buyer was shown: a different one now refuses the order (409
    #: ``price_changed``) instead of charging what they did not see.
    expected_total: VND | None = None


class CheckoutCreate(Input):
    lines: list[CheckoutLineIn] = Field(min_length=1, max_length=100)
    fulfilment: FulfilmentIn
    #: Staff at the counter: the customer, found or registered by phone.
    customer_phone: Phone | None = None
    customer_name: Name | None = None
    note: Note = ""
    coupons: list[CouponCode] = Field(default_factory=list, max_length=5)
    #: Loyalty points of this shop and network cashback (đồng) to take off the goods.
    points: Points = 0
    cashback: VND = 0

    @model_validator(mode="after")
    def _one_line_per_variant(self) -> "CheckoutCreate":
        ids = [line.variant_id for line in self.lines]
        if len(ids) != len(set(ids)):
            raise ValueError("each variant appears on one line; add to its quantity instead")
        return self


class AdjustmentRead(Output):
    #: None for points or cashback spent (``kind``).
    promotion_id: int | None
    name: str
    amount: int
    #: The sentence shopper and cashier read, e.g. "Giảm 10% cho Áo thun (Giờ vàng …)".
    explanation: str


class PricedLineRead(Output):
    variant_id: int
    sku: str
    name: str
    unit_price: int
    quantity: int
    discount: int
    total: int
    source_location_id: int | None = None
    adjustments: list[AdjustmentRead] = Field(default_factory=list)


class FulfilmentRead(Output):
    type: FulfilmentType
    store_id: int | None
    recipient_name: str | None
    recipient_phone: str | None
    address: str | None
    lat: float | None
    lon: float | None
    slot_start: datetime | None


class CheckoutRead(Output):
    id: int
    merchant_id: int
    channel: SalesChannel
    status: str
    customer_id: int | None
    fulfilment: FulfilmentRead
    hold_until: datetime | None
    lines: list[PricedLineRead]
    subtotal: int
    discount: int
    delivery_fee: int
    total: int
    order_id: int | None
    coupon_codes: list[str] | None
    points: int
    cashback: int
    #: Points and cashback taken off, lines of the totals ("Đổi 150 điểm").
    redemptions: list[RedemptionRead] = Field(default_factory=list)


class OrderLineRead(Output):
    id: int
    variant_id: int
    sku: str
    name: str
    unit_price: int
    quantity: int
    quantity_sold: int
    quantity_returned: int
    discount: int
    adjustments: list[AdjustmentRead] | None
    total: int
    location_id: int


class OrderEventRead(Output):
    id: int
    from_status: OrderStatus | None
    status: OrderStatus
    user_id: int | None
    location_id: int | None
    note: str
    created_at: datetime


class ServiceBookingRead(Output):
    id: int
    service: str
    location_id: int
    scheduled_at: datetime
    address: str | None
    status: str


class OrderRead(Output):
    id: int
    merchant_id: int
    channel: SalesChannel
    status: OrderStatus
    customer_id: int | None
    fulfilment: FulfilmentRead
    slot_end: datetime | None
    deadline: datetime | None
    #: Shown to the customer (and as a QR at ``/api/v1/orders/{id}/pickup-qr.svg``).
    pickup_code: str | None
    lines: list[OrderLineRead]
    subtotal: int
    discount: int
    delivery_fee: int
    total: int
    refunded: int
    #: Captured by payments; the order is paid when it equals the total.
    paid: int
    created_at: datetime
    handed_over_at: datetime | None
    #: The moves the one asking may make now (for the buttons of a screen).
    next: list[OrderStatus]
    timeline: list[OrderEventRead]
    services: list[ServiceBookingRead]


class OrderSummary(Output):
    id: int
    merchant_id: int
    channel: SalesChannel
    status: OrderStatus
    fulfilment_type: FulfilmentType
    store_id: int | None
    customer_id: int | None
    total: int
    paid: int
    deadline: datetime | None
    slot_start: datetime | None
    created_at: datetime


class TransitionIn(Input):
    to: OrderStatus
    note: Note = ""


class HandoverIn(Input):
    store_id: int
    code: PickupCode


class BoughtLine(Input):
    line_id: int
    quantity: Annotated[int, Field(ge=0, le=999)]


class TryOutcomeIn(Input):
    """What the customer took of a reserve-and-try order; lines not listed are not bought."""

    bought: list[BoughtLine] = Field(max_length=100)


class ReturnLineIn(Input):
    line_id: int
    quantity: Quantity
    condition: ReturnCondition = ReturnCondition.RESELLABLE


class ReturnCreate(Input):
    store_id: int
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=100)
    reason: Note = ""

    @model_validator(mode="after")
    def _one_entry_per_line(self) -> "ReturnCreate":
        ids = [line.line_id for line in self.lines]
        if len(ids) != len(set(ids)):
            raise ValueError("each order line appears once")
        return self


class ReturnLineRead(Output):
    order_line_id: int
    variant_id: int
    quantity: int
    condition: ReturnCondition
    amount: int


class ReturnRead(Output):
    id: int
    order_id: int
    location_id: int
    user_id: int
    reason: str
    amount: int
    created_at: datetime
    lines: list[ReturnLineRead]


class SlotRead(Output):
    start: datetime
    end: datetime
    left: int
