"""The shopper app: find a product, see the stores that sell it, sign up, follow shops."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Response
from pydantic import ValidationError

from o2o.auth import service as auth_service
from o2o.auth.errors import PhoneTaken
from o2o.auth.schemas import CustomerSignup
from o2o.catalog import service as catalog_service
from o2o.catalog.models import Channel, Product, ProductStatus, Variant
from o2o.customers import service as customers_service
from o2o.errors import NotFound
from o2o.inventory import nearby as stock_nearby
from o2o.promotions import shown as promotions_shown
from o2o.promotions.engine import DisplayPrice
from o2o.stores import service as stores_service
from o2o.stores.models import Location
from o2o.web import display
from o2o.web.shop import cart, checkout, nearby, orders, payments
from o2o.web.views import (
    EVERYONE,
    AnyPage,
    Page,
    Pager,
    PageRoute,
    ShopperPage,
    add_sign_in_routes,
    keep_token,
    local_path,
)

router = APIRouter(prefix="/shop", route_class=PageRoute)

HOME_PRODUCTS = 12
RESULTS_PER_PAGE = 24
#: "Available near you": the stores shown, within how far of the shopper.
NEARBY_SHOWN = 5
NEARBY_RADIUS_KM = 25
NEAR_COOKIE_AGE = timedelta(days=30)
Field = Annotated[str, Form()]


def _with_hours(stores: Iterable[Location]) -> list[tuple[Location, display.StoreHours]]:
    now = datetime.now(UTC)
    return [(store, display.store_hours(store, now)) for store in stores]


@router.get("")
def home(page: AnyPage) -> Response:
    products, _ = catalog_service.search_products(page.session, limit=HOME_PRODUCTS)
    return page.render("shop/home.html", products=products,
                       merchants=stores_service.list_merchants(page.session))


@router.get("/search")
def search(page: AnyPage, q: str = "", merchant: str = "", channel: str = "",
           category: str = "", p: str = "") -> Response:
    pager = Pager.of(p, RESULTS_PER_PAGE)
    sold_in = Channel(channel) if channel in (Channel.ONLINE, Channel.STORE) else None
    products, total = catalog_service.search_products(
        page.session, q=q.strip() or None, merchant_slug=merchant or None, channel=sold_in,
        category_id=int(category) if category.isdigit() else None,
        limit=pager.size, offset=pager.offset,
    )
    return page.render(
        "shop/search.html", q=q, merchant=merchant, channel=sold_in or "", products=products,
        pager=pager.with_total(total), merchants=stores_service.list_merchants(page.session),
    )


def _sold_in_store(product: Product) -> list[Variant]:
    """The variants a shopper could walk into a store and buy."""
    if product.status is not ProductStatus.ACTIVE:
        return []
    return [v for v in display.on_sale(product) if v.channels is not Channel.ONLINE]


def _sold_online(product: Product) -> list[Variant]:
    """The variants a shopper can put in the cart."""
    if product.status is not ProductStatus.ACTIVE:
        return []
    return [v for v in display.on_sale(product) if v.channels is not Channel.STORE]


@router.get("/products/{product_id}")
def product(page: AnyPage, product_id: int, variant: str = "", near: str = "",
            added: str = "") -> Response:
    """The product; ``variant`` and ``near`` are handed to its "available near you" part,
    ``added`` names the variant just put in the cart."""
    found = catalog_service.get_product(page.session, product_id=product_id, actor=page.actor)
    variants = display.on_sale(found)
    stores = stores_service.list_stores(page.session, merchant_id=found.merchant_id)
    online = _sold_online(found)
    promoted = _promoted(page, variants)
    return page.render("shop/product.html", product=found, variants=variants,
                       option_names=display.option_names(variants),
                       stores=_with_hours(stores), in_store=bool(_sold_in_store(found)),
                       nearby_query={"variant": variant, "near": near}, online=online,
                       added=next((v for v in online if str(v.id) == added), None),
                       promoted=promoted,
                       best=min(promoted.values(), key=lambda p: p.price, default=None),
                       product_promotions=promotions_shown.for_product(
                           page.session, product_id=found.id, actor=page.actor))


def _promoted(page: Page, variants: Iterable[Variant]) -> dict[int, DisplayPrice]:
    """The variants an item promotion lowers now, at that price: the shop's price for one
    sold online, the counter's for one sold only in stores. The explanation names the
    product, as the page is the product's whichever variant is meant."""
    prices = {}
    for variant in variants:
        try:
            shown = promotions_shown.display_price(
                page.session, variant_id=variant.id,
                channel="pos" if variant.channels is Channel.STORE else "online")
        except NotFound:
            continue
        if shown.compare_at is not None:
            options = " / ".join(str(value) for value in variant.options.values())
            named = f"{variant.product.name} · {options}" if options else variant.product.name
            prices[variant.id] = replace(shown, explanation=shown.explanation.replace(
                named, variant.product.name))
    return prices


