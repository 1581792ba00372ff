"""A sale at the counter: items scanned into a checkout the server prices, an optional known
customer, assembly or installation booked for later, coupons and the customer's points and
cashback (``sale_savings``), and "Pay", which completes it.

The cart is an open POS checkout (``o2o.orders.checkout``), so prices and stock rules are the
ones every channel uses; this counter remembers which checkout is its sale in progress with a
cookie. Endless aisle: an item this shelf lacks is sold from another location's stock, to be
picked up here later or delivered. "Pay" records the sale as an order and opens its payment
step (``o2o.web.pos.payments``): cash, card or VietQR, split until it is paid.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Response
from pydantic import ValidationError

from o2o.auth import service as auth_service
from o2o.catalog.models import Variant
from o2o.errors import DomainError, NotFound
from o2o.inventory import service as inventory_service
from o2o.orders import checkout as checkouts
from o2o.orders.fulfilment import FulfilmentType
from o2o.orders.models import Checkout, CheckoutStatus
from o2o.orders.schemas import BOOKABLE, CheckoutCreate
from o2o.promotions.errors import CouponExhausted, CouponInvalid
from o2o.stores.models import Location
from o2o.web.pos.orders import places, whole_numbers
from o2o.web.pos.pages import _counter_store, _scan, _stock_of
from o2o.web.pos.payments import amount_of
from o2o.web.pos.sale_savings import (
    COUPON_PROBLEMS,
    LOYALTY_PROBLEMS,
    balances_of,
    coupon_problem,
    redeemable,
)
from o2o.web.shop.checkout import coupon_states
from o2o.web.views import Page, PageRoute, PosPage

router = APIRouter(prefix="/pos", route_class=PageRoute)
Field = Annotated[str, Form()]
Fields = Annotated[list[str] | None, Form()]
F = FulfilmentType
#: How the customer gets a counter sale: now, here later, or at home.
SALE_TYPES = (F.IN_STORE, F.PICKUP, F.DELIVERY)
_DAY_SECONDS = 24 * 3600


def _cookie(store: Location) -> str:
    return f"o2o_sale_{store.id}"


@dataclass
class Draft:
    """The sale as the checkout holds it, changed by one form at a time."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    type: FulfilmentType = F.IN_STORE
    recipient_name: str | None = None
    recipient_phone: str | None = None
    address: str | None = None
    services: list[dict[str, Any]] = field(default_factory=list)
    customer_phone: str | None = None
    customer_name: str | None = None
    coupons: list[str] = field(default_factory=list)
    points: int = 0
    cashback: int = 0

    def line_of(self, variant_id: int) -> dict[str, Any] | None:
        return next((line for line in self.lines if line["variant_id"] == variant_id), None)

    @property
    def from_elsewhere(self) -> bool:
        return any(line["source_location_id"] is not None for line in self.lines)

    def checkout(self, store: Location) -> CheckoutCreate:
        """Raises ValidationError for what the form let through but the rules do not."""
        fulfilment: dict[str, Any] = {"type": self.type, "store_id": store.id,
                                      "services": self.services}
        if self.type is F.DELIVERY:
            # The courier goes by the address; the counter has no map to pin the door on, so
            # the customer is placed at the store they bought in.
            fulfilment |= {"recipient_name": self.recipient_name,
                           "recipient_phone": self.recipient_phone, "address": self.address,
                           "lat": store.lat, "lon": store.lon}
        return CheckoutCreate.model_validate({
            "lines": self.lines, "fulfilment": fulfilment,
            "customer_phone": self.customer_phone, "customer_name": self.customer_name,
            "coupons": self.coupons, "points": self.points, "cashback": self.cashback})


def _current(page: Page, store: Location) -> checkouts.PricedCheckout | None:
    return _open_sale(page, store)[0]


def _open_sale(page: Page, store: Location
               ) -> tuple[checkouts.PricedCheckout | None, DomainError | None]:
    """This counter's sale in progress, if its cookie names an open one of this store; and
    the refusal of a coupon that stopped working since it was applied (used up elsewhere,
    withdrawn), which is taken off the sale so that it can be priced again."""
    raw = page.request.cookies.get(_cookie(store), "")
    if not raw.isdigit():
        return None, None
    try:
        priced = checkouts.get_checkout(page.session, actor=page.signed_in,
                                        checkout_id=int(raw), settings=page.settings)
    except NotFound:
        return None, None
    except (CouponInvalid, CouponExhausted) as exc:
        page.session.rollback()
        return _without_coupon(page, store, int(raw), str(exc.details.get("code", ""))), exc
    made = priced.checkout
    if made.status is not CheckoutStatus.OPEN or made.store_id != store.id:
        return None, None
    return priced, None


