"""Refunds go back to the method the money came by, never add up to more than was captured,
and follow a return at any store by themselves (through the outbox)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.orders import Shop, refused
from tests.payments import (
    TOTAL,
    VISA,
    counter_order,
    counts,
    deliver,
    ledger,
    order_now,
    pay,
    paying_shop,
    payment,
    settlement,
    started,
    today,
)
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def refund(shop: Shop, intent: dict[str, Any], amount: int, *, key: str | None = None,
           user: Any = None) -> Any:
    headers = shop.as_(user or shop.cashier) | ({"Idempotency-Key": key} if key else {})
    return shop.client.post(f"/api/v1/payments/{intent['id']}/refunds",
                            json={"amount": amount, "reason": "Khách đổi ý"}, headers=headers)


def refunds_of(shop: Shop, order: dict[str, Any]) -> list[tuple[str, int, int | None]]:
    response = shop.client.get(f"/api/v1/orders/{order['id']}/refunds",
                               headers=shop.as_(shop.cashier))
    assert response.status_code == 200, response.text
    return [(r["method"], r["amount"], r["return_id"]) for r in response.json()]


def carded(shop: Shop) -> tuple[dict[str, Any], dict[str, Any]]:
    order = shop.order()
    return order, started(pay(shop, order, method="card", card_number=VISA))


def test_a_refund_larger_than_captured_is_refused_and_writes_nothing(shop: Shop) -> None:
    _, intent = carded(shop)
    before = counts(shop)

    details = refused(refund(shop, intent, TOTAL + 1), 422, "refund_exceeds_captured")

    assert details == {"refundable": TOTAL, "requested": TOTAL + 1}
    assert counts(shop) == before
    assert payment(shop, intent)["refunded"] == 0


def test_a_hold_not_yet_captured_cannot_be_refunded(shop: Shop) -> None:
    held = started(pay(shop, shop.order(), method="card", card_number=VISA, capture=False))

    refused(refund(shop, held, 1_000), 422, "refund_exceeds_captured")


def test_partial_refunds_add_up_to_the_whole_capture_and_no_further(shop: Shop) -> None:
    order, intent = carded(shop)

    for part in (98_000, 200_000, 100_000):
        assert refund(shop, intent, part).status_code == 201
    refused(refund(shop, intent, 1), 422, "refund_exceeds_captured")

    assert (payment(shop, intent)["refunded"], payment(shop, intent)["captured"]) == (
        TOTAL, TOTAL)
    assert refunds_of(shop, order) == [("card", 98_000, None), ("card", 200_000, None),
                                       ("card", 100_000, None)]
    assert [(kind, amount) for kind, amount, _ in ledger(shop, intent["id"])][-3:] == [
        ("refunded", 98_000), ("refunded", 200_000), ("refunded", 100_000)]


def test_a_full_refund_in_one_go(shop: Shop) -> None:
    _, intent = carded(shop)

    assert refund(shop, intent, TOTAL).status_code == 201

    assert payment(shop, intent, shop.cashier)["refunded"] == TOTAL


def test_a_retried_refund_with_its_key_gives_the_money_back_once(shop: Shop) -> None:
    _, intent = carded(shop)

    first, again = (refund(shop, intent, 50_000, key="ref-1") for _ in range(2))

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert payment(shop, intent)["refunded"] == 50_000


def test_shoppers_do_not_refund_themselves(shop: Shop) -> None:
    _, intent = carded(shop)

    refused(refund(shop, intent, 50_000, user=shop.customer), 403, "forbidden")
    assert payment(shop, intent)["refunded"] == 0


def collected(shop: Shop, order: dict[str, Any]) -> None:
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 200, handed.text


def give_back(shop: Shop, order: dict[str, Any], quantity: int) -> dict[str, Any]:
    """The shopper brings ``quantity`` shirts back at the Quận 1 store."""
    response = shop.client.post(
        f"/api/v1/orders/{order['id']}/returns", headers=shop.as_(shop.other_cashier),
        json={"store_id": shop.other.id, "reason": "Không vừa size",
              "lines": [{"line_id": order["lines"][0]["id"], "quantity": quantity}]})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_return_at_another_store_refunds_the_card_through_the_outbox(shop: Shop) -> None:
    order, intent = carded(shop)
    collected(shop, order)

    made = give_back(shop, order, 1)
    assert refunds_of(shop, order) == []  # not yet: the outbox delivers it
    deliver(shop)

    assert refunds_of(shop, order) == [("card", 199_000, made["id"])]
    assert payment(shop, intent)["refunded"] == 199_000
    assert ledger(shop, intent["id"])[-1] == ("refunded", 199_000, "return")
    deliver(shop)  # the event was delivered once: another round refunds nothing more
    assert payment(shop, intent)["refunded"] == 199_000


def test_a_counter_sale_paid_in_cash_is_refunded_in_cash(shop: Shop) -> None:
    order = counter_order(shop)
    intent = started(pay(shop, order, shop.cashier, method="cash", tendered=400_000))

    made = give_back(shop, order, 2)
    deliver(shop)

    assert refunds_of(shop, order) == [("cash", TOTAL, made["id"])]
    assert payment(shop, intent, shop.cashier)["refunded"] == TOTAL


def test_a_split_sale_is_refunded_to_the_newest_payment_first(shop: Shop) -> None:
    order = counter_order(shop)
    cash = started(pay(shop, order, shop.cashier, method="cash", amount=100_000,
                       tendered=100_000))
    card = started(pay(shop, order, shop.cashier, method="card", card_number=VISA))
    assert order_now(shop, order)["paid"] == TOTAL

    give_back(shop, order, 2)
    deliver(shop)

    assert sorted(r[:2] for r in refunds_of(shop, order)) == [("card", 298_000),
                                                              ("cash", 100_000)]
    assert payment(shop, card, shop.cashier)["refunded"] == 298_000
    assert payment(shop, cash, shop.cashier)["refunded"] == 100_000


def test_a_card_refund_shows_in_the_ledger_and_the_settlement(shop: Shop) -> None:
    _, intent = carded(shop)
    refund(shop, intent, 99_000)

    report = settlement(shop, today()).json()

    assert [(line["method"], line["payments"], line["captured"], line["refunded"], line["net"])
            for line in report["lines"]] == [("card", 1, TOTAL, 99_000, TOTAL - 99_000)]
    assert (report["captured"], report["refunded"], report["net"]) == (
        TOTAL, 99_000, TOTAL - 99_000)
    assert report["mismatches"] == []
