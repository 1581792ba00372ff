"""Paying an order from its page: VietQR, card (with the issuer's one-time password), e-wallet,
0 % instalments, or at the counter.

Each form carries the Idempotency-Key made for the page view that showed it, so a double
click or a resent form starts one payment and lands on the same answer; every answer is a
new page view with a new key, so a declined card can be retried with another.

Why the page polls instead of following the order's stream: the live stream
(``/api/v1/orders/{id}/events``) carries the order's timeline, its status moves, and a
payment captured by the bank's notification moves no status. So while a transfer or a
wallet payment is pending, the payment part asks ``GET /shop/orders/{id}/payment?waiting=``
every 2 s (htmx); the answer is an empty 204 while nothing changed, and the new part once
the payment was captured, failed or expired, which carries no poll and so ends it.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Response
from pydantic import ValidationError

from o2o.errors import DomainError, InvalidInput
from o2o.orders import service as orders_service
from o2o.payments import service as payments_service
from o2o.payments.models import Method, PaymentStatus
from o2o.payments.schemas import ChallengeAnswer, PaymentCreate
from o2o.web.shop import orders, paying
from o2o.web.views import PageRoute, ShopperPage

router = APIRouter(route_class=PageRoute)

Field = Annotated[str, Form()]
P = PaymentStatus


def _back(order_id: int, query: str = "") -> str:
    return f"/shop/orders/{order_id}{query}#payment"


@router.post("/orders/{order_id}/pay")
def start(page: ShopperPage, order_id: int, method: Field = "", card_number: Field = "",
          months: Field = "", key: Field = "") -> Response:
    """Start paying by ``method``: a wallet sends the shopper to it, the rest come back to
    the order page (a code to scan, a password to type, or paid); a refusal is shown under
    the form it came from."""
    try:
        data = PaymentCreate.model_validate({
            "method": method, "card_number": card_number.strip() or None,
            "months": int(months) if months.isdigit() else None})
    except ValidationError as exc:
        field = next((str(err["loc"][0]) for err in exc.errors() if err["loc"]), "method")
        return orders.render_order(page, order_id, pay=method, status_code=422,
                                   refused=InvalidInput("Check the payment.", field=field))
    try:
        intent = payments_service.start_payment(
            page.session, actor=page.signed_in, order_id=order_id, data=data,
            idempotency_key=key or None, settings=page.settings)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        page.session.rollback()
        return orders.render_order(page, order_id, pay=method, refused=exc,
                                   status_code=exc.status)
    if intent.method is Method.WALLET and intent.status is P.PENDING:
        found = payments_service.extras(page.session, intent, page.settings)
        return page.redirect(found["redirect_url"])
    return page.redirect(_back(order_id))


@router.post("/payments/{payment_id}/otp")
def answer(page: ShopperPage, payment_id: int, otp: Field = "") -> Response:
    """The card's one-time password: right, the money is taken; wrong, it may be typed
    again while the issuer allows."""
    intent = payments_service.load_intent(page.session, page.signed_in, payment_id)
    order_id = intent.order_id
    try:
        ChallengeAnswer(otp=otp.strip())
    except ValidationError:
        return page.redirect(_back(order_id, "?otp=wrong"))
    page.end_reads()
    try:
        intent = payments_service.answer_challenge(
            page.session, actor=page.signed_in, intent_id=payment_id, otp=otp.strip(),
            settings=page.settings)
    except DomainError as exc:
        if exc.status != 409 and exc.code != "challenge_unknown":
            raise
        page.session.rollback()  # answered meanwhile (another tab): the page shows how
        return page.redirect(_back(order_id))
    wrong = intent.status is P.CHALLENGE_REQUIRED
    return page.redirect(_back(order_id, "?otp=wrong" if wrong else ""))


@router.post("/payments/{payment_id}/cancel")
def cancel(page: ShopperPage, payment_id: int) -> Response:
    """Drop the payment under way to choose another way (a code not scanned yet)."""
    intent = payments_service.load_intent(page.session, page.signed_in, payment_id)
    order_id = intent.order_id
    page.end_reads()
    try:
        payments_service.cancel(page.session, actor=page.signed_in, intent_id=payment_id,
                                settings=page.settings)
    except DomainError as exc:
        if exc.status != 409:
            raise
        page.session.rollback()  # paid or expired meanwhile: the page says which
    return page.redirect(_back(order_id))


@router.get("/orders/{order_id}/payment")
def payment_part(page: ShopperPage, order_id: int, pay: str = "",
                 waiting: str = "") -> Response:
    """The payment part of the order page (a fragment); ``waiting`` names the pending payment
    the page shows: 204 while it still waits."""
    order = orders_service.get_order(page.session, actor=page.signed_in, order_id=order_id)
    payment = paying.panel(page, order, chosen=pay)
    if (waiting and payment is not None and payment.waiting and payment.current is not None
            and str(payment.current.id) == waiting):
        return Response(status_code=204)
    return page.render("shop/_payment.html", order=order, payment=payment)
