"""Payments wired end to end: a VietQR code paid by the bank's notification, a card, cash."""

import json

import pytest
from fastapi.testclient import TestClient

from o2o.orm import utcnow
from o2o.payments import service as payments_service
from o2o.payments import signing, vietqr
from tests.orders import Shop, make_shop
from tests.world import World

SECRET = "o2o-sandbox-webhook-secret"


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    made = make_shop(world, client)
    with world.db.session() as session:
        payments_service.set_account(
            session, actor=world.actor(world.owner(made.merchant)), bank_bin="970436",
            account_number="0011001234567", account_name="HOA SEN FASHION")
    return made


def notify(shop: Shop, body: dict[str, object], secret: str = SECRET) -> object:
    raw = json.dumps(body)
    header = signing.sign_webhook(raw, secret=secret, at=utcnow())
    return shop.client.post("/api/v1/payments/webhooks/vietqr", content=raw,
                            headers={"O2O-Signature": header,
                                     "Content-Type": "application/json"})


def test_a_vietqr_payment_is_paid_when_the_bank_notifies_it(shop: Shop) -> None:
    order = shop.order()
    response = shop.client.post(f"/api/v1/orders/{order['id']}/payments",
                                json={"method": "vietqr"}, headers=shop.as_(shop.customer))
    assert response.status_code == 201, response.text
    intent = response.json()
    assert intent["status"] == "pending" and intent["amount"] == 398_000
    parsed = vietqr.parse_payload(intent["qr_payload"])
    assert (parsed.amount, parsed.reference, parsed.bank_bin) == (398_000, intent["reference"],
                                                                 "970436")
    png = shop.client.get(intent["qr_image_url"], headers=shop.as_(shop.customer))
    assert png.headers["content-type"] == "image/png"
    answer = notify(shop, {"event_id": "bank-1", "amount": 398_000,
                           "reference": f"{intent['reference']} Don hang"})
    assert answer.status_code == 200 and answer.json() == {"received": True, "duplicate": False}
    paid = shop.client.get(f"/api/v1/payments/{intent['id']}", headers=shop.as_(shop.customer))
    assert paid.json()["status"] == "captured"
    after = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(shop.customer))
    assert after.json()["paid"] == after.json()["total"]
    again = notify(shop, {"event_id": "bank-1", "amount": 398_000,
                          "reference": intent["reference"]})
    assert again.json() == {"received": True, "duplicate": True}


def test_a_wrong_amount_is_flagged_and_not_paid(shop: Shop) -> None:
    order = shop.order()
    intent = shop.client.post(f"/api/v1/orders/{order['id']}/payments",
                              json={"method": "vietqr"}, headers=shop.as_(shop.customer)).json()
    notify(shop, {"event_id": "bank-2", "amount": 300_000, "reference": intent["reference"]})
    body = shop.client.get(f"/api/v1/payments/{intent['id']}",
                           headers=shop.as_(shop.customer)).json()
    assert body["status"] == "pending" and "does not match" in body["review"]
    order_now = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(shop.customer))
    assert order_now.json()["paid"] == 0


def test_a_bad_signature_is_refused(shop: Shop) -> None:
    response = notify(shop, {"event_id": "x", "amount": 1, "reference": "O2O"}, secret="nope")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signature_mismatch"


def test_a_card_is_authorized_and_captured_and_refunded_up_to_what_was_taken(shop: Shop) -> None:
    order = shop.order()
    made = shop.client.post(f"/api/v1/orders/{order['id']}/payments",
                            json={"method": "card", "card_number": "4111 1111 1111 1111"},
                            headers=shop.as_(shop.customer) | {"Idempotency-Key": "pay-1"})
    assert made.status_code == 201, made.text
    card = made.json()
    assert (card["status"], card["captured"], card["card_last4"]) == ("captured", 398_000, "1111")
    refund = shop.client.post(f"/api/v1/payments/{card['id']}/refunds",
                              json={"amount": 500_000}, headers=shop.as_(shop.cashier))
    assert refund.status_code == 422
    assert refund.json()["error"]["code"] == "refund_exceeds_captured"
    ok = shop.client.post(f"/api/v1/payments/{card['id']}/refunds", json={"amount": 98_000},
                          headers=shop.as_(shop.cashier))
    assert ok.status_code == 201, ok.text


def test_cash_at_the_counter_gives_change(shop: Shop) -> None:
    order = shop.order(shop.cashier, fulfilment={"type": "in_store", "store_id": shop.store.id})
    paid = shop.client.post(f"/api/v1/orders/{order['id']}/payments",
                            json={"method": "cash", "tendered": 500_000},
                            headers=shop.as_(shop.cashier))
    assert paid.status_code == 201, paid.text
    assert (paid.json()["status"], paid.json()["change"]) == ("captured", 102_000)
