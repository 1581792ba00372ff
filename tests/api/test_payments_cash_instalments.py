"""At the counter: cash with change, split payments until the order is paid, orders that are
not payable; and 0 % instalment plans, offered above their minimum, at the merchant's cost."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.payments import instalments
from tests.orders import Shop, refused
from tests.payments import (
    TOTAL,
    VISA,
    counter_order,
    counts,
    order_now,
    pay,
    paying_shop,
    settlement,
    started,
    today,
)
from tests.world import World

LAPTOP_PRICE = 15_990_000


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def test_cash_gives_the_change_of_what_was_handed_over(shop: Shop) -> None:
    order = counter_order(shop)

    paid = started(pay(shop, order, shop.cashier, method="cash", tendered=500_000))

    assert (paid["status"], paid["captured"], paid["tendered"], paid["change"]) == (
        "captured", TOTAL, 500_000, 102_000)
    assert order_now(shop, order)["paid"] == TOTAL


def test_exact_cash_gives_no_change(shop: Shop) -> None:
    paid = started(pay(shop, counter_order(shop), shop.cashier, method="cash", tendered=TOTAL))

    assert paid["change"] == 0


def test_too_little_cash_is_refused_and_nothing_is_written(shop: Shop) -> None:
    order = counter_order(shop)
    before = counts(shop)

    details = refused(pay(shop, order, shop.cashier, method="cash", tendered=300_000), 422,
                      "tender_too_small")

    assert details["short"] == 98_000
    assert counts(shop) == before
    assert order_now(shop, order)["paid"] == 0
    refused(pay(shop, order, shop.cashier, method="cash"), 422, "payment_details_missing")


def test_shoppers_cannot_pay_cash_online(shop: Shop) -> None:
    order = shop.order()
    before = counts(shop)

    refused(pay(shop, order, method="cash", tendered=500_000), 422, "method_unavailable")
    assert counts(shop) == before


def test_a_cashier_of_another_store_takes_no_payment_for_this_one(shop: Shop) -> None:
    order = counter_order(shop)

    answer = pay(shop, order, shop.other_cashier, method="cash", tendered=500_000)

    assert answer.status_code in (403, 404), answer.text
    assert order_now(shop, order)["paid"] == 0


def test_split_payments_at_the_counter_until_the_order_is_paid(shop: Shop) -> None:
    order = counter_order(shop)

    cash = started(pay(shop, order, shop.cashier, method="cash", amount=100_000,
                       tendered=200_000))
    assert (cash["captured"], cash["change"]) == (100_000, 100_000)
    assert order_now(shop, order)["paid"] == 100_000
    card = started(pay(shop, order, shop.cashier, method="card", card_number=VISA))

    assert (card["amount"], card["captured"]) == (TOTAL - 100_000, TOTAL - 100_000)
    assert order_now(shop, order)["paid"] == TOTAL
    refused(pay(shop, order, shop.cashier, method="cash", tendered=1_000), 409,
            "order_not_payable")
    listed = shop.client.get(f"/api/v1/orders/{order['id']}/payments",
                             headers=shop.as_(shop.cashier)).json()
    assert [(p["method"], p["captured"]) for p in listed] == [
        ("cash", 100_000), ("card", TOTAL - 100_000)]


def test_paying_more_than_the_order_owes_is_refused(shop: Shop) -> None:
    order = counter_order(shop)
    started(pay(shop, order, shop.cashier, method="cash", amount=300_000, tendered=300_000))
    before = counts(shop)

    details = refused(pay(shop, order, shop.cashier, method="card", card_number=VISA,
                          amount=98_001), 422, "amount_exceeds_outstanding")

    assert details["outstanding"] == 98_000
    assert counts(shop) == before


def test_a_paid_order_refuses_further_payments(shop: Shop) -> None:
    order = shop.order()
    started(pay(shop, order, method="card", card_number=VISA))

    refused(pay(shop, order, method="wallet"), 409, "order_not_payable")
    refused(pay(shop, order, method="vietqr"), 409, "order_not_payable")


def test_a_cancelled_order_is_not_payable(shop: Shop) -> None:
    order = shop.order()
    assert shop.move(order["id"], "cancelled", shop.customer).status_code == 200
    before = counts(shop)

    details = refused(pay(shop, order, method="card", card_number=VISA), 409,
                      "order_not_payable")

    assert details["status"] == "cancelled"
    assert counts(shop) == before


# --- 0 % instalments ------------------------------------------------------------------------

def laptop_order(shop: Shop) -> dict[str, Any]:
    laptop = shop.world.product(shop.merchant, "Laptop Aero 14", variants=[
        {"sku": "aero-14", "price": LAPTOP_PRICE, "options": {"ram": "16GB"}}]).variants[0].id
    shop.world.stock(shop.merchant, shop.store, laptop, 2)
    return shop.order(lines=[{"variant_id": laptop, "quantity": 1}])


def test_a_plan_below_the_minimum_is_not_offered(shop: Shop) -> None:
    order = shop.order()
    before = counts(shop)

    details = refused(pay(shop, order, method="instalment", card_number=VISA, months=6), 422,
                      "instalment_plan_unavailable")

    assert details["minimum"] == shop.world.settings.instalment_minimum
    assert counts(shop) == before


@pytest.mark.parametrize("months", [3, 6, 9, 12])
def test_a_plan_shows_its_schedule_and_charges_the_merchant_its_fee(
    shop: Shop, months: int
) -> None:
    order = laptop_order(shop)

    plan = started(pay(shop, order, method="instalment", card_number=VISA, months=months))

    assert (plan["status"], plan["captured"], plan["instalment_months"]) == (
        "captured", LAPTOP_PRICE, months)
    schedule = plan["schedule"]
    assert [i["number"] for i in schedule] == list(range(1, months + 1))
    assert sum(i["amount"] for i in schedule) == LAPTOP_PRICE
    assert len({i["due"] for i in schedule}) == months
    fee = instalments.merchant_fee(LAPTOP_PRICE, instalments.DEFAULT_FEES_BP[months])
    assert plan["merchant_fee"] == fee > 0
    assert order_now(shop, order)["paid"] == LAPTOP_PRICE  # the shopper is charged no fee
    line = settlement(shop, today()).json()["lines"][0]
    assert (line["method"], line["captured"], line["fees"], line["net"]) == (
        "instalment", LAPTOP_PRICE, fee, LAPTOP_PRICE - fee)


def test_an_instalment_plan_needs_its_length_and_a_card(shop: Shop) -> None:
    order = laptop_order(shop)

    assert refused(pay(shop, order, method="instalment", card_number=VISA), 422,
                   "payment_details_missing")["field"] == "months"
    assert refused(pay(shop, order, method="instalment", months=6), 422,
                   "payment_details_missing")["field"] == "card_number"
    refused(pay(shop, order, method="instalment", card_number=VISA, months=5), 422,
            "validation_error")