def _without_coupon(page: Page, store: Location, checkout_id: int,
                    code: str) -> checkouts.PricedCheckout | None:
    made = page.session.get(Checkout, checkout_id)
    if (made is None or made.status is not CheckoutStatus.OPEN or made.store_id != store.id
            or code not in (made.coupon_codes or [])):
        return None
    draft = _draft_of(page, made)
    draft.coupons.remove(code)
    data = draft.checkout(store)
    page.end_reads()
    return checkouts.update_checkout(page.session, actor=page.signed_in,
                                     checkout_id=checkout_id, data=data, settings=page.settings)


def _draft_of(page: Page, made: Checkout | None) -> Draft:
    if made is None:
        return Draft()
    phone = (auth_service.get_user(page.session, made.customer_id).phone
             if made.customer_id is not None else None)
    return Draft(
        lines=[{"variant_id": line.variant_id, "quantity": line.quantity,
                "source_location_id": line.source_location_id} for line in made.lines],
        type=made.fulfilment_type, recipient_name=made.recipient_name,
        recipient_phone=made.recipient_phone, address=made.address,
        services=list(made.services), customer_phone=phone,
        coupons=list(made.coupon_codes or []), points=made.points, cashback=made.cashback)


class Refused(Exception):
    """A form asked for something the sale cannot take; ``kind`` says what, for the page."""

    def __init__(self, kind: str, status: int = 422) -> None:
        super().__init__(kind)
        self.kind, self.status = kind, status


def _fields_of(exc: ValidationError) -> set[str]:
    return {".".join(str(part) for part in error["loc"][:2]) for error in exc.errors()}


def _change(page: Page, store: Location, edit: Callable[[Draft], None],
            **typed: str) -> Response:
    """Apply one form to the sale and save it through the checkout service; back to the
    sale screen, or the screen again with what was wrong and the sale unchanged."""
    current = _current(page, store)
    draft = _draft_of(page, current.checkout if current else None)
    try:
        edit(draft)
        if not draft.lines:
            return _forget(page.redirect(f"/pos/stores/{store.id}/sale"), store)
        data = draft.checkout(store)
        page.end_reads()
        if current is None:
            made = checkouts.create_checkout(page.session, actor=page.signed_in, data=data,
                                             settings=page.settings).checkout
        else:
            made = checkouts.update_checkout(
                page.session, actor=page.signed_in, checkout_id=current.checkout.id,
                data=data, settings=page.settings).checkout
    except Refused as exc:
        return _sale_page(page, store, status_code=exc.status, refused=exc.kind, typed=typed)
    except ValidationError as exc:
        return _sale_page(page, store, status_code=422, invalid=_fields_of(exc), typed=typed)
    except DomainError as exc:
        return _sale_page(page, store, status_code=exc.status, problem=exc, typed=typed)
    response = page.redirect(f"/pos/stores/{store.id}/sale")
    response.set_cookie(_cookie(store), str(made.id), max_age=_DAY_SECONDS, httponly=True,
                        samesite="lax", path="/pos")
    return response


def _forget(response: Response, store: Location) -> Response:
    response.delete_cookie(_cookie(store), path="/pos", httponly=True, samesite="lax")
    return response


def _sale_page(page: Page, store: Location, *, status_code: int = 200,
               variant: Variant | None = None, code: str = "", refused: str = "",
               invalid: set[str] | None = None, problem: DomainError | None = None,
               typed: dict[str, str] | None = None) -> Response:
    current, dropped = _open_sale(page, store)
    made = current.checkout if current else None
    customer = (auth_service.get_user(page.session, made.customer_id)
                if made is not None and made.customer_id is not None else None)
    problem = problem or dropped
    offered = {str(item.service) for item in store.services}
    return page.render(
        "pos/sale.html", status_code=status_code, store=store, section="sale",
        sale=current, customer=customer, places=places(page), code=code, variant=variant,
        refused=refused, invalid=invalid or set(), problem=problem, typed=typed or {},
        coupons=(coupon_states(current.priced, made.coupon_codes or [])
                 if current and made is not None else []),
        balances=balances_of(page, customer, current),
        coupon_problems=COUPON_PROBLEMS, loyalty_problems=LOYALTY_PROBLEMS,
        bookable=[s for s in BOOKABLE if s in offered], key=uuid4().hex,
        bookings=[(s, datetime.fromisoformat(s["scheduled_at"])) for s in made.services] if made
        else [],
        types=[t for t in SALE_TYPES if t is not F.PICKUP or "pickup" in offered],
        **(_stock_of(page, store, variant) if variant else {"level": None, "elsewhere": []}))


