"""Checkout in the shop: choose how to get the cart of one shop, see it priced by the server,
place the order once.

1. ``GET /shop/checkout?shop=`` — pickup, reserve and try, order ahead (with the store's
   next slots) or delivery, with the stores that can serve each.
2. ``POST /shop/checkout`` — ``orders.checkout.create_checkout`` prices it; on to
3. ``GET /shop/checkout/{id}`` — the priced summary, a coupon field (the checkout priced
   again with the codes, each discount explained), and "Place order", carrying an
   Idempotency-Key made for this page view: a double click or a resent form completes the
   checkout once and lands on the same order.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Response
from pydantic import ValidationError

from o2o.errors import DomainError
from o2o.orders import checkout as orders_checkout
from o2o.orders import slots
from o2o.orders.fulfilment import FulfilmentType
from o2o.orders.models import Checkout
from o2o.orders.pricing import Priced
from o2o.orders.schemas import CheckoutCreate
from o2o.promotions.errors import CouponExhausted, CouponInvalid
from o2o.stores import service as stores_service
from o2o.web.shop import cart, choices, nearby
from o2o.web.views import Page, PageRoute, ShopperPage

router = APIRouter(route_class=PageRoute)

F = FulfilmentType
Field = Annotated[str, Form()]
#: Form fields a delivery asks for, as the page names them.
DELIVERY_FIELDS = ("recipient_name", "recipient_phone", "address")


def _shop_cart(page: Page, shop: str) -> tuple[cart.ShopCart | None, dict[int, int]]:
    """The shop's part of the cart (the only shop when none is named) and its lines."""
    shops = [s for s in cart.priced(page.session, cart.of(page.request), page.settings,
                                    customer_id=page.signed_in.user_id) if s.orderable]
    chosen = next((s for s in shops if str(s.merchant.id) == shop), None)
    if chosen is None and len(shops) == 1 and not shop:
        chosen = shops[0]
    if chosen is None:
        return None, {}
    return chosen, {item.variant.id: item.quantity for item in chosen.orderable}


def _choice_page(page: Page, *, shop: str, kind: str, store: str, near: str,
                 form: dict[str, str] | None = None, problems: frozenset[str] = frozenset(),
                 error: DomainError | None = None, status_code: int = 200) -> Response:
    shop_cart, lines = _shop_cart(page, shop)
    if shop_cart is None:
        return page.redirect("/shop/cart")
    stores = stores_service.list_stores(page.session, merchant_id=shop_cart.merchant.id)
    kinds = choices.kinds_for(stores)
    chosen_kind = next((k for k in kinds if k == kind), kinds[0])
    place = nearby.place_of(near or page.request.cookies.get(nearby.NEAR_COOKIE))
    listed = [] if chosen_kind is F.DELIVERY else choices.store_choices(
        page.session, stores=stores, kind=chosen_kind, lines=lines, place=place,
        now=datetime.now(UTC))
    chosen = next((c for c in listed if str(c.store.id) == store),
                  next((c for c in listed if c.has_everything), listed[0] if listed else None))
    upcoming = []
    if chosen_kind is F.ORDER_AHEAD and chosen is not None:
        zone = ZoneInfo(chosen.store.timezone)
        upcoming = [(start, start.astimezone(zone), end.astimezone(zone), left)
                    for start, end, left in slots.upcoming(page.session, store=chosen.store,
                                                           settings=page.settings)]
    user = page.user
    city = place.city if place and place.city else nearby.CITIES[0]
    form = form or {"recipient_name": user.full_name if user else "",
                    "recipient_phone": (user.phone or "") if user else "", "address": "",
                    "city": city.key, "lat": str(city.lat), "lon": str(city.lon), "slot": "",
                    "note": ""}
    return page.render(
        "shop/checkout.html", status_code=status_code, shop=shop_cart, kinds=kinds,
        kind=chosen_kind, choices=listed, chosen=chosen, slots=upcoming, place=place,
        cities=nearby.CITIES, form=form, problems=problems, error=error,
        free_delivery_from=page.settings.free_delivery_from,
        delivery_fee=page.settings.delivery_fee, try_hold_hours=page.settings.try_hold_hours,
        pickup_hold_hours=page.settings.pickup_hold_hours, near=near)


@router.get("/checkout")
def choose(page: ShopperPage, shop: str = "", type: str = "", store: str = "",
           near: str = "") -> Response:
    return _choice_page(page, shop=shop, kind=type, store=store, near=near)


def _coordinate(raw: str, fallback: float) -> float:
    try:
        return float(raw)
    except ValueError:
        return fallback


