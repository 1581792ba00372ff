"""At the counter: a cashier's sale, services booked for later, and the endless aisle."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.auth.models import User
from o2o.orm import utcnow
from tests.orders import Shop, make_shop, orders_count, refused, sales
from tests.world import World

HOME = {"recipient_name": "Nguyễn Thị Lan", "recipient_phone": "+84900000001",
        "address": "12 Hàng Gai, Hoàn Kiếm, Hà Nội", "lat": 21.0285, "lon": 105.8542}


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def sell(shop: Shop, *, lines: list[dict[str, Any]] | None = None,
         fulfilment: dict[str, Any] | None = None, cashier: User | None = None,
         **extra: Any) -> dict[str, Any]:
    """A sale at the Hoàn Kiếm counter (two shirts unless told)."""
    return shop.order(cashier or shop.cashier, lines=lines,
                      fulfilment=fulfilment or {"type": "in_store", "store_id": shop.store.id},
                      **extra)


def post_checkout(shop: Shop, user: User, body: dict[str, Any]) -> Any:
    return shop.client.post("/api/v1/checkouts", headers=shop.as_(user), json=body)


def tomorrow() -> str:
    return (utcnow() + timedelta(days=1)).replace(microsecond=0).isoformat()


def test_a_counter_sale_is_completed_and_sold_at_once(shop: Shop) -> None:
    order = sell(shop)
    assert order["status"] == "completed" and order["channel"] == "pos"
    assert order["handed_over_at"] is not None and order["pickup_code"] is None
    assert order["customer_id"] is None and order["next"] == []
    assert [(e["status"], e["user_id"]) for e in order["timeline"]] == [
        ("completed", shop.cashier.id)]
    assert [line["quantity_sold"] for line in order["lines"]] == [2]
    assert shop.level(shop.store, shop.shirt) == (3, 0)
    assert sales(shop, shop.store, shop.shirt) == [(-2, f"order:{order['id']}")]
    assert shop.reconciles()


def test_the_counter_sells_the_units_kept_back_from_the_online_shop(shop: Shop) -> None:
    owner = shop.world.owner(shop.merchant)
    kept = shop.client.put(
        f"/api/v1/locations/{shop.store.id}/stock/{shop.shirt}/online-buffer",
        headers=shop.as_(owner), json={"online_buffer": 5})
    assert kept.status_code == 200, kept.text
    online = shop.checkout(lines=[{"variant_id": shop.shirt, "quantity": 1}])
    response = shop.client.post(f"/api/v1/checkouts/{online['id']}/complete",
                                headers=shop.as_(shop.customer))
    refused(response, 409, "insufficient_stock")
    order = sell(shop, lines=[{"variant_id": shop.shirt, "quantity": 5}])
    assert order["status"] == "completed"
    assert shop.level(shop.store, shop.shirt) == (0, 0)


def test_a_known_customer_found_by_phone_sees_the_sale_in_their_history(shop: Shop) -> None:
    order = sell(shop, customer_phone=shop.customer.phone)
    assert order["customer_id"] == shop.customer.id
    history = shop.client.get("/api/v1/orders", headers=shop.as_(shop.customer)).json()
    assert [item["id"] for item in history["items"]] == [order["id"]]


def test_a_new_customer_is_registered_by_phone_and_later_finds_the_sale(shop: Shop) -> None:
    order = sell(shop, customer_phone="+84912345678", customer_name="Lê Văn Hùng")
    assert order["customer_id"] not in (None, shop.customer.id)
    hung = shop.world.customer("+84912345678", "Lê Văn Hùng")  # claims the account
    assert hung.id == order["customer_id"]
    history = shop.client.get("/api/v1/orders", headers=shop.as_(hung)).json()
    assert [item["id"] for item in history["items"]] == [order["id"]]


def test_assembly_is_booked_at_a_store_offering_it(shop: Shop) -> None:
    when = tomorrow()
    order = sell(shop, fulfilment={"type": "in_store", "store_id": shop.store.id, "services": [
        {"service": "assembly", "scheduled_at": when}]})
    assert [(s["service"], s["location_id"], s["address"]) for s in order["services"]] == [
        ("assembly", shop.store.id, None)]
    assert order["services"][0]["scheduled_at"][:19] == when[:19]


def test_a_service_the_store_does_not_offer_is_refused(shop: Shop) -> None:
    response = post_checkout(shop, shop.cashier, {
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "in_store", "store_id": shop.store.id, "services": [
            {"service": "installation", "scheduled_at": tomorrow(),
             "address": HOME["address"]}]}})
    assert refused(response, 422, "service_not_offered")["service"] == "installation"
    assert orders_count(shop) == 0 and shop.level(shop.store, shop.shirt) == (5, 0)


def test_a_service_in_the_past_is_refused(shop: Shop) -> None:
    response = post_checkout(shop, shop.cashier, {
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "in_store", "store_id": shop.store.id, "services": [
            {"service": "assembly",
             "scheduled_at": (utcnow() - timedelta(hours=1)).isoformat()}]}})
    assert refused(response, 422, "fulfilment_invalid")["field"] == "services"
    assert orders_count(shop) == 0


def test_installation_is_booked_at_the_customers_address(shop: Shop, world: World) -> None:
    electronics = world.location(shop.merchant, "dd", services=["installation"])
    fridge = world.product(shop.merchant, "Tủ lạnh Inverter", variants=[
        {"sku": "tl-300", "price": 9_990_000}]).variants[0].id
    world.stock(shop.merchant, electronics, fridge, 2)
    cashier = world.staff(shop.merchant, "cashier", [electronics])
    order = sell(shop, cashier=cashier, lines=[{"variant_id": fridge, "quantity": 1}],
                 customer_phone=shop.customer.phone, fulfilment={
                     "type": "in_store", "store_id": electronics.id, "services": [
                         {"service": "installation", "scheduled_at": tomorrow(),
                          "address": HOME["address"]}]})
    assert order["total"] == 9_990_000
    assert [(s["service"], s["location_id"], s["address"]) for s in order["services"]] == [
        ("installation", electronics.id, HOME["address"])]
    assert shop.level(electronics, fridge) == (1, 0)


def test_a_customer_cannot_make_a_counter_sale(shop: Shop) -> None:
    response = post_checkout(shop, shop.customer, {
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "in_store", "store_id": shop.store.id}})
    refused(response, 403, "forbidden")
    assert orders_count(shop) == 0 and shop.level(shop.store, shop.shirt) == (5, 0)


def test_a_cashier_sells_only_at_the_store_they_work_at(shop: Shop) -> None:
    response = post_checkout(shop, shop.cashier, {
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "in_store", "store_id": shop.other.id}})
    refused(response, 403, "forbidden")
    assert orders_count(shop) == 0 and shop.level(shop.other, shop.shirt) == (3, 0)


# --- endless aisle: what this store lacks, from another location's stock ------------------

@pytest.fixture
def no_jeans_here(shop: Shop) -> Shop:
    shop.world.stock(shop.merchant, shop.store, shop.jeans, 0)
    return shop


def test_the_counter_sells_jeans_from_another_store_delivered_home(no_jeans_here: Shop) -> None:
    shop = no_jeans_here
    order = sell(shop, lines=[{"variant_id": shop.jeans, "quantity": 1,
                               "source_location_id": shop.other.id}],
                 fulfilment={"type": "delivery", "store_id": shop.store.id, **HOME},
                 customer_phone=shop.customer.phone)
    assert order["status"] == "placed"
    assert [(line["location_id"], line["quantity"]) for line in order["lines"]] == [
        (shop.other.id, 1)]
    assert (order["delivery_fee"], order["total"]) == (30_000, 480_000)
    assert shop.level(shop.other, shop.jeans) == (3, 1)  # held at the source
    assert shop.level(shop.store, shop.jeans) == (0, 0)
    for user in (shop.cashier, shop.other_cashier, shop.customer):
        seen = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(user))
        assert seen.status_code == 200, seen.text


def test_the_counter_sells_from_the_warehouse_for_pickup_here_later(no_jeans_here: Shop) -> None:
    shop = no_jeans_here
    order = sell(shop, lines=[{"variant_id": shop.jeans, "quantity": 2,
                               "source_location_id": shop.warehouse.id}],
                 fulfilment={"type": "pickup", "store_id": shop.store.id},
                 customer_phone=shop.customer.phone)
    assert order["status"] == "placed" and len(order["pickup_code"]) == 6
    assert [line["location_id"] for line in order["lines"]] == [shop.warehouse.id]
    assert shop.level(shop.warehouse, shop.jeans) == (20, 2)
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 200, handed.text
    assert shop.level(shop.warehouse, shop.jeans) == (18, 0)
    assert sales(shop, shop.warehouse, shop.jeans) == [(-2, f"order:{order['id']}")]
    assert shop.reconciles()


def test_a_retried_endless_aisle_sale_returns_the_same_order(no_jeans_here: Shop) -> None:
    shop = no_jeans_here
    made = shop.checkout(shop.cashier, lines=[{"variant_id": shop.jeans, "quantity": 1,
                                               "source_location_id": shop.other.id}],
                         fulfilment={"type": "delivery", "store_id": shop.store.id, **HOME})
    headers = shop.as_(shop.cashier) | {"Idempotency-Key": "pos-sale-1"}
    first = shop.client.post(f"/api/v1/checkouts/{made['id']}/complete", headers=headers)
    again = shop.client.post(f"/api/v1/checkouts/{made['id']}/complete", headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert first.json()["id"] == again.json()["id"]
    assert orders_count(shop) == 1 and shop.level(shop.other, shop.jeans) == (3, 1)


def test_a_counter_sale_names_its_store(no_jeans_here: Shop) -> None:
    shop = no_jeans_here
    response = post_checkout(shop, shop.cashier, {
        "lines": [{"variant_id": shop.jeans, "quantity": 1,
                   "source_location_id": shop.other.id}],
        "fulfilment": {"type": "delivery", **HOME}})
    assert refused(response, 422, "fulfilment_invalid")["field"] == "store_id"
    assert orders_count(shop) == 0 and shop.level(shop.other, shop.jeans) == (3, 0)


def test_a_source_of_another_merchant_is_not_found(no_jeans_here: Shop, world: World) -> None:
    shop = no_jeans_here
    rival = world.merchant("saoviet", trade="electronics")
    elsewhere = world.location(rival, "sv1")
    response = post_checkout(shop, shop.cashier, {
        "lines": [{"variant_id": shop.jeans, "quantity": 1, "source_location_id": elsewhere.id}],
        "fulfilment": {"type": "pickup", "store_id": shop.store.id}})
    refused(response, 404, "not_found")
    assert orders_count(shop) == 0


def test_a_shopper_cannot_choose_where_the_stock_comes_from(no_jeans_here: Shop) -> None:
    shop = no_jeans_here
    response = post_checkout(shop, shop.customer, {
        "lines": [{"variant_id": shop.jeans, "quantity": 1,
                   "source_location_id": shop.warehouse.id}],
        "fulfilment": {"type": "pickup", "store_id": shop.store.id}})
    assert refused(response, 422, "fulfilment_invalid")["field"] == "lines.source_location_id"
    assert orders_count(shop) == 0 and shop.level(shop.warehouse, shop.jeans) == (20, 0)
