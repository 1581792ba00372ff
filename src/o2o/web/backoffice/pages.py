"""The back office: a merchant's owner and managers see their shop; the operator, the network."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response

from o2o.auth import staff as staff_service
from o2o.catalog import service as catalog_service
from o2o.catalog.models import ProductStatus
from o2o.customers import service as customers_service
from o2o.errors import NotFound, PermissionDenied
from o2o.stores import service as stores_service
from o2o.stores.models import LocationKind, Merchant
from o2o.web import display
from o2o.web.views import (
    ADMIN_ROLES,
    AdminPage,
    Page,
    Pager,
    PageRoute,
    add_sign_in_routes,
)

router = APIRouter(prefix="/admin", route_class=PageRoute)
ROWS_PER_PAGE = 25


def _merchant(page: Page) -> Merchant:
    """The merchant whose back office this is; the operator has none."""
    actor = page.signed_in
    if actor.merchant_id is None:
        raise PermissionDenied("This page belongs to a merchant's back office.")
    for merchant in stores_service.list_merchants(page.session):
        if merchant.id == actor.merchant_id:
            return merchant
    raise NotFound("Merchant not found.")


def _render(page: Page, template: str, **context: Any) -> Response:
    """A back-office page, with the merchant it belongs to in the side bar."""
    if "merchant" not in context:
        context["merchant"] = None if page.signed_in.is_operator else _merchant(page)
    return page.render(template, **context)


add_sign_in_routes(router, app="admin", roles=ADMIN_ROLES, signed_out_to="/admin/login")


@router.get("")
def dashboard(page: AdminPage) -> Response:
    actor = page.signed_in
    locations = stores_service.list_locations(page.session, actor=actor)
    stores = [loc for loc in locations if loc.kind is LocationKind.STORE]
    if actor.is_operator:
        return _render(page, "admin/network.html", section="dashboard", stores=stores,
                       merchants=stores_service.list_merchants(page.session),
                       per_merchant=Counter(store.merchant_id for store in stores),
                       per_city=display.per_city(stores))
    products, variants = catalog_service.catalogue_size(page.session, actor=actor)
    _, customers = customers_service.search_customers(page.session, actor=actor, limit=1)
    counts = {
        "stores": len(stores), "warehouses": len(locations) - len(stores),
        "products": products, "variants": variants, "customers": customers,
        "staff": len(staff_service.list_staff(page.session, actor=actor)),
    }
    now = datetime.now(UTC)
    return _render(page, "admin/dashboard.html", counts=counts, section="dashboard",
                   per_city=display.per_city(stores),
                   stores=[(s, display.store_hours(s, now)) for s in stores])


@router.get("/locations")
def locations(page: AdminPage) -> Response:
    now = datetime.now(UTC)
    found = stores_service.list_locations(page.session, actor=page.signed_in)
    merchants = {m.id: m for m in stores_service.list_merchants(page.session)}
    return _render(page, "admin/locations.html", section="locations", merchants=merchants,
                   locations=[(loc, display.store_hours(loc, now)) for loc in found])


@router.get("/products")
def products(page: AdminPage, q: str = "", status: str = "active", p: str = "") -> Response:
    merchant = _merchant(page)
    shown = ProductStatus(status) if status in set(ProductStatus) else ProductStatus.ACTIVE
    pager = Pager.of(p, ROWS_PER_PAGE)
    totals = {}
    rows: list[object] = []
    for each in ProductStatus:
        found, totals[each.value] = catalog_service.search_products(
            page.session, q=q.strip() or None, merchant_slug=merchant.slug, status=each,
            actor=page.signed_in, limit=pager.size if each is shown else 0,
            offset=pager.offset,
        )
        if each is shown:
            rows = list(found)
    return _render(page, "admin/products.html", merchant=merchant, section="products", q=q,
                       status=shown.value, products=rows, totals=totals,
                       pager=pager.with_total(totals[shown.value]))


@router.get("/staff")
def staff(page: AdminPage) -> Response:
    merchant = _merchant(page)
    names = {loc.id: loc.name for loc in
             stores_service.list_locations(page.session, actor=page.signed_in)}
    return _render(page, "admin/staff.html", merchant=merchant, section="staff", store_names=names,
                       people=staff_service.list_staff(page.session, actor=page.signed_in))


@router.get("/customers")
def customers(page: AdminPage, q: str = "", p: str = "") -> Response:
    merchant = _merchant(page)
    pager = Pager.of(p, ROWS_PER_PAGE)
    found, total = customers_service.search_customers(
        page.session, actor=page.signed_in, q=q.strip() or None, limit=pager.size,
        offset=pager.offset,
    )
    return _render(page, "admin/customers.html", merchant=merchant, section="customers", q=q,
                       customers=found, pager=pager.with_total(total))
