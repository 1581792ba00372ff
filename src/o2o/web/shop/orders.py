"""A shopper's orders: the history, and one order's live status, pickup code and QR.

The page renders the status server-side; ``static/js/shop-orders.js`` follows the order's
server-sent events (``/api/v1/orders/{id}/events``, the sign-in cookie authenticates) and
swaps in ``/shop/orders/{id}/live`` when a move arrives, so what a shopper sees always comes
from the same template.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from o2o.errors import DomainError, NotFound
from o2o.orders import codes
from o2o.orders import service as orders_service
from o2o.orders.fulfilment import FulfilmentType, OrderStatus, is_open
from o2o.orders.models import Order, OrderEvent
from o2o.stores import service as stores_service
from o2o.stores.models import Location, Merchant
from o2o.web.shop import paying
from o2o.web.views import Page, Pager, PageRoute, ShopperPage

router = APIRouter(route_class=PageRoute)

F, S = FulfilmentType, OrderStatus
PER_PAGE = 20

#: The way each kind of order usually goes, shown ahead of the steps still to come.
HAPPY_PATH = {
    F.PICKUP: (S.PLACED, S.ACCEPTED, S.READY, S.COLLECTED),
    F.ORDER_AHEAD: (S.PLACED, S.ACCEPTED, S.PREPARING, S.READY, S.COLLECTED),
    F.RESERVE_AND_TRY: (S.PLACED, S.READY, S.COMPLETED),
    F.DELIVERY: (S.PLACED, S.ACCEPTED, S.PACKED, S.SHIPPED, S.DELIVERED),
    F.IN_STORE: (S.COMPLETED,),
}


@dataclass(frozen=True)
class Step:
    status: OrderStatus
    #: When it happened; None for a step still to come.
    event: OrderEvent | None
    current: bool


def steps(order: Order) -> list[Step]:
    """What happened, in order, then the usual steps still ahead while the order is open."""
    done = [Step(event.status, event, False) for event in order.timeline]
    if done:
        done[-1] = Step(done[-1].status, done[-1].event, True)
    if not is_open(order.fulfilment_type, order.status):
        return done
    path = HAPPY_PATH[order.fulfilment_type]
    ahead = path[path.index(order.status) + 1:] if order.status in path else ()
    return done + [Step(status, None, False) for status in ahead]


def _stores(session: Session, ids: Iterable[int | None]) -> dict[int, Location]:
    """The stores by id; one closed since is simply not shown."""
    found = {}
    for store_id in {i for i in ids if i is not None}:
        try:
            found[store_id] = stores_service.get_store(session, store_id=store_id)[0]
        except NotFound:
            continue
    return found


def _merchants(session: Session) -> dict[int, Merchant]:
    return {m.id: m for m in stores_service.list_merchants(session)}


def _order_context(page: Page, order: Order) -> dict[str, Any]:
    store = _stores(page.session, [order.store_id]).get(order.store_id or 0)
    return {
        "order": order, "store": store, "merchant": _merchants(page.session).get(order.merchant_id),
        "steps": steps(order), "open": is_open(order.fulfilment_type, order.status),
        "cancellable": S.CANCELLED in orders_service.next_moves(page.signed_in, order),
        "qr": Markup(codes.qr_svg(order.pickup_code, scale=7)) if order.pickup_code else None,
        "last_event": order.timeline[-1].id if order.timeline else 0,
    }


@router.get("/orders")
def history(page: ShopperPage, p: str = "") -> Response:
    pager = Pager.of(p, PER_PAGE)
    orders, total = orders_service.list_orders(page.session, actor=page.signed_in,
                                               limit=pager.size, offset=pager.offset)
    return page.render("shop/orders.html", orders=orders, pager=pager.with_total(total),
                       stores=_stores(page.session, (o.store_id for o in orders)),
                       merchants=_merchants(page.session), tab="orders")


def render_order(page: Page, order_id: int, *, error: DomainError | None = None,
                 status_code: int = 200, pay: str = "", refused: DomainError | None = None,
                 wrong_otp: bool = False) -> Response:
    """The order page; ``pay`` opens a way to pay, ``refused`` is what a payment form was
    told (shown under the form)."""
    order = orders_service.get_order(page.session, actor=page.signed_in, order_id=order_id)
    payment = paying.panel(page, order, chosen=pay, error=refused.code if refused else None,
                           details=refused.details if refused else None, wrong_otp=wrong_otp)
    return page.render("shop/order.html", status_code=status_code, error=error, tab="orders",
                       payment=payment, **_order_context(page, order))


@router.get("/orders/{order_id}")
def order_page(page: ShopperPage, order_id: int, pay: str = "", otp: str = "") -> Response:
    """``otp=wrong``: the card's one-time password was refused and may be typed again."""
    return render_order(page, order_id, pay=pay, wrong_otp=otp == "wrong")


@router.get("/orders/{order_id}/live")
def order_live(page: ShopperPage, order_id: int) -> Response:
    """The part of the order page that changes as the order moves (a fragment)."""
    order = orders_service.get_order(page.session, actor=page.signed_in, order_id=order_id)
    return page.render("shop/_order_live.html", **_order_context(page, order))


@router.post("/orders/{order_id}/cancel")
def cancel(page: ShopperPage, order_id: int) -> Response:
    """Cancel while the store has not begun; if it just has, the page says so."""
    try:
        orders_service.transition(page.session, actor=page.signed_in, order_id=order_id,
                                  to=S.CANCELLED, note="", settings=page.settings)
    except DomainError as exc:
        if exc.status != 409:
            raise
        page.session.rollback()
        return render_order(page, order_id, error=exc, status_code=409)
    return page.redirect(f"/shop/orders/{order_id}")
