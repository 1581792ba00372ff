"""Taking the money at the counter: cash with the change to give, the card terminal (the
sandbox acquirer: a test card is "tapped", an OTP typed when the issuer asks), a VietQR code
shown on the customer's screen, several of them until the order is paid; then a receipt for
the 80 mm printer.

Every payment goes through ``o2o.payments.service`` with an Idempotency-Key the form carries,
so a double tap or a reload never charges twice. A payment the rules refuse comes back as a
message on the same screen and nothing is written. The customer's screen and the cashier's
page watch a pending VietQR payment through the payments API until the bank's notification
captures it.
"""

from typing import Annotated, Any
from uuid import uuid4

from fastapi import APIRouter, Form, Response
from pydantic import ValidationError

from o2o.errors import DomainError, NotFound
from o2o.orders import codes
from o2o.orders import service as orders_service
from o2o.orders.fulfilment import HANDED_OVER, RELEASING
from o2o.orders.models import Order
from o2o.payments import cash
from o2o.payments import service as payments_service
from o2o.payments.models import Method, PaymentIntent, PaymentStatus
from o2o.payments.schemas import PaymentCreate
from o2o.stores.models import Location
from o2o.web.backoffice.pages import _merchant
from o2o.web.pos.orders import people
from o2o.web.pos.pages import _counter_store
from o2o.web.views import Page, PageRoute, PosPage

router = APIRouter(prefix="/pos", route_class=PageRoute)
Field = Annotated[str, Form()]
P = PaymentStatus

#: The methods of the counter, in the order of their tabs.
COUNTER_METHODS = (Method.CASH, Method.CARD, Method.VIETQR)
#: The terminal's card field starts with this sandbox card (approved); others are offered.
SANDBOX_CARDS = (("4111 1111 1111 1111", "Visa"), ("9704 0000 0000 0018", "NAPAS"),
                 ("4000 0000 0000 3220", "OTP"), ("4000 0000 0000 9995", "✕"))
#: Payments the customer or the bank still has to finish.
WAITING = (P.PENDING, P.CHALLENGE_REQUIRED)


def amount_of(raw: str) -> int | None:
    """Đồng as a cashier types them: "200000", "200.000", "200 000", "200k"; None for
    anything else."""
    text = raw.strip().lower().replace(" ", "").replace(".", "").replace(",", "")
    text = text.rstrip("₫đ")
    thousands = text.endswith("k")
    digits = text.removesuffix("k")
    if not digits.isdigit() or len(digits) > 13:
        return None
    return int(digits) * (1000 if thousands else 1)


def _sandbox_card(page: Page) -> bool:
    return not page.settings.payment_providers.get(Method.CARD.value)


def _pay_page(page: Page, store: Location, order_id: int, *, status_code: int = 200,
              done: str = "", shown: int | None = None, problem: DomainError | None = None,
              invalid: set[str] | None = None, typed: dict[str, str] | None = None
              ) -> Response:
    order = orders_service.get_order(page.session, actor=page.signed_in, order_id=order_id)
    payments = payments_service.payments_of(page.session, actor=page.signed_in,
                                            order_id=order.id)
    waiting = [p for p in payments if p.status in WAITING]
    outstanding = order.total - order.paid
    left = max(outstanding - sum(p.amount for p in waiting), 0)
    typed = typed or {}
    return page.render(
        "pos/pay.html", status_code=status_code, store=store, section="sale", order=order,
        payments=payments, waiting=waiting, outstanding=outstanding, left=left,
        payable=outstanding > 0 and order.status not in RELEASING,
        tenders=cash.suggested_tenders(left) if left else [],
        extras={p.id: payments_service.extras(page.session, p, page.settings)
                for p in waiting if p.method is Method.VIETQR},
        shown=next((p for p in payments if p.id == shown), None), done=done,
        problem=problem, invalid=invalid or set(), typed=typed,
        method=typed.get("method", Method.CASH.value), methods=COUNTER_METHODS,
        amount_value=typed.get("amount") or left,
        terminal_amount=amount_of(typed.get("amount", "")) or left,
        sandbox_cards=SANDBOX_CARDS if _sandbox_card(page) else (), key=uuid4().hex,
        people=people(page.session, [order.customer_id]))


def _pay_url(store: Location, order_id: int, **query: object) -> str:
    tail = "&".join(f"{name}={value}" for name, value in query.items())
    return f"/pos/stores/{store.id}/orders/{order_id}/pay" + (f"?{tail}" if tail else "")


@router.get("/stores/{location_id}/orders/{order_id}/pay")
def pay_page(page: PosPage, location_id: int, order_id: int, done: str = "",
             payment: str = "") -> Response:
    store = _counter_store(page, location_id)
    return _pay_page(page, store, order_id, done=done,
                     shown=int(payment) if payment.isdigit() else None)


def _request(method: str, amount: str, tendered: str, card_number: str) -> dict[str, Any]:
    """The payment the form asks for; raises ValueError naming a field typed wrong."""
    body: dict[str, Any] = {"method": method}
    if amount.strip():
        body["amount"] = amount_of(amount)
        if body["amount"] is None:
            raise ValueError("amount")
    if method == Method.CASH:
        body["tendered"] = amount_of(tendered) if tendered.strip() else body.get("amount")
        if tendered.strip() and body["tendered"] is None:
            raise ValueError("tendered")
    if method == Method.CARD:
        body["card_number"] = card_number
    return body


