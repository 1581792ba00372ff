"""Orders after checkout: who sees them, how they move, handover, try-on outcome, expiry.

Every move is a conditional update on the order's status (two cashiers pressing "ready" at
once make one move), recorded in the timeline with who and when, and announced through the
outbox. Stock follows the status: released when an order is cancelled, expires or is
declined; sold when the goods leave the store.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from o2o.auth.models import Role
from o2o.auth.permissions import Actor, can_work_at
from o2o.config import Settings
from o2o.db import transaction
from o2o.errors import InvalidInput, NotFound, PermissionDenied
from o2o.inventory import holds as stock
from o2o.inventory.models import ReservationStatus
from o2o.orders import pricing, slots
from o2o.orders.errors import OrderExpired, PickupCodeNotFound, TransitionNotAllowed
from o2o.orders.fulfilment import (
    CUSTOMER_CANCELLABLE,
    RELEASING,
    SPECIAL,
    FulfilmentType,
    OrderStatus,
    allowed,
    is_open,
)
from o2o.orders.models import Order, OrderEvent, OrderLine
from o2o.orm import utcnow
from o2o.outbox import service as outbox

S = OrderStatus
F = FulfilmentType


# --- who sees what -------------------------------------------------------------------------

def _locations(order: Order) -> set[int]:
    return {line.location_id for line in order.lines} | (
        {order.store_id} if order.store_id is not None else set())


def may_see(actor: Actor, order: Order) -> bool:
    """Shoppers their own orders; staff their merchant's, store staff only those their stores
    hand over or supply (an endless-aisle order shows in both stores)."""
    if actor.is_operator:
        return True
    if actor.role is Role.CUSTOMER:
        return order.customer_id == actor.user_id
    if not actor.is_staff or actor.merchant_id != order.merchant_id:
        return False
    return any(can_work_at(actor, location_id) for location_id in _locations(order)) or (
        not _locations(order))


def load_visible(session: Session, actor: Actor, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None or not may_see(actor, order):
        raise NotFound("Order not found.", order_id=order_id)
    return order


def load_visible_to_merchant(session: Session, actor: Actor, order_id: int, *,
                             lock: bool = False) -> Order:
    """Any store of the merchant may look an order up to take its goods back; ``lock``
    holds its row for the rest of the transaction (PostgreSQL; SQLite writes one at a time)."""
    order = session.get(Order, order_id, with_for_update=lock, populate_existing=lock)
    if order is None or not (actor.is_operator or may_see(actor, order) or (
            actor.is_staff and actor.merchant_id == order.merchant_id)):
        raise NotFound("Order not found.", order_id=order_id)
    return order


def get_order(session: Session, *, actor: Actor, order_id: int) -> Order:
    return load_visible(session, actor, order_id)


def next_moves(actor: Actor, order: Order) -> list[OrderStatus]:
    """The statuses the actor may move the order to with a plain transition, for buttons."""
    moves = allowed(order.fulfilment_type, order.status)
    if actor.role is Role.CUSTOMER:
        cancellable = order.status in CUSTOMER_CANCELLABLE[order.fulfilment_type]
        return [S.CANCELLED] if cancellable else []
    at_store = order.store_id is None or can_work_at(actor, order.store_id)
    if not actor.is_staff or not at_store:
        return []
    return sorted(move for move in moves if move not in SPECIAL)


def list_orders(session: Session, *, actor: Actor, status: Sequence[OrderStatus] = (),
                fulfilment: Sequence[FulfilmentType] = (), store_id: int | None = None,
                channel: str | None = None, q_id: int | None = None, limit: int = 50,
                offset: int = 0) -> tuple[list[Order], int]:
    """Newest first. Customers get their own; staff their merchant's, scoped to their stores."""
    query = select(Order)
    if actor.role is Role.CUSTOMER:
        query = query.where(Order.customer_id == actor.user_id)
    elif actor.is_staff:
        query = query.where(Order.merchant_id == actor.merchant_id)
        if actor.location_ids and actor.role is not Role.OWNER:
            mine = sorted(actor.location_ids)
            query = query.where(or_(
                Order.store_id.in_(mine),
                Order.id.in_(select(OrderLine.order_id).where(OrderLine.location_id.in_(mine)))))
    elif not actor.is_operator:
        raise PermissionDenied("Sign in as a shopper or as staff.")
    if status:
        query = query.where(Order.status.in_(status))
    if fulfilment:
        query = query.where(Order.fulfilment_type.in_(fulfilment))
    if store_id is not None:
        query = query.where(Order.store_id == store_id)
    if channel is not None:
        query = query.where(Order.channel == channel)
    if q_id is not None:
        query = query.where(Order.id == q_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Order.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total


# --- moving an order -----------------------------------------------------------------------

def record(session: Session, order: Order, from_status: OrderStatus | None,
           to: OrderStatus, user_id: int | None, location_id: int | None, note: str) -> None:
    """Timeline entry and outbox event of a move (``order.placed``, ``order.ready``…)."""
    order.timeline.append(OrderEvent(
        merchant_id=order.merchant_id, from_status=from_status, status=to, user_id=user_id,
        location_id=location_id, note=note))
    session.flush()
    outbox.emit(session, topic=f"order.{to}", subject=f"order:{order.id}",
                merchant_id=order.merchant_id, status=str(to), customer_id=order.customer_id,
                total=order.total, fulfilment=str(order.fulfilment_type))


def _move(session: Session, order: Order, to: OrderStatus, user_id: int | None,
          location_id: int | None, note: str) -> None:
    """Move from the status we read, or fail if someone moved it first."""
    from_status = order.status
    moved = session.execute(
        update(Order).where(Order.id == order.id, Order.status == from_status)
        .values(status=to, updated_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if not moved:
        session.refresh(order)
        raise TransitionNotAllowed(
            f"The order is {order.status} now, not {from_status}.", status=str(order.status))
    order.status = to
    if not is_open(order.fulfilment_type, to):
        order.pickup_code = None
    record(session, order, from_status, to, user_id, location_id, note)


def _release(session: Session, order: Order, status: ReservationStatus) -> None:
    stock.release(session, [line.reservation_id for line in order.lines
                            if line.reservation_id is not None], status=status)
    if order.fulfilment_type is F.ORDER_AHEAD and order.store_id and order.slot_start:
        slots.free(session, location_id=order.store_id, slot_start=order.slot_start)


def transition(session: Session, *, actor: Actor, order_id: int, to: OrderStatus, note: str,
               settings: Settings) -> Order:
    """A status move a person makes: staff of the handing-over store move it along its
    fulfilment's state machine; a customer may only cancel, while the store has not begun."""
    with transaction(session):
        order = load_visible(session, actor, order_id)
        if to in SPECIAL:
            raise TransitionNotAllowed(SPECIAL[to], to=str(to))
        if actor.role is Role.CUSTOMER:
            if to is not S.CANCELLED or (
                    order.status not in CUSTOMER_CANCELLABLE[order.fulfilment_type]):
                raise TransitionNotAllowed("The store has begun on this order; call the store.",
                                           status=str(order.status))
        elif not actor.is_staff or (
                order.store_id is not None and not can_work_at(actor, order.store_id)):
            raise PermissionDenied("Staff of the store handling the order move it.")
        if to not in allowed(order.fulfilment_type, order.status):
            raise TransitionNotAllowed(
                f"A {order.fulfilment_type} order that is {order.status} cannot become {to}.",
                status=str(order.status),
                allowed=sorted(allowed(order.fulfilment_type, order.status)))
        _move(session, order, to, actor.user_id, order.store_id, note)
        if to in RELEASING:
            _release(session, order, ReservationStatus.RELEASED)
        elif to is S.SHIPPED:
            hand_over(session, order, actor, sold={line.id: line.quantity for line in order.lines})
        elif to is S.DELIVERED:
            order.handed_over_at = utcnow()
        elif to is S.READY and order.fulfilment_type is F.PICKUP:
            # The customer gets the whole pickup window from the moment it is ready.
            order.deadline = utcnow() + timedelta(hours=settings.pickup_hold_hours)
            stock.extend(session, [line.reservation_id for line in order.lines
                                   if line.reservation_id is not None],
                         order.deadline + timedelta(hours=1))
        session.flush()
    return order


def hand_over(session: Session, order: Order, actor: Actor, *, sold: Mapping[int, int]) -> None:
    """The goods leave the store: each line's held units are sold (``sold`` of them; the rest
    go back on sale). Raises OrderExpired if a hold ran out meanwhile."""
    for line in order.lines:
        quantity = sold.get(line.id, 0)
        if line.reservation_id is None or not stock.settle(
                session, reservation_id=line.reservation_id, sold=quantity,
                reference=f"order:{order.id}", user_id=actor.user_id):
            raise OrderExpired("The hold on this order ran out; its stock went back on sale.",
                               order_id=order.id)
        line.quantity_sold = quantity
    if order.fulfilment_type is not F.DELIVERY:
        order.handed_over_at = utcnow()


def handover(session: Session, *, actor: Actor, store_id: int, code: str) -> Order:
    """Staff at the store type or scan the customer's code: the order is collected."""
    with transaction(session):
        if not actor.is_staff or not can_work_at(actor, store_id):
            raise PermissionDenied("Staff of this store hand over its orders.")
        order = session.scalar(select(Order).where(
            Order.store_id == store_id, Order.pickup_code == code,
            Order.merchant_id == actor.merchant_id))
        if order is None or order.fulfilment_type is F.RESERVE_AND_TRY:
            raise PickupCodeNotFound("No order at this store has this code.", code=code)
        if order.status is not S.READY:
            raise TransitionNotAllowed(f"The order is {order.status}, not ready yet.",
                                       status=str(order.status), order_id=order.id)
        _move(session, order, S.COLLECTED, actor.user_id, store_id, "")
        hand_over(session, order, actor, sold={line.id: line.quantity for line in order.lines})
        session.flush()
    return order


def try_outcome(session: Session, *, actor: Actor, order_id: int,
                bought: Mapping[int, int]) -> Order:
    """A reserve-and-try customer at the counter: what they take is sold and the order's
    totals become what they pay; the rest goes back on the shelf."""
    with transaction(session):
        order = load_visible(session, actor, order_id)
        if not actor.is_staff or order.store_id is None or not can_work_at(actor, order.store_id):
            raise PermissionDenied("Staff of the store handling the order record the outcome.")
        if order.fulfilment_type is not F.RESERVE_AND_TRY or order.status not in (
                S.PLACED, S.READY):
            raise TransitionNotAllowed("Only a reserve-and-try order being held has an outcome.",
                                       status=str(order.status))
        lines = {line.id: line for line in order.lines}
        for line_id, quantity in bought.items():
            if line_id not in lines:
                raise NotFound("Order line not found.", line_id=line_id)
            if quantity > lines[line_id].quantity:
                raise InvalidInput("More units than were held.", line_id=line_id,
                                   held=lines[line_id].quantity)
        to = S.COMPLETED if any(bought.values()) else S.DECLINED
        _move(session, order, to, actor.user_id, order.store_id, "")
        hand_over(session, order, actor, sold=bought)
        if to is S.DECLINED:  # nothing sold: "order.declined" gives everything back
            for line in order.lines:
                line.discount, line.adjustments, line.total = 0, [], 0
        elif any(line.quantity_sold < line.quantity for line in order.lines):
            _price_kept(session, order, bought)
        order.subtotal = sum(line.unit_price * line.quantity_sold for line in order.lines)
        order.discount = sum(line.discount for line in order.lines)
        order.total = order.subtotal - order.discount
        if to is S.DECLINED:
            order.handed_over_at = None
        session.flush()
    return order


def _price_kept(session: Session, order: Order, bought: Mapping[int, int]) -> None:
    """Some units stay behind: the lines cost what their units taken cost, and what the
    order's promotions, points and cashback no longer cover goes back to them
    ("order.kept", for ``o2o.promotions`` and ``o2o.loyalty``)."""
    kept = pricing.price_kept(session, order=order, bought=bought)
    for line in order.lines:
        line.discount, line.adjustments = kept.lines.get(line.id, (0, []))
        line.total = line.unit_price * line.quantity_sold - line.discount
    outbox.emit(session, topic="order.kept", subject=f"order:{order.id}",
                merchant_id=order.merchant_id, customer_id=order.customer_id,
                promotions={str(pid): [still, was] for pid, (still, was)
                            in kept.promotions.items() if still < was},
                redeemed={kind: [still, was] for kind, (still, was) in kept.redeemed.items()
                          if still < was})


def expire_due(session: Session, *, now: datetime | None = None, batch: int = 200) -> int:
    """Orders past their deadline (uncollected, untried, unshipped) expire and their stock
    comes back; returns how many. A concurrent move wins: that order is left alone."""
    now = now or utcnow()
    with transaction(session):
        due = session.scalars(
            select(Order).where(
                Order.deadline <= now,
                Order.status.in_([S.PLACED, S.ACCEPTED, S.PREPARING, S.READY, S.PACKED]))
            .order_by(Order.id).limit(batch)
        ).all()
        expiring = []
        for order in due:
            if not is_open(order.fulfilment_type, order.status):
                continue
            try:
                _move(session, order, S.EXPIRED, None, order.store_id, "")
            except TransitionNotAllowed:  # moved meanwhile; nothing was written for it
                continue
            expiring.append(order)
        # All their stock in one pass, in (location, variant) lock order like every other
        # stock write: several orders' rows are never taken in order-id order.
        stock.release(session, [line.reservation_id for order in expiring
                                for line in order.lines if line.reservation_id is not None],
                      status=ReservationStatus.EXPIRED)
        for order in expiring:
            if order.fulfilment_type is F.ORDER_AHEAD and order.store_id and order.slot_start:
                slots.free(session, location_id=order.store_id, slot_start=order.slot_start)
        expired = len(expiring)
    return expired


def events_after(session: Session, *, actor: Actor, order_id: int,
                 after_id: int) -> tuple[list[OrderEvent], bool]:
    """Timeline entries after ``after_id`` and whether the order can still move."""
    order = load_visible(session, actor, order_id)
    events = session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.id > after_id)
        .order_by(OrderEvent.id)).all()
    return list(events), is_open(order.fulfilment_type, order.status)


def add_payment(session: Session, *, order_id: int, amount: int) -> bool:
    """Count ``amount`` captured toward the order, unless that would pay more than its total
    (two payments racing for the rest of an order: one of them is refused)."""
    return bool(session.execute(
        update(Order).where(Order.id == order_id, Order.paid + amount <= Order.total)
        .values(paid=Order.paid + amount, updated_at=utcnow())
    ).rowcount)  # type: ignore[attr-defined]


def refunded_locked(session: Session, order_id: int) -> int:
    """What the order has refunded so far, its row locked until the caller commits: a return
    being recorded finishes first, and one begun later finds its window closed (cashback is
    credited only after the window)."""
    return session.scalar(
        select(Order.refunded).where(Order.id == order_id).with_for_update()) or 0


def find(session: Session, order_id: int) -> Order | None:
    """An order by id for other domains' event handlers (loyalty): the system reads it, no
    actor is checked."""
    return session.get(Order, order_id)
