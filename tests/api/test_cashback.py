"""The network's cashback: earned at any participating store on paid orders that reached the
customer, pending until they can no longer come back, then spendable at any participating
merchant; a settlement says who owes whom, and it adds up to zero."""

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.loyalty import cashback as cashback_service
from o2o.stores.models import Location, Merchant
from tests.loyalty import (
    collect,
    deliver,
    give_back,
    later,
    pay_by_card,
    reconciles,
    run_due,
    today,
    wallet,
)
from tests.orders import Shop, make_shop, refused
from tests.world import World


@dataclass
class Network:
    shop: Shop  # Hoa Sen, where the customer earns
    cafe: Merchant  # Phố Cổ, where they spend
    counter: Location
    coffee: int
    barista: dict[str, str]

    @property
    def operator(self) -> dict[str, str]:
        return self.shop.world.headers(self.shop.world.operator)


@pytest.fixture
def net(world: World, client: TestClient) -> Network:
    """5 % cashback, 60 % funded by the merchant where it is earned, at two merchants."""
    shop = make_shop(world, client)
    cafe = world.merchant("phoco", name="Phố Cổ", trade="cafe")
    counter = world.location(cafe, "q1", services=["pickup"])
    coffee = world.product(cafe, "Cà phê sữa đá", variants=[
        {"sku": "cf-1", "price": 45_000}]).variants[0].id
    world.stock(cafe, counter, coffee, 50)
    network = Network(shop, cafe, counter, coffee,
                      world.headers(world.staff(cafe, "cashier", [counter])))
    made = client.put("/api/v1/cashback/programme", headers=network.operator, json={
        "rate_bp": 500, "funding": "split", "merchant_share_bp": 6_000})
    assert made.status_code == 200, made.text
    for merchant in (shop.merchant, cafe):
        joined = client.post("/api/v1/cashback/participants", headers=network.operator,
                             json={"merchant_id": merchant.id})
        assert joined.status_code == 200, joined.text
    return network


def cashback(net: Network) -> dict[str, Any]:
    return wallet(net.shop)["cashback"]  # type: ignore[no-any-return]


def paid_pickup(net: Network) -> dict[str, Any]:
    """Two shirts (398.000 đ) bought online, paid by card, collected: 19.900 đ pending."""
    order = net.shop.order()
    pay_by_card(net.shop, order)
    collect(net.shop, order)
    return order


def coffees(net: Network, quantity: int = 2, **extra: Any) -> Any:
    """The customer buys coffee online at Phố Cổ, for pickup at its counter."""
    client = net.shop.client
    made = client.post("/api/v1/checkouts", headers=net.shop.as_(net.shop.customer), json={
        "lines": [{"variant_id": net.coffee, "quantity": quantity}],
        "fulfilment": {"type": "pickup", "store_id": net.counter.id}, **extra})
    if made.status_code != 201:
        return made
    return client.post(f"/api/v1/checkouts/{made.json()['id']}/complete",
                       headers=net.shop.as_(net.shop.customer))


def test_cashback_is_pending_until_the_return_window_closes_then_credited(net: Network) -> None:
    paid_pickup(net)
    assert (cashback(net)["pending"], cashback(net)["available"]) == (19_900, 0)

    run_due(net.shop, days=29)
    assert (cashback(net)["pending"], cashback(net)["available"]) == (19_900, 0)
    run_due(net.shop, days=31)

    balance = cashback(net)
    assert (balance["pending"], balance["available"]) == (0, 19_900)
    assert [e["kind"] for e in balance["history"]] == ["credit", "earn"]
    run_due(net.shop, days=32)  # credited once
    assert cashback(net)["available"] == 19_900
    assert reconciles(net.shop)


def test_an_order_earns_no_cashback_until_it_is_paid(net: Network) -> None:
    order = net.shop.order()
    collect(net.shop, order)
    assert cashback(net)["pending"] == 0

    paid = net.shop.client.post(f"/api/v1/orders/{order['id']}/payments",
                                headers=net.shop.as_(net.shop.cashier),
                                json={"method": "cash", "tendered": 400_000})
    assert paid.status_code == 201, paid.text
    deliver(net.shop)

    assert cashback(net)["pending"] == 19_900
    assert reconciles(net.shop)


def test_a_return_in_time_cancels_the_pending_part(net: Network) -> None:
    order = paid_pickup(net)
    give_back(net.shop, order)
    assert cashback(net)["pending"] == 9_950

    give_back(net.shop, order)
    assert cashback(net)["pending"] == 0
    run_due(net.shop, days=31)

    assert (cashback(net)["pending"], cashback(net)["available"]) == (0, 0)
    assert reconciles(net.shop)