@router.post("/stores/{location_id}/orders/{order_id}/pay")
def pay(page: PosPage, location_id: int, order_id: int, method: Field = "",
        amount: Field = "", tendered: Field = "", card_number: Field = "",
        key: Field = "") -> Response:
    """One payment of (part of) the order by cash, card or VietQR. Cash and an approved card
    are taken at once; a card the issuer challenges waits for its OTP, a VietQR code for
    the customer's transfer."""
    store = _counter_store(page, location_id)
    typed = {"method": method, "amount": amount, "tendered": tendered,
             "card_number": card_number}
    if method not in {m.value for m in COUNTER_METHODS}:
        return _pay_page(page, store, order_id, status_code=422, invalid={"method"},
                         typed=typed)
    try:
        data = PaymentCreate.model_validate(_request(method, amount, tendered, card_number))
    except ValueError as exc:  # ValidationError is one too
        fields = ({str(e["loc"][0]) for e in exc.errors()} if isinstance(exc, ValidationError)
                  else {str(exc)})
        return _pay_page(page, store, order_id, status_code=422, invalid=fields, typed=typed)
    page.end_reads()
    try:
        intent = payments_service.start_payment(
            page.session, actor=page.signed_in, order_id=order_id, data=data,
            idempotency_key=key or None, settings=page.settings)
    except DomainError as exc:
        return _pay_page(page, store, order_id, status_code=exc.status, problem=exc,
                         typed=typed)
    return page.redirect(_pay_url(store, order_id, done=intent.status.value,
                                  payment=intent.id))


def _intent_at(page: Page, store: Location, payment_id: int) -> PaymentIntent:
    intent = payments_service.load_intent(page.session, page.signed_in, payment_id)
    if not _at_store(intent, store):
        raise NotFound("Payment not found.", payment_id=payment_id)
    return intent


def _at_store(intent: PaymentIntent, store: Location) -> bool:
    return intent.location_id in (None, store.id)


@router.post("/stores/{location_id}/payments/{payment_id}/otp")
def answer_otp(page: PosPage, location_id: int, payment_id: int, otp: Field = "") -> Response:
    """The one-time password the card's issuer sent the customer."""
    store = _counter_store(page, location_id)
    intent = _intent_at(page, store, payment_id)
    order_id = intent.order_id
    typed = otp.strip()
    if not (typed.isdigit() and 4 <= len(typed) <= 8):
        return _pay_page(page, store, order_id, status_code=422, invalid={"otp"},
                         shown=payment_id)
    page.end_reads()
    try:
        answered = payments_service.answer_challenge(
            page.session, actor=page.signed_in, intent_id=payment_id, otp=typed,
            settings=page.settings)
    except DomainError as exc:
        return _pay_page(page, store, order_id, status_code=exc.status, problem=exc,
                         shown=payment_id)
    outcome = "wrong_otp" if answered.status is P.CHALLENGE_REQUIRED else answered.status.value
    return page.redirect(_pay_url(store, order_id, done=outcome, payment=payment_id))


@router.post("/stores/{location_id}/payments/{payment_id}/cancel")
def cancel(page: PosPage, location_id: int, payment_id: int) -> Response:
    """Give up a payment still waiting (a QR nobody scanned, a card whose OTP never came)."""
    store = _counter_store(page, location_id)
    order_id = _intent_at(page, store, payment_id).order_id
    page.end_reads()
    try:
        payments_service.cancel(page.session, actor=page.signed_in, intent_id=payment_id,
                                settings=page.settings)
    except DomainError as exc:
        return _pay_page(page, store, order_id, status_code=exc.status, problem=exc)
    return page.redirect(_pay_url(store, order_id, done="cancelled", payment=payment_id))


@router.get("/stores/{location_id}/payments/{payment_id}/screen")
def customer_screen(page: PosPage, location_id: int, payment_id: int) -> Response:
    """The customer-facing screen of a VietQR payment: the code, the amount and the time
    left, turning to "paid" by itself when the bank's notification captures it."""
    store = _counter_store(page, location_id)
    intent = _intent_at(page, store, payment_id)
    if intent.method is not Method.VIETQR:
        raise NotFound("Payment not found.", payment_id=payment_id)
    return page.render("pos/screen.html", store=store, merchant=_merchant(page),
                       intent=intent,
                       extras=payments_service.extras(page.session, intent, page.settings))


def _receipt_lines(order: Order) -> list[tuple[Any, int]]:
    """Each line with the units the customer took: all of them until the goods are handed
    over, then what was sold (a try-on customer leaves some)."""
    handed = order.status in HANDED_OVER
    return [(line, line.quantity_sold if handed else line.quantity) for line in order.lines
            if (line.quantity_sold if handed else line.quantity)]


@router.get("/stores/{location_id}/orders/{order_id}/receipt")
def receipt(page: PosPage, location_id: int, order_id: int) -> Response:
    """The receipt for the counter's 80 mm thermal printer (the page prints itself so)."""
    store = _counter_store(page, location_id)
    order = orders_service.get_order(page.session, actor=page.signed_in, order_id=order_id)
    payments = payments_service.payments_of(page.session, actor=page.signed_in,
                                            order_id=order.id)
    return page.render(
        "pos/receipt.html", store=store, merchant=_merchant(page), order=order,
        lines=_receipt_lines(order), payments=[p for p in payments if p.captured],
        refunds=payments_service.refunds_of(page.session, actor=page.signed_in,
                                            order_id=order.id),
        people=people(page.session, [order.customer_id, order.placed_by]),
        qr=codes.qr_svg(f"O2O-{order.id}", scale=4), return_days=page.settings.return_days)