def _fulfilment(kind: str, form: dict[str, str], store: str) -> dict[str, Any]:
    """The fulfilment the form asks for; coordinates of a delivery are the map pin's, or the
    chosen city's centre."""
    if kind == F.DELIVERY:
        city = next((c for c in nearby.CITIES if c.key == form["city"]), nearby.CITIES[0])
        return {"type": kind, **{name: form[name] or None for name in DELIVERY_FIELDS},
                "lat": _coordinate(form["lat"], city.lat),
                "lon": _coordinate(form["lon"], city.lon)}
    chosen: dict[str, Any] = {"type": kind, "store_id": int(store) if store.isdigit() else None}
    if kind == F.ORDER_AHEAD:
        chosen["slot_start"] = form["slot"] or None
    return chosen


@router.post("/checkout")
def review(page: ShopperPage, shop: Field = "", type: Field = "", store: Field = "",
           slot: Field = "", recipient_name: Field = "", recipient_phone: Field = "",
           address: Field = "", city: Field = "", lat: Field = "", lon: Field = "",
           note: Field = "", near: Field = "") -> Response:
    """Price the shop's cart for the chosen fulfilment; refused choices come back on the
    form with what to fix."""
    form = {"recipient_name": recipient_name, "recipient_phone": recipient_phone,
            "address": address, "city": city, "lat": lat, "lon": lon, "slot": slot,
            "note": note}

    def again(status_code: int, problems: frozenset[str] = frozenset(),
              error: DomainError | None = None) -> Response:
        return _choice_page(page, shop=shop, kind=type, store=store, near=near, form=form,
                            problems=problems, error=error, status_code=status_code)

    shop_cart, lines = _shop_cart(page, shop)
    if shop_cart is None:
        return page.redirect("/shop/cart")
    try:
        data = CheckoutCreate.model_validate({
            "lines": [{"variant_id": v, "quantity": q} for v, q in lines.items()],
            "fulfilment": _fulfilment(type, form, store), "note": note})
    except ValidationError as exc:
        problems = frozenset(str(err["loc"][-1]) for err in exc.errors() if err["loc"])
        return again(422, problems=problems)
    page.end_reads()
    try:
        made = orders_checkout.create_checkout(page.session, actor=page.signed_in, data=data,
                                               settings=page.settings)
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        page.session.rollback()
        return again(exc.status, error=exc)
    return page.redirect(f"/shop/checkout/{made.checkout.id}")


@dataclass(frozen=True)
class CouponState:
    """A code on the summary and what it did: đồng off, or why its promotion did not apply."""

    code: str
    amount: int
    reason: str


def coupon_states(priced: Priced, codes: list[str]) -> list[CouponState]:
    by_code = {coupon.code: pid for pid, coupon in priced.coupons.items()}
    applied = {a.promotion_id: a.amount for a in priced.cart.applied} if priced.cart else {}
    skipped = {s.promotion_id: s.explanation for s in priced.cart.skipped} if priced.cart else {}
    return [CouponState(code, applied.get(by_code.get(code, 0), 0),
                        skipped.get(by_code.get(code, 0), "")) for code in codes]


def _review_page(page: Page, checkout_id: int, *, error: DomainError | None = None,
                 status_code: int = 200, coupon_error: str | None = None,
                 typed: str = "") -> Response:
    """The summary; ``coupon_error`` (with the code ``typed``) is said under the coupon
    field."""
    try:
        made = orders_checkout.get_checkout(page.session, actor=page.signed_in,
                                            checkout_id=checkout_id, settings=page.settings)
    except (CouponInvalid, CouponExhausted) as exc:  # used up or withdrawn since applied
        page.session.rollback()
        if not _drop_coupon(page, checkout_id, str(exc.details.get("code", ""))):
            raise
        return _review_page(page, checkout_id, coupon_error=exc.code,
                            typed=str(exc.details.get("code", "")), status_code=exc.status)
    if made.order_id is not None:
        return page.redirect(f"/shop/orders/{made.order_id}")
    store = None
    if made.checkout.store_id is not None:
        store, _ = stores_service.get_store(page.session, store_id=made.checkout.store_id)
    merchant = next((m for m in stores_service.list_merchants(page.session)
                     if m.id == made.checkout.merchant_id), None)
    names = {line.variant_id: line.name for line in made.priced.lines}
    return page.render("shop/checkout_review.html", status_code=status_code,
                       checkout=made.checkout, priced=made.priced, store=store,
                       merchant=merchant, key=uuid4().hex, error=error, names=names,
                       free_delivery_from=page.settings.free_delivery_from,
                       coupons=coupon_states(made.priced, made.checkout.coupon_codes or []),
                       coupon_error=coupon_error, typed=typed)


