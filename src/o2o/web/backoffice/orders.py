"""The back office's orders: every channel and store of the merchant, filtered and paged, and
one order's whole story (its timeline with who, when and where, its lines, payments,
returns and refunds). Reading only: the counter moves orders, the owner watches them."""

from fastapi import APIRouter, Response

from o2o.orders import returns as order_returns
from o2o.orders import service as orders_service
from o2o.orders.fulfilment import FulfilmentType, OrderStatus
from o2o.orders.models import SalesChannel
from o2o.payments import service as payments_service
from o2o.stores.models import LocationKind
from o2o.web.backoffice.pages import _merchant, _render
from o2o.web.pos.orders import due_of, people, places
from o2o.web.views import AdminPage, Pager, PageRoute

router = APIRouter(prefix="/admin", route_class=PageRoute)
ROWS_PER_PAGE = 25


def _one(raw: str, allowed: type[OrderStatus] | type[FulfilmentType] | type[SalesChannel]
         ) -> list[str]:
    return [raw] if raw in set(allowed) else []


@router.get("/orders")
def order_list(page: AdminPage, status: str = "", type: str = "", store: str = "",
               channel: str = "", q: str = "", p: str = "") -> Response:
    merchant = _merchant(page)
    pager = Pager.of(p, ROWS_PER_PAGE)
    number = "".join(ch for ch in q if ch.isdigit())
    locations = places(page)
    store_id = int(store) if store.isdigit() and int(store) in locations else None
    found, total = orders_service.list_orders(
        page.session, actor=page.signed_in,
        status=[OrderStatus(s) for s in _one(status, OrderStatus)],
        fulfilment=[FulfilmentType(t) for t in _one(type, FulfilmentType)],
        store_id=store_id, channel=channel if channel in set(SalesChannel) else None,
        q_id=int(number) if number and len(number) < 12 else None,
        limit=pager.size, offset=pager.offset)
    return _render(
        page, "admin/orders.html", merchant=merchant, section="orders", orders=found,
        pager=pager.with_total(total), places=locations,
        stores=[loc for loc in locations.values() if loc.kind is LocationKind.STORE],
        customers=people(page.session, (o.customer_id for o in found)),
        filters={"status": status, "type": type, "store": str(store_id or ""),
                 "channel": channel, "q": q},
        statuses=list(OrderStatus), types=list(FulfilmentType), channels=list(SalesChannel))


@router.get("/orders/{order_id}")
def order_detail(page: AdminPage, order_id: int) -> Response:
    merchant = _merchant(page)
    order = orders_service.get_order(page.session, actor=page.signed_in, order_id=order_id)
    taken_back = order_returns.list_returns(page.session, actor=page.signed_in,
                                            order_id=order.id)
    named = people(page.session, [
        order.customer_id, order.placed_by, *(e.user_id for e in order.timeline),
        *(r.user_id for r in taken_back)])
    return _render(page, "admin/order.html", merchant=merchant, section="orders", order=order,
                   returns=taken_back, people=named, places=places(page), due=due_of(order),
                   payments=payments_service.payments_of(page.session, actor=page.signed_in,
                                                         order_id=order.id),
                   refunds=payments_service.refunds_of(page.session, actor=page.signed_in,
                                                       order_id=order.id),
                   lines={line.id: line for line in order.lines})