@router.get("/products/{product_id}/nearby")
def product_nearby(page: AnyPage, product_id: int, variant: str = "",
                   near: str = "") -> Response:
    """"Available near you" (a fragment): the nearest stores holding the chosen variant
    (the first by default), or a request for the shopper's place. A place given in
    ``near`` is remembered for the next product."""
    found = catalog_service.get_product(page.session, product_id=product_id, actor=page.actor)
    choices = _sold_in_store(found)
    chosen = next((v for v in choices if str(v.id) == variant), choices[0] if choices else None)
    place = nearby.place_of(near or page.request.cookies.get(nearby.NEAR_COOKIE))
    stores = [] if place is None or chosen is None else stock_nearby.find_nearby(
        page.session, lat=place.lat, lon=place.lon, radius_km=NEARBY_RADIUS_KM,
        variant_id=chosen.id, limit=NEARBY_SHOWN,
    )
    response = page.render(
        "shop/_nearby.html", product=found, variants=choices, variant=chosen, place=place,
        cities=nearby.CITIES, radius_km=NEARBY_RADIUS_KM,
        stores=[(store, nearby.band_of(store.available)) for store in stores],
    )
    if near and place is not None:
        response.set_cookie(nearby.NEAR_COOKIE, place.remembered, samesite="lax", path="/shop",
                            max_age=int(NEAR_COOKIE_AGE.total_seconds()), httponly=True)
    return response


@router.get("/m/{slug}")
def merchant(page: AnyPage, slug: str) -> Response:
    shop = stores_service.get_merchant(page.session, slug=slug)
    products, total = catalog_service.search_products(
        page.session, merchant_slug=slug, limit=HOME_PRODUCTS
    )
    return page.render(
        "shop/merchant.html", merchant=shop, products=products, total=total,
        categories=catalog_service.list_categories(page.session, merchant_slug=slug),
        stores=_with_hours(stores_service.list_stores(page.session, merchant_id=shop.id)),
    )


@router.get("/stores/{store_id}")
def store(page: AnyPage, store_id: int) -> Response:
    location, shop = stores_service.get_store(page.session, store_id=store_id)
    products, _ = catalog_service.search_products(
        page.session, merchant_slug=shop.slug, channel=Channel.STORE, limit=8
    )
    return page.render("shop/store.html", store=location, merchant=shop, products=products,
                       hours=display.store_hours(location, datetime.now(UTC)),
                       promotions=promotions_shown.at_store(
                           page.session, merchant_id=shop.id, store_id=location.id))


add_sign_in_routes(router, app="shop", roles=EVERYONE, signed_out_to="/shop")
for part in (cart.router, checkout.router, orders.router, payments.router):
    router.include_router(part)


def _signup_form(page: Page, *, form: dict[str, str], problems: set[str], next: str,
                 status_code: int = 200) -> Response:
    return page.render("shop/signup.html", form=form, problems=problems, next=next,
                       status_code=status_code)


@router.get("/signup")
def signup_form(page: AnyPage, next: str = "") -> Response:
    return _signup_form(page, form={"full_name": "", "phone": ""}, problems=set(),
                        next=local_path(next, "shop", default="/shop/account"))


@router.post("/signup")
def signup(page: AnyPage, full_name: Field = "", phone: Field = "", password: Field = "",
           next: Field = "") -> Response:
    """A new shopper, signed in at once; refused fields are shown next to the field."""
    form = {"full_name": full_name, "phone": phone}
    target = local_path(next, "shop", default="/shop/account")
    try:
        data = CustomerSignup(full_name=full_name, phone=phone, password=password)
        auth_service.sign_up_customer(page.session, data=data)
    except ValidationError as exc:
        problems = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
        return _signup_form(page, form=form, problems=problems, next=target, status_code=422)
    except PhoneTaken:
        return _signup_form(page, form=form, problems={"phone_taken"}, next=target,
                            status_code=409)
    token = auth_service.sign_in(page.session, username=data.phone, password=password,
                                 settings=page.settings)
    response = page.redirect(target)
    keep_token(response, page.request, token, page.settings)
    return response


@router.get("/account")
def account(page: ShopperPage) -> Response:
    followed = customers_service.my_merchants(page.session, actor=page.signed_in)
    return page.render("shop/account.html", followed=followed)
