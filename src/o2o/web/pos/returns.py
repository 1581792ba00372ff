"""Returns at the counter: any order of the merchant (online or from any counter), found by
its number, taken back here in whole or in part; each unit back on this shelf or written
off as damaged, and the refund it asks of payments shown before and after: the refunds
made to each payment, the cash to hand back from the till.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Response
from pydantic import ValidationError

from o2o.errors import DomainError, NotFound
from o2o.orders import returns as order_returns
from o2o.orders import service as orders_service
from o2o.orders.fulfilment import RETURNABLE
from o2o.orders.models import Order, ReturnCondition
from o2o.orders.schemas import ReturnCreate
from o2o.outbox import service as outbox_service
from o2o.payments import service as payments_service
from o2o.stores.models import Location
from o2o.web.pos.orders import people, places, whole_numbers
from o2o.web.pos.pages import _counter_store
from o2o.web.views import Page, PageRoute, PosPage

router = APIRouter(prefix="/pos", route_class=PageRoute)
Field = Annotated[str, Form()]
Fields = Annotated[list[str] | None, Form()]


def _number(raw: str) -> int | None:
    """An order number as people read it off a receipt: "#1024", "DH1024", " 1024 "."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    return int(digits) if digits and len(digits) < 12 else None


def _find(page: Page, number: int | None) -> Order | None:
    if number is None:
        return None
    try:
        return orders_service.load_visible_to_merchant(page.session, page.signed_in, number)
    except NotFound:
        return None


def _refund(order: Order, wanted: dict[int, int]) -> int:
    """What the typed quantities would refund (the service's own arithmetic)."""
    total = 0
    for line in order.lines:
        quantity = wanted.get(line.id, 0)
        if 0 < quantity <= line.quantity_sold - line.quantity_returned:
            before = order_returns.refund_of(line.unit_price, line.discount,
                                             line.quantity_returned, line.quantity_sold)
            after = order_returns.refund_of(line.unit_price, line.discount,
                                            line.quantity_returned + quantity,
                                            line.quantity_sold)
            total += after - before
    return total


def _returns_page(page: Page, store: Location, q: str, *, status_code: int = 200,
                  done: str = "", refund: str = "", problem: DomainError | None = None,
                  typed: dict[str, Any] | None = None, invalid: bool = False) -> Response:
    order = _find(page, _number(q)) if q.strip() else None
    typed = typed or {}
    wanted = {k: n for k, n in _wanted(typed.get("quantity", {})).items() if n}
    return page.render(
        "pos/returns.html", status_code=status_code, store=store, section="returns", q=q,
        order=order, places=places(page) if order else {},
        refunds=payments_service.refunds_of(page.session, actor=page.signed_in,
                                            order_id=order.id) if order else [],
        people=people(page.session, [order.customer_id]) if order else {},
        returnable=order is not None and order.status in RETURNABLE,
        takes_returns="returns" in {str(s.service) for s in store.services},
        done=done, refund=int(refund) if refund.isdigit() else None, problem=problem,
        typed=typed, invalid=invalid, preview=_refund(order, wanted) if order else 0,
        units=sum(wanted.values()))


@router.get("/stores/{location_id}/returns")
def find_order(page: PosPage, location_id: int, q: str = "", done: str = "",
               refund: str = "") -> Response:
    return _returns_page(page, _counter_store(page, location_id), q, done=done, refund=refund)


def _wanted(typed: dict[str, str]) -> dict[int, int | None]:
    """Units typed per order line id (None: not a whole number)."""
    return {int(k): n for k, n in zip(typed, whole_numbers(list(typed.values())), strict=True)
            if k.isdigit()}


def _paired(keys: list[str] | None, values: list[str] | None) -> dict[str, str]:
    return dict(zip(keys or [], values or [], strict=False))


@router.post("/stores/{location_id}/returns/{order_id}/preview")
def preview(page: PosPage, location_id: int, order_id: int, line: Fields = None,
            quantity: Fields = None) -> Response:
    """The refund the typed quantities would ask for (an htmx fragment); nothing is written."""
    _counter_store(page, location_id)
    order = _find(page, order_id)
    if order is None:
        raise NotFound("Order not found.", order_id=order_id)
    wanted = {k: n for k, n in _wanted(_paired(line, quantity)).items() if n}
    return page.render("pos/_refund.html", preview=_refund(order, wanted),
                       units=sum(wanted.values()))


@router.post("/stores/{location_id}/returns/{order_id}")
def take_back(page: PosPage, location_id: int, order_id: int, line: Fields = None,
              quantity: Fields = None, condition: Fields = None,
              reason: Field = "") -> Response:
    """Take the typed units back at this store; the refund is asked of payments."""
    store = _counter_store(page, location_id)
    conditions, quantities = _paired(line, condition), _paired(line, quantity)
    typed = {"quantity": quantities, "condition": conditions, "reason": reason}
    wanted = _wanted(quantities)
    if any(n is None for n in wanted.values()):
        return _returns_page(page, store, str(order_id), status_code=422, typed=typed,
                             invalid=True)
    try:
        data = ReturnCreate.model_validate({
            "store_id": store.id, "reason": reason,
            "lines": [{"line_id": k, "quantity": n,
                       "condition": conditions.get(str(k)) or ReturnCondition.RESELLABLE}
                      for k, n in wanted.items() if n]})
    except ValidationError:
        return _returns_page(page, store, str(order_id), status_code=422, typed=typed,
                             invalid=True)
    page.end_reads()
    try:
        made = order_returns.create_return(page.session, actor=page.signed_in,
                                           order_id=order_id, data=data,
                                           settings=page.settings)
    except DomainError as exc:
        return _returns_page(page, store, str(order_id), status_code=exc.status, problem=exc,
                             typed=typed)
    answer = page.redirect(f"/pos/stores/{store.id}/returns?q={order_id}&done={made.id}"
                           f"&refund={made.amount}")
    # The refund is paid out by the ``order.returned`` handler: run it now, so that the
    # cashier sees at once the cash to hand back.
    page.end_reads()
    outbox_service.deliver_pending(page.session)
    return answer
