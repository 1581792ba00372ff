"""Checkout: a cart and its fulfilment choice, priced on the server, completed in one step.

Completing writes the order, holds its stock (inventory's conditional updates, in lock
order), books its slot and records its events, all in one transaction: either the customer
has an order whose goods are held for them, or nothing happened.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from o2o.auth import service as auth_service
from o2o.auth.models import Role
from o2o.auth.permissions import Actor, can_work_at
from o2o.catalog import service as catalog_service
from o2o.catalog.models import Channel
from o2o.config import Settings
from o2o.customers import service as customers_service
from o2o.db import transaction
from o2o.errors import NotFound, PermissionDenied
from o2o.idempotency import service as idempotency
from o2o.inventory import holds as stock
from o2o.inventory.allocation import Line
from o2o.inventory.models import ReservationPurpose
from o2o.inventory.planning import plan_delivery
from o2o.inventory.service import Hold
from o2o.loyalty import checkout as loyalty_checkout
from o2o.orders import codes, service, slots
from o2o.orders.errors import (
    CheckoutCompleted,
    FulfilmentInvalid,
    MixedMerchants,
    PriceChanged,
    ServiceNotOffered,
)
from o2o.orders.fulfilment import INITIAL, FulfilmentType
from o2o.orders.models import (
    Checkout,
    CheckoutLine,
    CheckoutStatus,
    Order,
    OrderLine,
    SalesChannel,
    ServiceBooking,
)
from o2o.orders.pricing import Priced, price_checkout
from o2o.orders.schemas import CheckoutCreate, FulfilmentIn
from o2o.orm import utcnow
from o2o.promotions import service as promotions_service
from o2o.promotions.engine import allocate
from o2o.stores import service as stores_service
from o2o.stores.models import StoreService
from o2o.stores.service import ServingStore

F = FulfilmentType

#: The service a store must offer for each kind of fulfilment at it.
NEEDS = {F.PICKUP: StoreService.PICKUP, F.RESERVE_AND_TRY: StoreService.TRY_ON,
         F.ORDER_AHEAD: StoreService.ORDER_AHEAD}

PURPOSE = {F.PICKUP: ReservationPurpose.PICKUP, F.RESERVE_AND_TRY: ReservationPurpose.TRY_ON}

#: How long an order's hold outlives its deadline: the order expires first and gives the
#: stock back itself; the hold's own expiry is only a safety net.
HOLD_GRACE = timedelta(hours=1)

WALK_IN_NAME = "Khách hàng"


@dataclass(frozen=True)
class PricedCheckout:
    checkout: Checkout
    priced: Priced
    order_id: int | None


def create_checkout(session: Session, *, actor: Actor, data: CheckoutCreate,
                    settings: Settings) -> PricedCheckout:
    """A priced checkout; nothing is held yet. Shoppers buy online, staff at the counter."""
    with transaction(session):
        checkout = Checkout(created_by=actor.user_id, status=CheckoutStatus.OPEN)
        variants = _fill(session, actor, checkout, data, settings)
        session.add(checkout)
        session.flush()
        return _priced(session, checkout, settings, variants)


def update_checkout(session: Session, *, actor: Actor, checkout_id: int, data: CheckoutCreate,
                    settings: Settings) -> PricedCheckout:
    """Replace the lines and the fulfilment choice of an open checkout."""
    with transaction(session):
        checkout = _load(session, actor, checkout_id)
        if checkout.status is not CheckoutStatus.OPEN:
            raise CheckoutCompleted("This checkout is already an order.", checkout_id=checkout_id)
        checkout.lines.clear()
        session.flush()
        variants = _fill(session, actor, checkout, data, settings)
        checkout.updated_at = utcnow()
        session.flush()
        return _priced(session, checkout, settings, variants)


def get_checkout(session: Session, *, actor: Actor, checkout_id: int,
                 settings: Settings) -> PricedCheckout:
    return _priced(session, _load(session, actor, checkout_id), settings)


def complete_checkout(session: Session, *, actor: Actor, checkout_id: int,
                      idempotency_key: str | None, settings: Settings,
                      expected_total: int | None = None) -> Order:
    """The checkout becomes an order with its stock held, once: completing it again (or a
    retry with the same Idempotency-Key) returns the same order. With ``expected_total``
    (what the buyer was shown), a different price refuses it (PriceChanged)."""
    return idempotency.once(
        session, user_id=actor.user_id, key=idempotency_key,
        operation=f"checkout.complete:{checkout_id}",
        make=lambda: _complete(session, actor, checkout_id, settings, expected_total),
        ref=lambda order: f"order:{order.id}",
        load=lambda ref: service.load_visible(session, actor, int(ref.split(":")[1])),
    )


#: Built once (every completion runs them): a checkout with its lines in one statement,
#: and the claim that makes it an order at most once.
_CHECKOUT = (select(Checkout).where(Checkout.id == bindparam("checkout_id"))
             .options(joinedload(Checkout.lines)))
_CLAIM = (update(Checkout)
          .where(Checkout.id == bindparam("checkout_id"), Checkout.status == CheckoutStatus.OPEN)
          .values(status=CheckoutStatus.COMPLETED, updated_at=bindparam("now")))


def _load(session: Session, actor: Actor, checkout_id: int) -> Checkout:
    checkout = session.execute(_CHECKOUT, {"checkout_id": checkout_id}
                               ).unique().scalar_one_or_none()
    if checkout is None or not _may_use(actor, checkout):
        raise NotFound("Checkout not found.", checkout_id=checkout_id)
    return checkout


def _may_use(actor: Actor, checkout: Checkout) -> bool:
    if actor.is_staff:
        return actor.merchant_id == checkout.merchant_id and checkout.channel is SalesChannel.POS
    return checkout.created_by == actor.user_id


def _priced(session: Session, checkout: Checkout, settings: Settings,
            variants: dict[int, catalog_service.ForSale] | None = None) -> PricedCheckout:
    """``variants``: the catalogue facts of the lines, when the caller has just read them."""
    if variants is None:
        variants = catalog_service.variants_for_sale(
            session, variant_ids=[line.variant_id for line in checkout.lines])
    priced = price_checkout(session, checkout=checkout, variants=variants, settings=settings)
    order_id = None
    if checkout.status is CheckoutStatus.COMPLETED:
        order_id = session.scalar(select(Order.id).where(Order.checkout_id == checkout.id))
    return PricedCheckout(checkout, priced, order_id)


def _fill(session: Session, actor: Actor, checkout: Checkout, data: CheckoutCreate,
          settings: Settings) -> dict[int, catalog_service.ForSale]:
    """Check the request against the catalogue, the stores and the rules of its fulfilment
    type, and copy it onto the checkout; raises before anything is written. Returns the
    catalogue facts of its variants."""
    if actor.role is Role.CUSTOMER:
        channel = SalesChannel.ONLINE
    elif actor.is_staff:
        channel = SalesChannel.POS
    else:
        raise PermissionDenied("Shoppers and a merchant's staff check out.")
    variants = catalog_service.variants_for_sale(
        session, variant_ids=[line.variant_id for line in data.lines])
    merchant_id = _merchant_of(actor, channel, data, variants)
    _check_sources(session, actor, channel, merchant_id, data)
    f = data.fulfilment
    store = _check_fulfilment(session, actor, channel, merchant_id, f, settings)
    checkout.merchant_id = merchant_id
    checkout.channel = channel
    checkout.customer_id = _customer(session, actor, channel, merchant_id, data)
    checkout.fulfilment_type = f.type
    checkout.store_id = store.id if store else None
    checkout.recipient_name, checkout.recipient_phone = f.recipient_name, f.recipient_phone
    checkout.address, checkout.lat, checkout.lon = f.address, f.lat, f.lon
    checkout.slot_start = f.slot_start
    checkout.hold_until = _hold_until(f, settings)
    checkout.note = data.note
    checkout.coupon_codes = sorted(promotions_service.find_coupons(
        session, merchant_id=merchant_id, codes=data.coupons))
    loyalty_checkout.check(session, merchant_id=merchant_id, customer_id=checkout.customer_id,
                           points=data.points, cashback_amount=data.cashback)
    checkout.points, checkout.cashback = data.points, data.cashback
    checkout.services = [service.model_dump(mode="json") for service in f.services]
    checkout.lines = [
        CheckoutLine(variant_id=line.variant_id, merchant_id=merchant_id, quantity=line.quantity,
                     source_location_id=line.source_location_id, position=i)
        for i, line in enumerate(data.lines)
    ]
    return variants


def _merchant_of(actor: Actor, channel: SalesChannel, data: CheckoutCreate,
                 variants: dict[int, catalog_service.ForSale]) -> int:
    merchants = set()
    for line in data.lines:
        variant = variants.get(line.variant_id)
        if (variant is None or not variant.on_sale
                or (actor.is_staff and variant.merchant_id != actor.merchant_id)):
            raise NotFound("Variant not found.", variant_id=line.variant_id)
        if channel is SalesChannel.ONLINE and variant.channels is Channel.STORE:
            raise NotFound("This item is sold only in stores.", variant_id=line.variant_id)
        merchants.add(variant.merchant_id)
    if len(merchants) > 1:
        raise MixedMerchants("A checkout buys from one shop; check out each shop's items apart.")
    return merchants.pop()


def _check_sources(session: Session, actor: Actor, channel: SalesChannel, merchant_id: int,
                   data: CheckoutCreate) -> None:
    sources = {line.source_location_id for line in data.lines
               if line.source_location_id is not None}
    if not sources:
        return
    if channel is not SalesChannel.POS:
        raise FulfilmentInvalid("Only staff choose where stock comes from.",
                                field="lines.source_location_id")
    owners = stores_service.merchants_of_locations(session, sources)
    for source in sources:
        if owners.get(source) != merchant_id:
            raise NotFound("Location not found.", location_id=source)


def _check_fulfilment(session: Session, actor: Actor, channel: SalesChannel, merchant_id: int,
                      f: FulfilmentIn, settings: Settings) -> ServingStore | None:
    if f.type is F.DELIVERY:
        for field in ("recipient_name", "recipient_phone", "address", "lat", "lon"):
            if getattr(f, field) is None:
                raise FulfilmentInvalid(f"A delivery needs {field}.", field=field)
    elif f.slot_start is not None and f.type is not F.ORDER_AHEAD:
        raise FulfilmentInvalid("Only an order ahead has a slot.", field="slot_start")
    if f.hold_until is not None and f.type is not F.RESERVE_AND_TRY:
        raise FulfilmentInvalid("Only a reserve-and-try order has a hold.", field="hold_until")
    if f.type is F.IN_STORE and channel is not SalesChannel.POS:
        raise PermissionDenied("Counter sales are made by staff.")
    if f.services and f.type not in (F.IN_STORE, F.DELIVERY):
        raise FulfilmentInvalid("Services are booked with a counter sale or a delivery.",
                                field="services")
    if any(booked.scheduled_at <= utcnow() for booked in f.services):
        raise FulfilmentInvalid("Services are booked for later.", field="services")
    store = location = None
    if f.store_id is not None:
        if f.type is F.ORDER_AHEAD:  # its opening hours decide the slot
            location, _ = stores_service.get_store(session, store_id=f.store_id)
            store = ServingStore(location.id, location.merchant_id,
                                 frozenset(s.service for s in location.services))
        else:
            store = stores_service.serving_store(session, store_id=f.store_id)
        if store.merchant_id != merchant_id:
            raise NotFound("Store not found.", store_id=f.store_id)
        if channel is SalesChannel.POS and not can_work_at(actor, store.id):
            raise PermissionDenied("You sell only at the stores you work at.")
        needed = [NEEDS[f.type]] if f.type in NEEDS else []
        for service_name in [*needed, *(s.service for s in f.services)]:
            if service_name not in store.services:
                raise ServiceNotOffered(f"This store does not offer {service_name}.",
                                        store_id=store.id, service=service_name)
    elif f.type is not F.DELIVERY:
        raise FulfilmentInvalid(f"A {f.type} order needs a store.", field="store_id")
    elif channel is SalesChannel.POS:  # else its own store's staff could not find it again
        raise FulfilmentInvalid("A counter sale names the store it is made at.",
                                field="store_id")
    elif f.services:
        raise FulfilmentInvalid("Services are done by a store; choose one.", field="store_id")
    if f.type is F.ORDER_AHEAD:
        assert location is not None
        slots.check_slot(location, f.slot_start, settings)
    return store


def _hold_until(f: FulfilmentIn, settings: Settings) -> datetime | None:
    if f.type is not F.RESERVE_AND_TRY:
        return None
    now = utcnow()
    if f.hold_until is None:
        return now + timedelta(hours=settings.try_hold_hours)
    if not now < f.hold_until <= now + timedelta(hours=settings.try_hold_max_hours):
        raise FulfilmentInvalid(
            f"Items are held for at most {settings.try_hold_max_hours} hours.",
            field="hold_until")
    return f.hold_until


def _customer(session: Session, actor: Actor, channel: SalesChannel, merchant_id: int,
              data: CheckoutCreate) -> int | None:
    if channel is SalesChannel.ONLINE:
        if data.customer_phone is not None:
            raise FulfilmentInvalid("Shoppers check out for themselves.", field="customer_phone")
        return actor.user_id
    if data.customer_phone is None:
        return None
    user = auth_service.find_or_add_customer(
        session, phone=data.customer_phone, full_name=data.customer_name or WALK_IN_NAME)
    customers_service.ensure_profile(session, merchant_id=merchant_id, user_id=user.id)
    return user.id


def _complete(session: Session, actor: Actor, checkout_id: int, settings: Settings,
              expected_total: int | None) -> Order:
    """Claim, then read: the lines read are those of the checkout as it is completed (a
    concurrent change commits before the claim, or finds it completed). A checkout the
    actor may not use raises NotFound, which rolls the claim back."""
    claimed = session.execute(_CLAIM, {"checkout_id": checkout_id, "now": utcnow()}
                              ).rowcount  # type: ignore[attr-defined]
    checkout = _load(session, actor, checkout_id)
    if not claimed:  # completed before (perhaps by a concurrent request): the same order
        order_id = session.scalar(select(Order.id).where(Order.checkout_id == checkout_id))
        assert order_id is not None, "a completed checkout has its order"
        return service.load_visible(session, actor, order_id)
    variants = catalog_service.variants_for_sale(
        session, variant_ids=[line.variant_id for line in checkout.lines])
    for line in checkout.lines:  # the catalogue may have changed since the cart was made
        variant = variants.get(line.variant_id)
        if variant is None or not variant.on_sale or variant.merchant_id != checkout.merchant_id:
            raise NotFound("This item is no longer on sale.", variant_id=line.variant_id)
    _check_still_in_time(session, checkout, settings)
    priced = price_checkout(session, checkout=checkout, variants=variants, settings=settings)
    if expected_total is not None and priced.total != expected_total:
        raise PriceChanged(f"The total is now {priced.total} ₫, not {expected_total} ₫.",
                           expected_total=expected_total, total=priced.total)
    order = _new_order(checkout, priced, actor, settings)
    order.lines = _order_lines(session, checkout, priced, settings)
    order.services = [
        ServiceBooking(merchant_id=order.merchant_id, location_id=order.store_id,
                       service=booked["service"], address=booked["address"],
                       scheduled_at=datetime.fromisoformat(booked["scheduled_at"]))
        for booked in checkout.services
    ]
    if order.fulfilment_type in (F.PICKUP, F.ORDER_AHEAD, F.RESERVE_AND_TRY):
        order.pickup_code = codes.new_pickup_code(session, store_id=order.store_id)
    session.add(order)
    # The order, its lines, services and first event in one flush (record's).
    service.record(session, order, None, order.status, actor.user_id, order.store_id, "")
    if order.customer_id is not None:
        customers_service.ensure_profile(session, merchant_id=order.merchant_id,
                                         user_id=order.customer_id)
    # The rows other checkouts wait for come last, so their locks are held for the commit
    # only: the slot, the stock, then promotions' counters and the customer's balances.
    if order.fulfilment_type is F.ORDER_AHEAD:
        assert order.slot_start is not None and order.store_id is not None
        slots.book(session, location_id=order.store_id, merchant_id=order.merchant_id,
                   slot_start=order.slot_start, settings=settings)
    _hold(session, order)
    if priced.cart is not None and priced.cart.applied:
        promotions_service.redeem(session, merchant_id=order.merchant_id, order_id=order.id,
                                  customer_id=order.customer_id, priced=priced.cart,
                                  coupons=priced.coupons)
    if priced.redemptions:
        loyalty_checkout.take(session, merchant_id=order.merchant_id,
                              customer_id=order.customer_id, order_id=order.id,
                              redemptions=priced.redemptions, user_id=actor.user_id)
    if order.fulfilment_type is F.IN_STORE:
        service.hand_over(session, order, actor, sold={line.id: line.quantity
                                                       for line in order.lines})
    return order  # the lines' holds are flushed with the commit


def _check_still_in_time(session: Session, checkout: Checkout, settings: Settings) -> None:
    """Time passed since the cart was made: its slot or its hold may have gone by."""
    if checkout.fulfilment_type is F.ORDER_AHEAD:
        assert checkout.store_id is not None
        store, _ = stores_service.get_store(session, store_id=checkout.store_id)
        slots.check_slot(store, checkout.slot_start, settings)
    elif checkout.hold_until is not None and checkout.hold_until <= utcnow():
        raise FulfilmentInvalid("This hold has run out; choose how long to hold the items.",
                                field="hold_until")


#: An order ahead not collected this long after its slot ends expires.
ORDER_AHEAD_COLLECT = timedelta(hours=2)


def _new_order(checkout: Checkout, priced: Priced, actor: Actor, settings: Settings) -> Order:
    now = utcnow()
    kind = checkout.fulfilment_type
    slot_end = None
    deadline: datetime | None = None
    if kind is F.PICKUP:
        deadline = now + timedelta(hours=settings.pickup_hold_hours)
    elif kind is F.RESERVE_AND_TRY:
        deadline = checkout.hold_until
    elif kind is F.ORDER_AHEAD:
        assert checkout.slot_start is not None
        slot_end = checkout.slot_start + timedelta(minutes=settings.order_ahead_slot_minutes)
        deadline = slot_end + ORDER_AHEAD_COLLECT
    elif kind is F.DELIVERY:
        deadline = now + timedelta(days=settings.ship_within_days)
    return Order(
        merchant_id=checkout.merchant_id, checkout_id=checkout.id, channel=checkout.channel,
        customer_id=checkout.customer_id, placed_by=actor.user_id, status=INITIAL[kind],
        fulfilment_type=kind, store_id=checkout.store_id,
        recipient_name=checkout.recipient_name, recipient_phone=checkout.recipient_phone,
        address=checkout.address, lat=checkout.lat, lon=checkout.lon,
        slot_start=checkout.slot_start, slot_end=slot_end, deadline=deadline,
        note=checkout.note, subtotal=priced.subtotal, discount=priced.discount,
        delivery_fee=priced.delivery_fee, total=priced.total,
    )


def _order_lines(session: Session, checkout: Checkout, priced: Priced,
                 settings: Settings) -> list[OrderLine]:
    """One line per (variant, location) the units come from: the handing-over store, the
    location staff chose (endless aisle), or for a delivery the allocation's picks."""
    sources: dict[int, list[tuple[int, int]]] = {}
    to_plan = []
    for line in priced.lines:
        if line.source_location_id is not None:
            sources[line.variant_id] = [(line.source_location_id, line.quantity)]
        elif checkout.fulfilment_type is not F.DELIVERY:
            assert checkout.store_id is not None
            sources[line.variant_id] = [(checkout.store_id, line.quantity)]
        else:
            to_plan.append(Line(line.variant_id, line.quantity))
    if to_plan:
        assert checkout.lat is not None and checkout.lon is not None
        for pick in plan_delivery(session, merchant_id=checkout.merchant_id, lat=checkout.lat,
                                  lon=checkout.lon, lines=to_plan, settings=settings):
            sources.setdefault(pick.variant_id, []).append((pick.location_id, pick.quantity))
    lines = []
    for line in priced.lines:
        picks = sources[line.variant_id]
        # A line split over locations splits its discounts by units, to the đồng.
        weights = [quantity for _, quantity in picks]
        discounts = allocate(line.discount, weights)
        shares = [allocate(a["amount"], weights) for a in line.adjustments]
        for i, (location_id, quantity) in enumerate(picks):
            lines.append(OrderLine(
                merchant_id=checkout.merchant_id, variant_id=line.variant_id, sku=line.sku,
                name=line.name, unit_price=line.unit_price, quantity=quantity,
                discount=discounts[i], total=line.unit_price * quantity - discounts[i],
                location_id=location_id,
                adjustments=[a | {"amount": share[i]}
                             for a, share in zip(line.adjustments, shares, strict=True)
                             if share[i]]))
    return lines


def _hold(session: Session, order: Order) -> None:
    expires_at = (order.deadline or utcnow()) + HOLD_GRACE
    ids = stock.hold_for_order(
        session, merchant_id=order.merchant_id,
        holds=[Hold(line.location_id, line.variant_id, line.quantity) for line in order.lines],
        expires_at=expires_at,
        purpose=PURPOSE.get(order.fulfilment_type, ReservationPurpose.CHECKOUT),
        user_id=order.customer_id or order.placed_by,
        online=order.channel is SalesChannel.ONLINE,
    )
    for line, reservation_id in zip(order.lines, ids, strict=True):
        line.reservation_id = reservation_id