@router.get("/stores/{location_id}/sale")
def sale(page: PosPage, location_id: int) -> Response:
    return _sale_page(page, _counter_store(page, location_id))


@router.post("/stores/{location_id}/sale/scan")
def scan(page: PosPage, location_id: int, code: Field = "") -> Response:
    """One more unit of the scanned item from this shelf; an item this shelf cannot serve
    shows where else it is in stock instead."""
    return _add(page, _counter_store(page, location_id), code.strip(), "")


@router.post("/stores/{location_id}/sale/add")
def add_from(page: PosPage, location_id: int, sku: Field = "", source: Field = "") -> Response:
    """One more unit of an item from another location's stock (endless aisle), or from this
    shelf (the stock lookup's "add to the sale")."""
    return _add(page, _counter_store(page, location_id), sku.strip(), source)


def _add(page: Page, store: Location, code: str, source: str) -> Response:
    variant = _scan(page, code) if code else None
    if variant is None:
        return _sale_page(page, store, status_code=404 if code else 422, code=code,
                          refused="unknown_code" if code else "no_code")
    found: Variant = variant
    source_id = int(source) if source.isdigit() and int(source) != store.id else None
    if source_id is None:
        current = _current(page, store)
        draft = _draft_of(page, current.checkout if current else None)
        line = draft.line_of(variant.id)
        wanted = (line["quantity"] if line and line["source_location_id"] is None else 0) + 1
        level = inventory_service.get_level(page.session, actor=page.signed_in,
                                            location_id=store.id, variant_id=variant.id)
        if level.on_hand - level.reserved < wanted:
            return _sale_page(page, store, status_code=409, code=code, variant=variant,
                              refused="short_here")

    def add(draft: Draft) -> None:
        line = draft.line_of(found.id)
        if line is None or line["source_location_id"] != source_id:
            if line is not None:
                draft.lines.remove(line)
            draft.lines.append({"variant_id": found.id, "quantity": 1,
                                "source_location_id": source_id})
        else:
            line["quantity"] += 1
        if source_id is not None and draft.type is F.IN_STORE:
            draft.type = F.PICKUP  # the goods come later: picked up here unless delivered

    return _change(page, store, add, code=code)


@router.post("/stores/{location_id}/sale/lines")
def quantities(page: PosPage, location_id: int, variant: Fields = None,
               quantity: Fields = None) -> Response:
    """New quantities of the sale's lines; 0 takes a line off."""
    store = _counter_store(page, location_id)
    wanted = dict(zip(variant or [], whole_numbers(quantity or []), strict=False))

    def set_quantities(draft: Draft) -> None:
        for raw, amount in wanted.items():
            line = draft.line_of(int(raw)) if raw.isdigit() else None
            if line is None:
                continue
            if amount is None:
                raise Refused("quantity")
            if amount == 0:
                draft.lines.remove(line)
            else:
                line["quantity"] = amount

    return _change(page, store, set_quantities)


@router.post("/stores/{location_id}/sale/customer")
def customer(page: PosPage, location_id: int, phone: Field = "", name: Field = "") -> Response:
    """The customer, found by phone or registered with it; an empty phone: a walk-in."""
    store = _counter_store(page, location_id)

    def set_customer(draft: Draft) -> None:
        draft.customer_phone = phone.strip() or None
        draft.customer_name = name.strip() or None
        draft.points = draft.cashback = 0  # the balances were the previous customer's

    return _change(page, store, set_customer, phone=phone, name=name)


@router.post("/stores/{location_id}/sale/coupons")
def coupons(page: PosPage, location_id: int, code: Field = "", remove: Field = "") -> Response:
    """Apply a scanned or typed coupon ``code``, or take ``remove`` off; a code the shop does
    not have, or one used up, is said under the field and the sale is unchanged."""
    store = _counter_store(page, location_id)
    typed = code.strip().upper()

    def set_coupons(draft: Draft) -> None:
        if remove:
            draft.coupons = [c for c in draft.coupons if c != remove.strip().upper()]
            return
        problem = coupon_problem(typed, draft.coupons)
        if problem is not None:
            raise Refused(problem)
        if typed not in draft.coupons:
            draft.coupons.append(typed)

    return _change(page, store, set_coupons, coupon=typed)


