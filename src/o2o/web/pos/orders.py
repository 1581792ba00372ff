"""The store's order queue at the counter: pickup, reserve-and-try and order-ahead orders by
status and due time, the moves staff make on them, the handover with the customer's code and
what a reserve-and-try customer takes.

Every change goes through the orders services; a rule that says no comes back as a message
on the same screen and nothing changes. Success redirects, so a reload repeats nothing.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from o2o.auth import service as auth_service
from o2o.auth.models import User
from o2o.errors import DomainError, InvalidInput, NotFound
from o2o.orders import service as orders_service
from o2o.orders.fulfilment import RELEASING, FulfilmentType, OrderStatus
from o2o.orders.models import Order
from o2o.orders.schemas import HandoverIn, TryOutcomeIn
from o2o.orm import utcnow
from o2o.payments import service as payments_service
from o2o.stores import service as stores_service
from o2o.stores.models import Location
from o2o.web.pos.pages import _counter_store
from o2o.web.views import Page, PageRoute, PosPage

router = APIRouter(prefix="/pos", route_class=PageRoute)
Field = Annotated[str, Form()]
Fields = Annotated[list[str] | None, Form()]

F, S = FulfilmentType, OrderStatus
#: What the counter hands over; deliveries are packed elsewhere and counter sales are done.
QUEUED_TYPES = (F.PICKUP, F.RESERVE_AND_TRY, F.ORDER_AHEAD)
#: The queue's columns, in the order an order moves through them.
QUEUE_COLUMNS = (S.PLACED, S.ACCEPTED, S.PREPARING, S.READY)
QUEUE_LIMIT = 200
#: How often the open queue asks for news (seconds).
QUEUE_POLL = 10


def due_of(order: Order) -> datetime | None:
    """When the store must have it: an order ahead's slot, else the order's deadline."""
    return order.slot_start or order.deadline


def people(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    """The users named on orders (customers, staff who moved them), by id."""
    found = {}
    for user_id in {i for i in ids if i is not None}:
        try:
            found[user_id] = auth_service.get_user(session, user_id)
        except NotFound:
            continue
    return found


def places(page: Page) -> dict[int, Location]:
    """Every location of the actor's merchant, by id (stores, warehouses)."""
    return {loc.id: loc for loc in
            stores_service.list_locations(page.session, actor=page.signed_in)}


@dataclass(frozen=True)
class Column:
    status: OrderStatus
    orders: list[Order]


def queue_of(page: Page, store: Location) -> list[Column]:
    found, _ = orders_service.list_orders(
        page.session, actor=page.signed_in, status=QUEUE_COLUMNS, fulfilment=QUEUED_TYPES,
        store_id=store.id, limit=QUEUE_LIMIT)
    ordered = sorted(found, key=lambda o: (due_of(o) is None, due_of(o) or utcnow(), o.id))
    columns = [Column(status, [o for o in ordered if o.status is status])
               for status in QUEUE_COLUMNS]
    # Only an order ahead is ever "preparing": the column shows when it can be used.
    return [c for c in columns if c.status is not S.PREPARING or c.orders
            or F.ORDER_AHEAD.value in _services(store)]


def _services(store: Location) -> set[str]:
    return {str(item.service) for item in store.services}


def _queue_page(page: Page, store: Location, *, status_code: int = 200, code: str = "",
                problem: DomainError | None = None, invalid_code: bool = False) -> Response:
    columns = queue_of(page, store)
    orders = [o for column in columns for o in column.orders]
    return page.render(
        "pos/_queue.html" if page.htmx else "pos/orders.html", status_code=status_code,
        store=store, section="orders", columns=columns, now=utcnow(),
        customers=people(page.session, (o.customer_id for o in orders)),
        moves={o.id: orders_service.next_moves(page.signed_in, o) for o in orders},
        due={o.id: due_of(o) for o in orders}, poll=QUEUE_POLL, code=code, problem=problem,
        invalid_code=invalid_code)


@router.get("/stores/{location_id}/orders")
def queue(page: PosPage, location_id: int) -> Response:
    """The open orders this counter hands over (the queue alone when htmx polls)."""
    return _queue_page(page, _counter_store(page, location_id))


