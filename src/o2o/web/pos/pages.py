"""The point of sale: staff sign in, pick their store, scan a product, look a customer up."""

from typing import Any

from fastapi import APIRouter, Response

from o2o.auth.permissions import can_work_at
from o2o.catalog import service as catalog_service
from o2o.catalog.models import Variant
from o2o.customers import service as customers_service
from o2o.errors import NotFound, PermissionDenied
from o2o.inventory import nearby
from o2o.inventory import service as inventory_service
from o2o.stores import service as stores_service
from o2o.stores.models import Location, LocationKind
from o2o.web.views import (
    POS_ROLES,
    Page,
    PageRoute,
    PosPage,
    add_sign_in_routes,
)

router = APIRouter(prefix="/pos", route_class=PageRoute)
CUSTOMERS_SHOWN = 8
#: Other locations listed under a scanned item, nearest first.
ELSEWHERE_SHOWN = 8


def _my_stores(page: Page) -> list[Location]:
    actor = page.signed_in
    stores = stores_service.list_locations(page.session, actor=actor, kind=LocationKind.STORE)
    return [s for s in stores if s.is_active and can_work_at(actor, s.id)]


def _counter_store(page: Page, location_id: int) -> Location:
    """A store of the actor's merchant they work at; a warehouse has no counter."""
    store = stores_service.get_location(page.session, actor=page.signed_in,
                                        location_id=location_id)
    if store.kind is not LocationKind.STORE:
        raise NotFound("Store not found.", location_id=location_id)
    if not can_work_at(page.signed_in, store.id):
        raise PermissionDenied("You do not work at this store.")
    return store


def _scan(page: Page, code: str) -> Variant | None:
    try:
        return catalog_service.find_variant(page.session, actor=page.signed_in, code=code)
    except NotFound:
        return None


add_sign_in_routes(router, app="pos", roles=POS_ROLES, signed_out_to="/pos/login")


@router.get("")
def choose_store(page: PosPage) -> Response:
    stores = _my_stores(page)
    if len(stores) == 1:
        return page.redirect(f"/pos/stores/{stores[0].id}")
    return page.render("pos/stores.html", stores=stores)


def _stock_of(page: Page, store: Location, variant: Variant | None) -> dict[str, Any]:
    """The scanned item's stock on this shelf and at the nearest other locations."""
    if variant is None:
        return {"level": None, "elsewhere": []}
    return {
        "level": inventory_service.get_level(page.session, actor=page.signed_in,
                                             location_id=store.id, variant_id=variant.id),
        "elsewhere": nearby.stock_around(page.session, actor=page.signed_in,
                                         location_id=store.id, variant_id=variant.id,
                                         limit=ELSEWHERE_SHOWN),
    }


@router.get("/stores/{location_id}")
def counter(page: PosPage, location_id: int, code: str = "") -> Response:
    """The counter screen; with ``code``, what was scanned and where it is in stock (alone
    when htmx asks)."""
    store = _counter_store(page, location_id)
    code = code.strip()
    variant = _scan(page, code) if code else None
    return page.render("pos/_scanned.html" if page.htmx else "pos/counter.html",
                       store=store, code=code, section="counter", variant=variant,
                       **_stock_of(page, store, variant))


@router.get("/stores/{location_id}/customers")
def customers(page: PosPage, location_id: int, q: str = "") -> Response:
    """Customers of the merchant by phone (any part of it) or name."""
    store = _counter_store(page, location_id)
    q = q.strip()
    found, total = customers_service.search_customers(
        page.session, actor=page.signed_in, q=q, limit=CUSTOMERS_SHOWN
    ) if q else ([], 0)
    return page.render("pos/_customers.html" if page.htmx else "pos/customers.html",
                       store=store, q=q, customers=found, total=total, section="customers")