@router.post("/stores/{location_id}/sale/redeem")
def redeem(page: PosPage, location_id: int, points: Field = "",
           cashback: Field = "") -> Response:
    """The attached customer's points and cashback to take off this sale (empty: none). More
    than the goods cost is brought down to the goods' worth; more than the customer holds is
    refused by the checkout service, and nothing is taken."""
    store = _counter_store(page, location_id)
    current = _current(page, store)
    asked_points = whole_numbers([points or "0"])[0]
    asked_cashback = amount_of(cashback or "0")

    def set_redemptions(draft: Draft) -> None:
        if asked_points is None or asked_cashback is None:
            raise Refused("redeem_amount")
        draft.points, draft.cashback = redeemable(page, current, asked_points, asked_cashback)

    return _change(page, store, set_redemptions, points=points, cashback=cashback)


@router.post("/stores/{location_id}/sale/fulfilment")
def fulfilment(page: PosPage, location_id: int, type: Field = "", recipient_name: Field = "",
               recipient_phone: Field = "", address: Field = "") -> Response:
    """Taken now, picked up here later, or delivered to an address."""
    store = _counter_store(page, location_id)

    def set_fulfilment(draft: Draft) -> None:
        if type not in set(SALE_TYPES):
            raise Refused("type")
        chosen = FulfilmentType(type)
        if chosen is F.IN_STORE and draft.from_elsewhere:
            raise Refused("elsewhere_now")
        draft.type = chosen
        draft.recipient_name = recipient_name.strip() or None
        draft.recipient_phone = recipient_phone.strip() or None
        draft.address = address.strip() or None

    return _change(page, store, set_fulfilment, type=type, recipient_name=recipient_name,
                   recipient_phone=recipient_phone, address=address)


def _local_time(day: str, clock: str, timezone: str) -> datetime | None:
    try:
        naive = datetime.fromisoformat(f"{day.strip()}T{clock.strip()}")
    except ValueError:
        return None
    return naive.replace(tzinfo=ZoneInfo(timezone))


@router.post("/stores/{location_id}/sale/services")
def add_service(page: PosPage, location_id: int, service: Field = "", day: Field = "",
                time: Field = "", address: Field = "") -> Response:
    """Book assembly or installation with the sale, at the store or at an address."""
    store = _counter_store(page, location_id)
    at = _local_time(day, time, store.timezone)

    def book(draft: Draft) -> None:
        if at is None:
            raise Refused("service_time")
        draft.services.append({"service": service, "scheduled_at": at.isoformat(),
                               "address": address.strip() or None})

    return _change(page, store, book, service=service, day=day, time=time, address=address)


@router.post("/stores/{location_id}/sale/services/remove")
def remove_service(page: PosPage, location_id: int, index: Field = "") -> Response:
    store = _counter_store(page, location_id)

    def drop(draft: Draft) -> None:
        if index.isdigit() and int(index) < len(draft.services):
            draft.services.pop(int(index))

    return _change(page, store, drop)


@router.post("/stores/{location_id}/sale/complete")
def complete(page: PosPage, location_id: int, key: Field = "", total: Field = "") -> Response:
    """Pay: the sale becomes an order once, however often the button is pressed, at the
    total the cashier showed; then its payment step."""
    store = _counter_store(page, location_id)
    current = _current(page, store)
    if current is None:
        return page.redirect(f"/pos/stores/{store.id}/sale")
    page.end_reads()
    try:
        order = checkouts.complete_checkout(
            page.session, actor=page.signed_in, checkout_id=current.checkout.id,
            idempotency_key=key or None, settings=page.settings,
            expected_total=int(total) if total.isdigit() else None)
    except DomainError as exc:
        return _sale_page(page, store, status_code=exc.status, problem=exc)
    return _forget(page.redirect(f"/pos/stores/{store.id}/orders/{order.id}/pay?done=sold"),
                   store)


@router.post("/stores/{location_id}/sale/clear")
def clear(page: PosPage, location_id: int) -> Response:
    """Start over: the checkout stays open and unused; nothing was held for it."""
    store = _counter_store(page, location_id)
    return _forget(page.redirect(f"/pos/stores/{store.id}/sale"), store)