@router.post("/stores/{location_id}/handover")
def handover(page: PosPage, location_id: int, code: Field = "") -> Response:
    """The customer's code, typed or scanned: the ready order is collected."""
    store = _counter_store(page, location_id)
    typed = code.replace(" ", "").strip()
    try:
        data = HandoverIn.model_validate({"store_id": store.id, "code": typed})
    except ValidationError:
        return _queue_page(page, store, status_code=422, code=code, invalid_code=True)
    page.end_reads()
    try:
        order = orders_service.handover(page.session, actor=page.signed_in,
                                        store_id=data.store_id, code=data.code)
    except DomainError as exc:
        return _queue_page(page, store, status_code=exc.status, code=code, problem=exc)
    return page.redirect(f"/pos/stores/{store.id}/orders/{order.id}?done=collected")


def _order_page(page: Page, store: Location, order_id: int, *, status_code: int = 200,
                done: str = "", problem: DomainError | None = None,
                values: dict[int, str] | None = None, invalid: bool = False) -> Response:
    order = orders_service.get_order(page.session, actor=page.signed_in, order_id=order_id)
    named = people(page.session, [order.customer_id, order.placed_by,
                                  *(event.user_id for event in order.timeline)])
    return page.render(
        "pos/order.html", status_code=status_code, store=store, section="orders", order=order,
        payments=payments_service.payments_of(page.session, actor=page.signed_in,
                                              order_id=order.id),
        payable=order.paid < order.total and order.status not in RELEASING,
        moves=orders_service.next_moves(page.signed_in, order), people=named,
        places=places(page), due=due_of(order), done=done, problem=problem,
        values=values or {}, invalid=invalid, now=utcnow(),
        trying=order.fulfilment_type is F.RESERVE_AND_TRY and order.status in (S.PLACED,
                                                                                  S.READY))


@router.get("/stores/{location_id}/orders/{order_id}")
def order(page: PosPage, location_id: int, order_id: int, done: str = "") -> Response:
    return _order_page(page, _counter_store(page, location_id), order_id, done=done)


@router.post("/stores/{location_id}/orders/{order_id}/move")
def move(page: PosPage, location_id: int, order_id: int, to: Field = "",
         back: Field = "") -> Response:
    """Accept, start preparing, mark ready or cancel: the order's allowed moves."""
    store = _counter_store(page, location_id)
    if to not in set(OrderStatus):
        raise InvalidInput("No such step.", to=to)
    target = OrderStatus(to)
    page.end_reads()
    try:
        orders_service.transition(page.session, actor=page.signed_in, order_id=order_id,
                                  to=target, note="", settings=page.settings)
    except DomainError as exc:
        if back == "queue":
            return _queue_page(page, store, status_code=exc.status, problem=exc)
        return _order_page(page, store, order_id, status_code=exc.status, problem=exc)
    if back == "queue":
        return page.redirect(f"/pos/stores/{store.id}/orders")
    return page.redirect(f"/pos/stores/{store.id}/orders/{order_id}?done={target.value}")


def whole_numbers(raw: Sequence[str]) -> list[int | None]:
    """Quantities as typed: a whole number, or None for anything else."""
    return [int(text) if text.isdigit() and len(text) < 6 else None
            for text in (r.strip() for r in raw)]


@router.post("/stores/{location_id}/orders/{order_id}/try-outcome")
def try_outcome(page: PosPage, location_id: int, order_id: int, line: Fields = None,
                quantity: Fields = None) -> Response:
    """What a reserve-and-try customer takes: bought units are sold, the rest go back."""
    store = _counter_store(page, location_id)
    typed = dict(zip(line or [], quantity or [], strict=False))
    values = {int(k): v for k, v in typed.items() if k.isdigit()}
    amounts = whole_numbers(list(typed.values()))
    try:
        data = TryOutcomeIn.model_validate({"bought": [
            {"line_id": int(k) if k.isdigit() else None, "quantity": n}
            for k, n in zip(typed, amounts, strict=True)]})
    except ValidationError:
        return _order_page(page, store, order_id, status_code=422, values=values,
                           invalid=True)
    page.end_reads()
    try:
        orders_service.try_outcome(page.session, actor=page.signed_in, order_id=order_id,
                                   bought={b.line_id: b.quantity for b in data.bought})
    except DomainError as exc:
        return _order_page(page, store, order_id, status_code=exc.status, problem=exc,
                           values=values)
    return page.redirect(f"/pos/stores/{store.id}/orders/{order_id}?done=tried")
