"""Delivery: shipped from the nearest location(s) that hold the cart, sold when it leaves."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.orders import service as orders_service
from o2o.orm import utcnow
from tests.orders import Shop, make_shop, orders_count, refused, sales
from tests.world import World

#: A flat in Hoàn Kiếm (next to the store and the warehouse) and one in District 1, Saigon
#: (next to the Quận 1 store, 1,100 km from the others).
HANOI = {"lat": 21.0285, "lon": 105.8542, "address": "12 Hàng Gai, Hoàn Kiếm, Hà Nội"}
SAIGON = {"lat": 10.7756, "lon": 106.7019, "address": "5 Lê Lợi, Quận 1, TP. Hồ Chí Minh"}


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def to(place: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"type": "delivery", "recipient_name": "Nguyễn Thị Lan",
            "recipient_phone": "+84900000001", **place, **fields}


def deliver(shop: Shop, shirts: int, place: dict[str, Any] | None = None) -> dict[str, Any]:
    return shop.order(lines=[{"variant_id": shop.shirt, "quantity": shirts}],
                      fulfilment=to(place or HANOI))


def sources(order: dict[str, Any]) -> list[tuple[int, int]]:
    """(location, units) of each order line."""
    return [(line["location_id"], line["quantity"]) for line in order["lines"]]


def levels(shop: Shop) -> list[tuple[int, int]]:
    return [shop.level(location, shop.shirt)
            for location in (shop.store, shop.other, shop.warehouse)]


@pytest.mark.parametrize("missing", ["recipient_name", "recipient_phone", "address", "lat",
                                     "lon"])
def test_a_delivery_needs_a_recipient_an_address_and_its_position(
    shop: Shop, missing: str
) -> None:
    fulfilment = to(HANOI)
    del fulfilment[missing]
    response = shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}], "fulfilment": fulfilment})
    assert refused(response, 422, "fulfilment_invalid")["field"] == missing
    assert orders_count(shop) == 0


def test_the_nearest_store_ships_what_it_holds(shop: Shop) -> None:
    order = deliver(shop, 2, SAIGON)
    assert sources(order) == [(shop.other.id, 2)]
    assert order["fulfilment"]["store_id"] is None
    assert levels(shop) == [(5, 0), (3, 2), (20, 0)]


def test_a_cart_the_nearest_store_cannot_fill_comes_whole_from_the_warehouse(
    shop: Shop
) -> None:
    order = deliver(shop, 8, SAIGON)  # Quận 1 holds 3: one shipment beats two
    assert sources(order) == [(shop.warehouse.id, 8)]
    assert levels(shop) == [(5, 0), (3, 0), (20, 8)]


def test_a_cart_no_location_holds_alone_is_split_between_the_nearest(shop: Shop) -> None:
    order = deliver(shop, 24)  # the warehouse holds 20, the Hoàn Kiếm store 5
    assert sorted(sources(order)) == sorted([(shop.store.id, 5), (shop.warehouse.id, 19)])
    assert order["total"] == 24 * 199_000
    assert levels(shop) == [(5, 5), (3, 0), (20, 19)]


def test_more_than_every_location_holds_is_409_and_writes_nothing(shop: Shop) -> None:
    made = shop.checkout(lines=[{"variant_id": shop.shirt, "quantity": 29}],
                         fulfilment=to(HANOI))
    response = shop.client.post(f"/api/v1/checkouts/{made['id']}/complete",
                                headers=shop.as_(shop.customer))
    short = refused(response, 409, "cannot_fill")["lines"]
    assert [(s["variant_id"], s["requested"], s["available"]) for s in short] == [
        (shop.shirt, 29, 28)]
    assert orders_count(shop) == 0 and levels(shop) == [(5, 0), (3, 0), (20, 0)]


def test_delivery_costs_its_fee_below_the_free_delivery_threshold(shop: Shop) -> None:
    settings = shop.world.settings
    small = shop.checkout(lines=[{"variant_id": shop.shirt, "quantity": 1}],
                          fulfilment=to(HANOI))
    assert (small["subtotal"], small["delivery_fee"], small["total"]) == (
        199_000, settings.delivery_fee, 199_000 + settings.delivery_fee)
    order = deliver(shop, 1)
    assert (order["delivery_fee"], order["total"]) == (30_000, 229_000)
    free = deliver(shop, 3)
    assert free["subtotal"] >= settings.free_delivery_from
    assert (free["delivery_fee"], free["total"]) == (0, 597_000)


def test_the_order_is_packed_shipped_and_delivered(shop: Shop) -> None:
    owner = shop.world.owner(shop.merchant)
    order = deliver(shop, 2, SAIGON)
    for status in ("accepted", "packed"):
        response = shop.move(order["id"], status, owner)
        assert response.status_code == 200, response.text
    assert levels(shop)[1] == (3, 2) and sales(shop, shop.other, shop.shirt) == []
    shipped = shop.move(order["id"], "shipped", owner).json()
    assert shipped["status"] == "shipped" and shipped["handed_over_at"] is None
    assert levels(shop)[1] == (1, 0)
    assert sales(shop, shop.other, shop.shirt) == [(-2, f"order:{order['id']}")]
    assert shipped["next"] == ["delivered"]
    delivered = shop.move(order["id"], "delivered", owner).json()
    assert delivered["status"] == "delivered" and delivered["handed_over_at"] is not None
    assert [e["status"] for e in delivered["timeline"]] == [
        "placed", "accepted", "packed", "shipped", "delivered"]
    assert {e["user_id"] for e in delivered["timeline"][1:]} == {owner.id}
    assert shop.reconciles()


def test_staff_of_the_shipping_store_see_and_move_it_others_do_not(shop: Shop) -> None:
    order = deliver(shop, 2, SAIGON)
    refused(shop.move(order["id"], "accepted", shop.cashier), 404, "not_found")
    assert shop.move(order["id"], "accepted", shop.other_cashier).status_code == 200


@pytest.mark.parametrize("status", ["placed", "accepted", "packed"])
def test_cancelling_before_it_ships_gives_the_stock_back(shop: Shop, status: str) -> None:
    owner = shop.world.owner(shop.merchant)
    order = deliver(shop, 2, SAIGON)
    for step in ("accepted", "packed")[:("placed", "accepted", "packed").index(status)]:
        shop.move(order["id"], step, owner)
    cancelled = shop.move(order["id"], "cancelled", owner)
    assert cancelled.status_code == 200, cancelled.text
    assert levels(shop)[1] == (3, 0) and sales(shop, shop.other, shop.shirt) == []


def test_the_customer_cancels_until_it_is_packed(shop: Shop) -> None:
    order = deliver(shop, 2, SAIGON)
    shop.move(order["id"], "accepted", shop.other_cashier)
    assert shop.move(order["id"], "cancelled", shop.customer).status_code == 200
    packed = deliver(shop, 1, SAIGON)
    shop.move(packed["id"], "accepted", shop.other_cashier)
    shop.move(packed["id"], "packed", shop.other_cashier)
    refused(shop.move(packed["id"], "cancelled", shop.customer), 409, "transition_not_allowed")
    assert levels(shop)[1] == (3, 1)


def test_a_shipped_order_cannot_be_cancelled(shop: Shop) -> None:
    owner = shop.world.owner(shop.merchant)
    order = deliver(shop, 2, SAIGON)
    for status in ("accepted", "packed", "shipped"):
        shop.move(order["id"], status, owner)
    details = refused(shop.move(order["id"], "cancelled", owner), 409, "transition_not_allowed")
    assert details["allowed"] == ["delivered"]
    assert levels(shop)[1] == (1, 0)
    assert sales(shop, shop.other, shop.shirt) == [(-2, f"order:{order['id']}")]


def test_a_delivery_not_shipped_in_time_expires_and_its_stock_comes_back(shop: Shop) -> None:
    order = deliver(shop, 2, SAIGON)
    shop.move(order["id"], "accepted", shop.other_cashier)
    deadline = datetime.fromisoformat(order["deadline"])
    days = shop.world.settings.ship_within_days
    assert utcnow() + timedelta(days=days) - timedelta(minutes=1) < deadline
    with shop.world.db.session() as session:
        assert orders_service.expire_due(session, now=deadline - timedelta(minutes=1)) == 0
        assert orders_service.expire_due(session, now=deadline + timedelta(seconds=1)) == 1
    body = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(shop.customer))
    assert body.json()["status"] == "expired"
    assert levels(shop)[1] == (3, 0)
    assert shop.reconciles()


def test_a_shipped_order_does_not_expire(shop: Shop) -> None:
    owner = shop.world.owner(shop.merchant)
    order = deliver(shop, 2, SAIGON)
    for status in ("accepted", "packed", "shipped"):
        shop.move(order["id"], status, owner)
    with shop.world.db.session() as session:
        assert orders_service.expire_due(session, now=utcnow() + timedelta(days=30)) == 0