def test_a_return_whose_news_is_late_still_cancels_its_share_when_the_window_closes(
        net: Network) -> None:
    """The return is recorded, but the credit runs before its event reaches cashback."""
    order = paid_pickup(net)
    taken = net.shop.client.post(
        f"/api/v1/orders/{order['id']}/returns", headers=net.shop.as_(net.shop.cashier),
        json={"store_id": net.shop.store.id,
              "lines": [{"line_id": order["lines"][0]["id"], "quantity": 1}]})
    assert taken.status_code == 201, taken.text

    with net.shop.world.db.session() as session:
        cashback_service.credit_due(session, now=later(31))
    assert (cashback(net)["pending"], cashback(net)["available"]) == (0, 9_950)
    deliver(net.shop)  # the return's event arrives after the credit: nothing more moves

    balance = cashback(net)
    assert (balance["pending"], balance["available"]) == (0, 9_950)
    assert [(e["kind"], e["pending_delta"], e["available_delta"])
            for e in balance["history"]] == [
        ("credit", -9_950, 9_950), ("cancel", -9_950, 0), ("earn", 19_900, 0)]
    assert reconciles(net.shop)


def test_cashback_earned_at_one_merchant_is_spent_at_another(net: Network) -> None:
    paid_pickup(net)
    run_due(net.shop, days=31)
    found = net.shop.client.get(f"/api/v1/loyalty/customers/{net.shop.customer.id}",
                                headers=net.shop.as_(net.shop.cashier))
    assert found.json()["cashback_available"] == 19_900

    order = coffees(net, cashback=15_000)

    assert order.status_code == 201, order.text
    assert order.json()["total"] == 90_000 - 15_000
    balance = cashback(net)
    assert balance["available"] == 4_900
    assert (balance["history"][0]["kind"], balance["history"][0]["merchant_id"]) == (
        "spend", net.cafe.id)
    assert reconciles(net.shop)


def test_spending_more_cashback_than_available_is_refused_and_nothing_is_taken(
    net: Network
) -> None:
    paid_pickup(net)
    refused(coffees(net, cashback=1_000), 409, "insufficient_cashback")  # still pending
    run_due(net.shop, days=31)
    refused(coffees(net, cashback=19_901), 409, "insufficient_cashback")

    left = net.shop.client.delete(f"/api/v1/cashback/participants/{net.cafe.id}",
                                  headers=net.operator)
    assert [m["merchant_id"] for m in left.json()] == [net.shop.merchant.id]
    refused(coffees(net, cashback=1_000), 422, "cashback_not_offered")
    assert cashback(net)["available"] == 19_900
    assert reconciles(net.shop)


def test_the_settlement_says_who_owes_whom_and_adds_up_to_zero(net: Network) -> None:
    paid_pickup(net)
    run_due(net.shop, days=31)
    assert coffees(net, cashback=10_000).status_code == 201

    answer = net.shop.client.get("/api/v1/cashback/settlement", headers=net.operator,
                                 params={"start": today().isoformat(),
                                         "end": today().isoformat()})

    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["credited"], report["spent"]) == (19_900, 10_000)
    parties = {(p["party"], p["merchant_id"]): (p["funded"], p["spent"], p["net"])
               for p in report["parties"]}
    assert parties == {
        ("merchant", net.shop.merchant.id): (11_940, 0, -11_940),
        ("merchant", net.cafe.id): (0, 10_000, 10_000),
        ("operator", None): (7_960, 0, -7_960),
        ("pool", None): (0, 0, 9_900),
    }
    assert sum(p["net"] for p in report["parties"]) == 0


def test_only_the_operator_runs_the_programme_and_reads_the_settlement(net: Network) -> None:
    owner = net.shop.as_(net.shop.world.owner(net.shop.merchant))
    refused(net.shop.client.put("/api/v1/cashback/programme", headers=owner, json={
        "rate_bp": 10_000, "funding": "operator"}), 403, "forbidden")
    refused(net.shop.client.post("/api/v1/cashback/participants", headers=owner,
                                 json={"merchant_id": net.cafe.id}), 403, "forbidden")
    refused(net.shop.client.get("/api/v1/cashback/settlement", headers=owner,
                                params={"start": "2026-11-01", "end": "2026-11-30"}),
            403, "forbidden")
    refused(net.shop.client.put("/api/v1/cashback/programme", headers=net.operator, json={
        "rate_bp": 500, "funding": "split"}), 422, "validation_error")
    refused(net.shop.client.put("/api/v1/cashback/programme", headers=net.operator, json={
        "rate_bp": 10_001, "funding": "merchant"}), 422, "validation_error")
    refused(net.shop.client.get("/api/v1/cashback/settlement", headers=net.operator,
                                params={"start": "2026-11-30", "end": "2026-11-01"}),
            422, "settlement_period_invalid")
    refused(net.shop.client.post("/api/v1/cashback/participants", headers=net.operator,
                                 json={"merchant_id": 999_999}), 404, "not_found")

    programme = net.shop.client.get("/api/v1/cashback/programme").json()
    assert (programme["rate_bp"], programme["funding"], programme["merchant_share_bp"]) == (
        500, "split", 6_000)
    assert {m["slug"] for m in programme["participants"]} == {"hoasen", "phoco"}
