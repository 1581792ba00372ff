"""Payments are seen and moved only by whom their order belongs to: another shopper or
another merchant's staff find nothing there (404), not even that it exists."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.auth.models import User
from tests.orders import Shop, refused
from tests.payments import CHALLENGED, TOTAL, VISA, pay, paying_shop, payment, started
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def attempts(shop: Shop, user: User, order: dict[str, Any],
             intents: dict[str, dict[str, Any]]) -> list[Any]:
    """Every way to look at or move the order's payments, as ``user``."""
    headers = shop.as_(user)
    get, post = shop.client.get, shop.client.post
    return [
        get(f"/api/v1/orders/{order['id']}/payments", headers=headers),
        get(f"/api/v1/orders/{order['id']}/refunds", headers=headers),
        post(f"/api/v1/orders/{order['id']}/payments", json={"method": "vietqr"},
             headers=headers),
        *(get(f"/api/v1/payments/{intent['id']}", headers=headers)
          for intent in intents.values()),
        get(f"/api/v1/payments/{intents['qr']['id']}/qr.png", headers=headers),
        post(f"/api/v1/payments/{intents['challenged']['id']}/challenge",
             json={"otp": "123456"}, headers=headers),
        post(f"/api/v1/payments/{intents['held']['id']}/capture", headers=headers),
        post(f"/api/v1/payments/{intents['held']['id']}/cancel", headers=headers),
        post(f"/api/v1/payments/{intents['card']['id']}/refunds", json={"amount": 1_000},
             headers=headers),
    ]


def payments_of_lan(shop: Shop) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    order = shop.order(lines=[{"variant_id": shop.shirt, "quantity": 4}])
    part = TOTAL // 2
    intents = {
        "qr": started(pay(shop, order, method="vietqr", amount=part)),
        "challenged": started(pay(shop, order, method="card", card_number=CHALLENGED,
                                  amount=part)),
        "held": started(pay(shop, order, method="card", card_number=VISA, capture=False,
                            amount=part)),
        "card": started(pay(shop, order, method="card", card_number=VISA, amount=part)),
    }
    return order, intents


def test_another_shopper_finds_none_of_the_payments(shop: Shop) -> None:
    order, intents = payments_of_lan(shop)
    stranger = shop.world.customer("+84900000002", "Trần Văn Nam")

    for answer in attempts(shop, stranger, order, intents):
        refused(answer, 404, "not_found")

    assert payment(shop, intents["challenged"])["status"] == "challenge_required"
    assert payment(shop, intents["held"])["status"] == "authorized"
    assert payment(shop, intents["card"])["refunded"] == 0


def test_staff_of_another_merchant_find_none_of_the_payments(shop: Shop) -> None:
    order, intents = payments_of_lan(shop)
    other = shop.world.merchant("saoviet", trade="electronics")
    store = shop.world.location(other, "sv1")

    for user in (shop.world.owner(other), shop.world.staff(other, "cashier", [store])):
        for answer in attempts(shop, user, order, intents):
            refused(answer, 404, "not_found")

    assert payment(shop, intents["held"])["status"] == "authorized"
    assert payment(shop, intents["card"])["refunded"] == 0


def test_the_shopper_sees_their_own_payments(shop: Shop) -> None:
    order, intents = payments_of_lan(shop)

    listed = shop.client.get(f"/api/v1/orders/{order['id']}/payments",
                             headers=shop.as_(shop.customer))

    assert [p["id"] for p in listed.json()] == [i["id"] for i in intents.values()]
