"""Helpers of the payment tests: a shop that takes bank transfers, signed notifications from
the sandbox bank and wallet, and what the ledger and the database hold afterwards."""

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from o2o.auth.models import User
from o2o.config import Settings
from o2o.orm import utcnow
from o2o.outbox import service as outbox_service
from o2o.outbox.models import OutboxEvent
from o2o.payments import service as payments_service
from o2o.payments import signing
from o2o.payments.models import PaymentEvent, PaymentIntent, Refund
from tests.orders import Shop, make_shop
from tests.world import World

SECRET = Settings().payment_webhook_secret
BANK = {"bank_bin": "970436", "account_number": "0011001234567",
        "account_name": "HOA SEN FASHION"}
VISA, DECLINED, CHALLENGED = "4111 1111 1111 1111", "4000000000009995", "4000000000003220"
#: Two shirts, the order every test buys unless it says otherwise.
TOTAL = 398_000


def paying_shop(world: World, client: Any, *, account: bool = True) -> Shop:
    """Hoa Sen (``tests.orders``), with the bank account its VietQR codes pay into."""
    shop = make_shop(world, client)
    if account:
        with world.db.session() as session:
            payments_service.set_account(
                session, actor=world.actor(world.owner(shop.merchant)), **BANK)
    return shop


def counter_order(shop: Shop, lines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A sale rung up by the Hoàn Kiếm cashier, paid at the counter."""
    return shop.order(shop.cashier, lines=lines,
                      fulfilment={"type": "in_store", "store_id": shop.store.id})


def pay(shop: Shop, order: dict[str, Any], user: User | None = None, *, key: str | None = None,
        **body: Any) -> Any:
    """POST a payment of ``order`` (by the customer unless ``user``)."""
    headers = shop.as_(user or shop.customer) | ({"Idempotency-Key": key} if key else {})
    return shop.client.post(f"/api/v1/orders/{order['id']}/payments", json=body,
                            headers=headers)


def started(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def payment(shop: Shop, intent: dict[str, Any], user: User | None = None) -> dict[str, Any]:
    response = shop.client.get(f"/api/v1/payments/{intent['id']}",
                               headers=shop.as_(user or shop.customer))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def order_now(shop: Shop, order: dict[str, Any]) -> dict[str, Any]:
    response = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(shop.cashier))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def notify(client: Any, provider: str, body: dict[str, Any] | str, *, secret: str = SECRET,
           at: datetime | None = None, signature: str | None = "sign") -> Any:
    """A provider's webhook, signed as the provider signs it (``signature=None``: unsigned)."""
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["O2O-Signature"] = signing.sign_webhook(raw, secret=secret, at=at or utcnow())
    elif signature is not None:
        headers["O2O-Signature"] = signature
    return client.post(f"/api/v1/payments/webhooks/{provider}", content=raw, headers=headers)


def bank_credit(shop: Shop, intent: dict[str, Any], event_id: str, *,
                amount: int | None = None, content: str | None = None) -> Any:
    """The sandbox bank's notice that a transfer carrying the intent's reference arrived."""
    return notify(shop.client, "vietqr", {
        "event_id": event_id, "amount": intent["amount"] if amount is None else amount,
        "reference": content or f"{intent['reference']} Don hang {intent['order_id']}"})


def ledger(shop: Shop, intent_id: int) -> list[tuple[str, int, str | None]]:
    """The intent's ledger lines, oldest first: (kind, amount, reason)."""
    with shop.world.db.session() as session:
        return [(e.kind, e.amount, e.reason) for e in session.scalars(
            select(PaymentEvent).where(PaymentEvent.intent_id == intent_id)
            .order_by(PaymentEvent.id))]


def kinds(shop: Shop, intent_id: int) -> list[str]:
    return [kind for kind, _, _ in ledger(shop, intent_id)]


def counts(shop: Shop) -> tuple[int, int, int, int]:
    """Rows a refused request must not have written: intents, ledger lines, refunds, outbox."""
    with shop.world.db.session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (PaymentIntent, PaymentEvent, Refund, OutboxEvent))


def deliver(shop: Shop) -> int:
    """Deliver the outbox's pending events, as the background loop does."""
    with shop.world.db.session() as session:
        return outbox_service.deliver_pending(session)


def settlement(shop: Shop, day: Any, user: User | None = None) -> Any:
    return shop.client.get(f"/api/v1/payments/settlement/{day}",
                           headers=shop.as_(user or shop.world.owner(shop.merchant)))


def today() -> date:
    """The merchant's local day now (Asia/Ho_Chi_Minh), the one its settlement covers."""
    return utcnow().astimezone(ZoneInfo(Settings().timezone)).date()