@router.get("/checkout/{checkout_id}")
def summary(page: ShopperPage, checkout_id: int) -> Response:
    return _review_page(page, checkout_id)


@router.post("/checkout/{checkout_id}/place")
def place(page: ShopperPage, checkout_id: int, key: Field = "",
          total: Field = "") -> Response:
    """Complete the checkout with the page's Idempotency-Key at the total it showed; what
    stops it (stock gone, the slot full, a new price) is shown on the summary, in the
    shopper's language."""
    try:
        order = orders_checkout.complete_checkout(
            page.session, actor=page.signed_in, checkout_id=checkout_id,
            idempotency_key=key or None, settings=page.settings,
            expected_total=int(total) if total.isdigit() else None)
    except DomainError as exc:
        if exc.status in (401, 403) or (exc.status == 404 and "variant_id" not in exc.details):
            raise
        page.session.rollback()
        if exc.code in ("coupon_invalid", "coupon_exhausted"):
            return _review_page(page, checkout_id, coupon_error=exc.code,
                                typed=str(exc.details.get("code", "")), status_code=exc.status)
        return _review_page(page, checkout_id, error=exc, status_code=exc.status)
    response = page.redirect(f"/shop/orders/{order.id}")
    cart.keep(response, cart.without(page, {line.variant_id: 1 for line in order.lines}))
    return response


def _as_asked(checkout: Checkout, coupons: list[str]) -> dict[str, Any]:
    """The request that made ``checkout``, with these coupons: re-pricing it keeps all else
    the shopper chose."""
    return {
        "lines": [{"variant_id": line.variant_id, "quantity": line.quantity}
                  for line in checkout.lines],
        "fulfilment": {
            "type": checkout.fulfilment_type, "store_id": checkout.store_id,
            "recipient_name": checkout.recipient_name,
            "recipient_phone": checkout.recipient_phone, "address": checkout.address,
            "lat": checkout.lat, "lon": checkout.lon, "slot_start": checkout.slot_start,
            "hold_until": checkout.hold_until, "services": checkout.services},
        "note": checkout.note, "coupons": coupons, "points": checkout.points,
        "cashback": checkout.cashback,
    }


def _drop_coupon(page: Page, checkout_id: int, code: str) -> bool:
    """Take a code that stopped working off the checkout, so that it can be priced again;
    False when the checkout does not hold it. ``update_checkout`` checks the shopper's
    right to the checkout."""
    checkout = page.session.get(Checkout, checkout_id)
    if checkout is None or code not in (checkout.coupon_codes or []):
        return False
    data = CheckoutCreate.model_validate(
        _as_asked(checkout, [c for c in checkout.coupon_codes or [] if c != code]))
    page.end_reads()
    orders_checkout.update_checkout(page.session, actor=page.signed_in,
                                    checkout_id=checkout_id, data=data, settings=page.settings)
    return True


def _coupon_problem(exc: ValidationError) -> str:
    too_many = any(err["loc"] == ("coupons",) for err in exc.errors())
    return "coupon_limit" if too_many else "coupon_format"


@router.post("/checkout/{checkout_id}/coupons")
def coupons(page: ShopperPage, checkout_id: int, code: Field = "",
            remove: Field = "") -> Response:
    """Apply the coupon ``code``, or take ``remove`` off: the summary is priced again with the
    codes left; a code refused (unknown, used up) is said under the field."""
    made = orders_checkout.get_checkout(page.session, actor=page.signed_in,
                                        checkout_id=checkout_id, settings=page.settings)
    if made.order_id is not None:
        return page.redirect(f"/shop/orders/{made.order_id}")
    codes = list(made.checkout.coupon_codes or [])
    typed = code.strip().upper()
    if remove:
        codes = [c for c in codes if c != remove.strip().upper()]
    elif not typed:
        return _review_page(page, checkout_id, coupon_error="coupon_missing", status_code=422)
    elif typed not in codes:
        codes.append(typed)
    try:
        data = CheckoutCreate.model_validate(_as_asked(made.checkout, codes))
    except ValidationError as exc:
        return _review_page(page, checkout_id, coupon_error=_coupon_problem(exc), typed=typed,
                            status_code=422)
    page.end_reads()
    try:
        orders_checkout.update_checkout(page.session, actor=page.signed_in,
                                        checkout_id=checkout_id, data=data,
                                        settings=page.settings)
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        page.session.rollback()
        if exc.code in ("coupon_invalid", "coupon_exhausted"):
            return _review_page(page, checkout_id, coupon_error=exc.code, typed=typed,
                                status_code=exc.status)
        return _review_page(page, checkout_id, error=exc, status_code=exc.status)
    return page.redirect(f"/shop/checkout/{checkout_id}#coupons")
