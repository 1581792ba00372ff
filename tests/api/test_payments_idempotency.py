"""``Idempotency-Key`` on payments: a retried request returns the first answer and charges
nothing again; the key cannot be reused for another request."""

import pytest
from fastapi.testclient import TestClient

from tests.orders import Shop, refused
from tests.payments import TOTAL, VISA, counts, kinds, order_now, pay, paying_shop, started
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def test_a_retry_with_the_same_key_replays_the_payment_without_a_second_charge(
    shop: Shop
) -> None:
    order = shop.order()
    first = started(pay(shop, order, key="pay-1", method="card", card_number=VISA))
    after_first = counts(shop)

    again = started(pay(shop, order, key="pay-1", method="card", card_number=VISA))

    assert again == first
    assert counts(shop) == after_first
    assert kinds(shop, first["id"]).count("captured") == 1
    assert order_now(shop, order)["paid"] == TOTAL


def test_a_retried_qr_payment_shows_the_same_code(shop: Shop) -> None:
    order = shop.order()

    first, again = (started(pay(shop, order, key="qr-1", method="vietqr")) for _ in range(2))

    assert (again["id"], again["qr_payload"]) == (first["id"], first["qr_payload"])


def test_the_same_key_for_another_request_is_refused(shop: Shop) -> None:
    order = shop.order()
    started(pay(shop, order, key="pay-1", method="card", card_number=VISA, amount=100_000,
                capture=False))
    before = counts(shop)

    refused(pay(shop, order, key="pay-1", method="card", card_number=VISA, amount=200_000,
                capture=False), 422, "idempotency_key_reused")
    refused(pay(shop, order, key="pay-1", method="vietqr"), 422, "idempotency_key_reused")

    assert counts(shop) == before


def test_a_refused_payment_leaves_its_key_free_for_the_retry(shop: Shop) -> None:
    order = shop.order()
    refused(pay(shop, order, key="pay-2", method="card", card_number="4111111111111112"), 422,
            "card_number_invalid")

    assert started(pay(shop, order, key="pay-2", method="card",
                       card_number=VISA))["status"] == "captured"


def test_keys_are_per_user(shop: Shop) -> None:
    mine = started(pay(shop, shop.order(), key="k", method="card", card_number=VISA,
                       amount=1_000))
    other = shop.world.customer("+84900000002", "Trần Văn Nam")
    theirs = started(pay(shop, shop.order(other), other, key="k", method="card",
                         card_number=VISA, amount=1_000))

    assert theirs["id"] != mine["id"]
