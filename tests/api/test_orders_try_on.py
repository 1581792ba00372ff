"""Reserve and try: items held at the store, the customer buys all, some or none there."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.orders import checkout as checkout_module
from o2o.orders import service as orders_service
from o2o.orm import utcnow
from tests.orders import Shop, make_shop, orders_count, refused, sales
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def try_on(shop: Shop, **fulfilment: Any) -> dict[str, Any]:
    """Two shirts and a pair of jeans held at the Hoàn Kiếm store to try on."""
    return shop.order(lines=[{"variant_id": shop.shirt, "quantity": 2},
                             {"variant_id": shop.jeans, "quantity": 1}],
                      fulfilment={"type": "reserve_and_try", "store_id": shop.store.id,
                                  **fulfilment})


def outcome(shop: Shop, order: dict[str, Any], bought: dict[int, int],
            user: Any = None) -> Any:
    """Record at the counter what was bought: ``{variant_id: units}``."""
    lines = {line["variant_id"]: line["id"] for line in order["lines"]}
    return shop.client.post(
        f"/api/v1/orders/{order['id']}/try-outcome", headers=shop.as_(user or shop.cashier),
        json={"bought": [{"line_id": lines[v], "quantity": q} for v, q in bought.items()]})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_items_are_held_for_a_day_unless_the_customer_asks_otherwise(shop: Shop) -> None:
    before = utcnow()
    order = try_on(shop)
    assert order["status"] == "placed" and order["total"] == 848_000
    hours = shop.world.settings.try_hold_hours
    assert before + timedelta(hours=hours) <= at(order["deadline"]) <= utcnow() + timedelta(
        hours=hours)
    assert shop.level(shop.store, shop.shirt) == (5, 2)
    assert shop.level(shop.store, shop.jeans) == (5, 1)
    assert order["next"] == ["cancelled"]


def test_the_customer_may_ask_for_up_to_the_longest_hold(shop: Shop) -> None:
    longest = utcnow() + timedelta(hours=shop.world.settings.try_hold_max_hours - 1)
    order = try_on(shop, hold_until=longest.isoformat())
    assert at(order["deadline"]) == longest


@pytest.mark.parametrize("hours", [-1, 73])
def test_a_hold_in_the_past_or_beyond_the_longest_is_refused(shop: Shop, hours: int) -> None:
    response = shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "reserve_and_try", "store_id": shop.store.id,
                       "hold_until": (utcnow() + timedelta(hours=hours)).isoformat()}})
    assert refused(response, 422, "fulfilment_invalid")["field"] == "hold_until"
    assert orders_count(shop) == 0 and shop.level(shop.store, shop.shirt) == (5, 0)


def test_a_store_without_try_on_is_refused(shop: Shop) -> None:
    response = shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "reserve_and_try", "store_id": shop.other.id}})
    assert refused(response, 422, "service_not_offered")["service"] == "try_on"
    assert orders_count(shop) == 0 and shop.level(shop.other, shop.shirt) == (3, 0)


def test_the_store_marks_the_items_ready_in_the_fitting_room(shop: Shop) -> None:
    order = try_on(shop)
    ready = shop.move(order["id"], "ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready" and ready.json()["next"] == ["cancelled"]
    assert shop.level(shop.store, shop.shirt) == (5, 2)


def test_the_customer_buys_everything_and_pays_for_everything(shop: Shop) -> None:
    order = try_on(shop)
    shop.move(order["id"], "ready")
    response = outcome(shop, order, {shop.shirt: 2, shop.jeans: 1})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "completed" and body["total"] == 848_000
    assert body["handed_over_at"] is not None and body["pickup_code"] is None
    assert shop.level(shop.store, shop.shirt) == (3, 0)
    assert shop.level(shop.store, shop.jeans) == (4, 0)
    assert sales(shop, shop.store, shop.shirt) == [(-2, f"order:{order['id']}")]
    assert shop.reconciles()


def test_the_customer_buys_one_shirt_and_the_rest_goes_back_on_the_shelf(shop: Shop) -> None:
    order = try_on(shop)
    shop.move(order["id"], "ready")
    body = outcome(shop, order, {shop.shirt: 1, shop.jeans: 0}).json()
    assert body["status"] == "completed"
    assert [(line["quantity"], line["quantity_sold"], line["total"])
            for line in body["lines"]] == [(2, 1, 199_000), (1, 0, 0)]
    assert (body["subtotal"], body["total"]) == (199_000, 199_000)
    assert shop.level(shop.store, shop.shirt) == (4, 0)
    assert shop.level(shop.store, shop.jeans) == (5, 0)
    assert sales(shop, shop.store, shop.jeans) == []
    assert [e["status"] for e in body["timeline"]] == ["placed", "ready", "completed"]
    assert body["timeline"][-1]["user_id"] == shop.cashier.id
    assert shop.reconciles()


def test_the_customer_buys_nothing_and_everything_comes_back(shop: Shop) -> None:
    order = try_on(shop)
    shop.move(order["id"], "ready")
    body = outcome(shop, order, {}).json()
    assert body["status"] == "declined" and body["total"] == 0
    assert body["handed_over_at"] is None
    assert shop.level(shop.store, shop.shirt) == (5, 0)
    assert shop.level(shop.store, shop.jeans) == (5, 0)
    assert sales(shop, shop.store, shop.shirt) == []
    assert shop.reconciles()


def test_the_customer_may_try_before_the_store_marked_it_ready(shop: Shop) -> None:
    order = try_on(shop)
    body = outcome(shop, order, {shop.jeans: 1}).json()
    assert body["status"] == "completed" and body["total"] == 450_000


def test_an_outcome_is_recorded_once(shop: Shop) -> None:
    order = try_on(shop)
    outcome(shop, order, {shop.shirt: 1})
    again = outcome(shop, order, {shop.shirt: 2, shop.jeans: 1})
    refused(again, 409, "transition_not_allowed")
    assert shop.level(shop.store, shop.shirt) == (4, 0)
    assert shop.level(shop.store, shop.jeans) == (5, 0)


def test_more_units_than_were_held_is_refused_and_changes_nothing(shop: Shop) -> None:
    order = try_on(shop)
    refused(outcome(shop, order, {shop.shirt: 3}), 422, "invalid_input")
    body = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(shop.cashier))
    assert body.json()["status"] == "placed"
    assert shop.level(shop.store, shop.shirt) == (5, 2)


def test_only_staff_of_the_store_record_what_was_bought(shop: Shop) -> None:
    order = try_on(shop)
    refused(outcome(shop, order, {shop.shirt: 2}, shop.customer), 403, "forbidden")
    refused(outcome(shop, order, {shop.shirt: 2}, shop.other_cashier), 404, "not_found")
    assert shop.level(shop.store, shop.shirt) == (5, 2)
    assert sales(shop, shop.store, shop.shirt) == []


def test_a_try_on_nobody_came_for_expires_and_its_stock_comes_back(shop: Shop) -> None:
    order = try_on(shop)
    shop.move(order["id"], "ready")
    with shop.world.db.session() as session:
        assert orders_service.expire_due(session) == 0
        assert orders_service.expire_due(
            session, now=at(order["deadline"]) + timedelta(seconds=1)) == 1
    body = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(shop.customer))
    assert body.json()["status"] == "expired" and body.json()["pickup_code"] is None
    assert shop.level(shop.store, shop.shirt) == (5, 0)
    assert shop.level(shop.store, shop.jeans) == (5, 0)
    refused(outcome(shop, order, {shop.shirt: 1}), 409, "transition_not_allowed")
    assert shop.reconciles()


@pytest.mark.parametrize("ready_first", [False, True])
def test_the_customer_may_cancel_while_the_items_are_held(shop: Shop, ready_first: bool) -> None:
    order = try_on(shop)
    if ready_first:
        shop.move(order["id"], "ready")
    response = shop.move(order["id"], "cancelled", shop.customer)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert shop.level(shop.store, shop.shirt) == (5, 0)
    assert shop.level(shop.store, shop.jeans) == (5, 0)
    assert orders_count(shop) == 1


def test_a_hold_that_ran_out_while_the_cart_waited_is_refused_at_completion(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_days_ago = utcnow() - timedelta(days=3)
    monkeypatch.setattr(checkout_module, "utcnow", lambda: three_days_ago)
    made = shop.checkout(lines=[{"variant_id": shop.shirt, "quantity": 1}],
                         fulfilment={"type": "reserve_and_try", "store_id": shop.store.id})
    monkeypatch.undo()
    response = shop.client.post(f"/api/v1/checkouts/{made['id']}/complete",
                                headers=shop.as_(shop.customer))
    assert refused(response, 422, "fulfilment_invalid")["field"] == "hold_until"
    assert orders_count(shop) == 0 and shop.level(shop.store, shop.shirt) == (5, 0)


def test_a_discount_follows_the_units_bought(shop: Shop) -> None:
    promotion = shop.client.post("/api/v1/promotions", headers=shop.as_(
        shop.world.owner(shop.merchant)), json={
        "name": "Giảm 10% áo thun", "kind": "items_percent", "percent": 10,
        "target": {"variant_ids": [shop.shirt]}})
    assert promotion.status_code == 201, promotion.text
    order = try_on(shop)
    assert (order["discount"], order["total"]) == (39_800, 808_200)
    some = outcome(shop, order, {shop.shirt: 1}).json()
    assert [(line["discount"], line["total"]) for line in some["lines"]] == [
        (19_900, 179_100), (0, 0)]
    assert (some["subtotal"], some["discount"], some["total"]) == (199_000, 19_900, 179_100)
    none = outcome(shop, try_on(shop), {})
    assert none.status_code == 200, none.text
    assert (none.json()["discount"], none.json()["total"]) == (0, 0)
