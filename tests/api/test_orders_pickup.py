"""Buy online, pick up in store: checkout, the store's steps, the code at the counter."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.orders import service as orders_service
from o2o.orders.models import Order
from o2o.orm import utcnow
from tests.orders import Shop, make_shop
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def orders_count(shop: Shop) -> int:
    with shop.world.db.session() as session:
        return session.scalar(select(func.count()).select_from(Order)) or 0


def test_checkout_is_priced_by_the_server_from_the_catalogue(shop: Shop) -> None:
    made = shop.checkout(lines=[{"variant_id": shop.shirt, "quantity": 2},
                                {"variant_id": shop.jeans, "quantity": 1}])
    assert [(line["name"], line["unit_price"], line["total"]) for line in made["lines"]] == [
        ("Áo thun cotton", 199_000, 398_000), ("Quần jeans · 32", 450_000, 450_000)]
    assert (made["subtotal"], made["delivery_fee"], made["total"]) == (848_000, 0, 848_000)
    assert made["status"] == "open" and made["order_id"] is None
    assert shop.level(shop.store, shop.shirt) == (5, 0)  # a checkout holds nothing


def test_a_client_cannot_send_a_price(shop: Shop) -> None:
    response = shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1, "unit_price": 1}],
        "fulfilment": {"type": "pickup", "store_id": shop.store.id}})
    assert response.status_code == 422


def test_completing_holds_the_stock_and_gives_a_pickup_code(shop: Shop) -> None:
    order = shop.order()
    assert order["status"] == "placed" and order["total"] == 398_000
    assert len(order["pickup_code"]) == 6 and order["pickup_code"].isdigit()
    assert order["fulfilment"] == {**order["fulfilment"], "type": "pickup",
                                   "store_id": shop.store.id}
    assert [e["status"] for e in order["timeline"]] == ["placed"]
    assert order["next"] == ["cancelled"]  # what the customer may do
    assert shop.level(shop.store, shop.shirt) == (5, 2)


def test_the_store_accepts_prepares_and_hands_over_with_the_code(shop: Shop) -> None:
    order = shop.order()
    assert shop.move(order["id"], "accepted").json()["next"] == ["cancelled", "ready"]
    ready = shop.move(order["id"], "ready").json()
    assert ready["status"] == "ready"
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 200, handed.text
    body = handed.json()
    assert body["status"] == "collected" and body["pickup_code"] is None
    assert [e["status"] for e in body["timeline"]] == ["placed", "accepted", "ready", "collected"]
    assert {e["user_id"] for e in body["timeline"][1:]} == {shop.cashier.id}
    assert shop.level(shop.store, shop.shirt) == (3, 0)
    assert shop.reconciles()


def test_a_wrong_code_or_an_order_not_ready_hands_nothing_over(shop: Shop) -> None:
    order = shop.order()
    wrong = "000000" if order["pickup_code"] != "000000" else "111111"
    response = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                                json={"store_id": shop.store.id, "code": wrong})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "pickup_code_not_found"
    early = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                             json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert early.status_code == 409 and early.json()["error"]["code"] == "transition_not_allowed"
    assert shop.level(shop.store, shop.shirt) == (5, 2)


def test_steps_out_of_order_are_refused(shop: Shop) -> None:
    order = shop.order()
    response = shop.move(order["id"], "ready")
    assert response.status_code == 409
    assert response.json()["error"]["details"]["allowed"] == ["accepted", "cancelled"]
    assert shop.move(order["id"], "collected").json()["error"]["code"] == "transition_not_allowed"


def test_the_customer_cancels_and_the_stock_comes_back(shop: Shop) -> None:
    order = shop.order()
    response = shop.move(order["id"], "cancelled", shop.customer)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert shop.level(shop.store, shop.shirt) == (5, 0)
    again = shop.move(order["id"], "cancelled", shop.customer)
    assert again.status_code == 409


def test_the_customer_cannot_cancel_once_ready(shop: Shop) -> None:
    order = shop.order()
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    response = shop.move(order["id"], "cancelled", shop.customer)
    assert response.status_code == 409
    assert shop.level(shop.store, shop.shirt) == (5, 2)


def test_too_few_units_is_409_naming_the_line_and_writes_nothing(shop: Shop) -> None:
    made = shop.checkout(lines=[{"variant_id": shop.shirt, "quantity": 1},
                                {"variant_id": shop.jeans, "quantity": 6}])
    response = shop.client.post(f"/api/v1/checkouts/{made['id']}/complete",
                                headers=shop.as_(shop.customer))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert [(line["variant_id"], line["requested"], line["available"])
            for line in error["details"]["lines"]] == [(shop.jeans, 6, 5)]
    assert orders_count(shop) == 0
    assert shop.level(shop.store, shop.shirt) == (5, 0)
    status = shop.client.get(f"/api/v1/checkouts/{made['id']}", headers=shop.as_(shop.customer))
    assert status.json()["status"] == "open"  # fix the cart and try again


def test_a_retry_with_the_same_key_returns_the_same_order(shop: Shop) -> None:
    made = shop.checkout()
    headers = shop.as_(shop.customer) | {"Idempotency-Key": "order-1"}
    first = shop.client.post(f"/api/v1/checkouts/{made['id']}/complete", headers=headers)
    second = shop.client.post(f"/api/v1/checkouts/{made['id']}/complete", headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert orders_count(shop) == 1 and shop.level(shop.store, shop.shirt) == (5, 2)
    other = shop.checkout()
    reused = shop.client.post(f"/api/v1/checkouts/{other['id']}/complete", headers=headers)
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_another_customer_cannot_see_or_complete_my_checkout_or_order(shop: Shop) -> None:
    stranger = shop.world.customer("+84900000002", "Trần Văn Nam")
    made = shop.checkout()
    assert shop.client.post(f"/api/v1/checkouts/{made['id']}/complete",
                            headers=shop.as_(stranger)).status_code == 404
    order = shop.order()
    assert shop.client.get(f"/api/v1/orders/{order['id']}",
                           headers=shop.as_(stranger)).status_code == 404
    assert shop.move(order["id"], "cancelled", stranger).status_code == 404
    mine = shop.client.get("/api/v1/orders", headers=shop.as_(stranger)).json()
    assert mine["total"] == 0


def test_staff_of_another_store_neither_see_nor_move_the_order(shop: Shop) -> None:
    order = shop.order()
    assert shop.move(order["id"], "accepted", shop.other_cashier).status_code == 404
    listed = shop.client.get("/api/v1/orders", headers=shop.as_(shop.other_cashier)).json()
    assert listed["total"] == 0
    rival = shop.world.merchant("saoviet", trade="electronics")
    assert shop.client.get(f"/api/v1/orders/{order['id']}",
                           headers=shop.as_(shop.world.owner(rival))).status_code == 404


def test_a_store_without_pickup_is_refused(shop: Shop) -> None:
    response = shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "pickup", "store_id": shop.other.id}})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "service_not_offered"


def test_an_uncollected_order_expires_and_its_stock_comes_back(shop: Shop) -> None:
    order = shop.order()
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    with shop.world.db.session() as session:
        assert orders_service.expire_due(session) == 0
    later = utcnow().replace(year=utcnow().year + 1)
    with shop.world.db.session() as session:
        assert orders_service.expire_due(session, now=later) == 1
    body = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(shop.customer)).json()
    assert body["status"] == "expired" and body["timeline"][-1]["user_id"] is None
    assert shop.level(shop.store, shop.shirt) == (5, 0)
    assert shop.reconciles()


def test_the_pickup_qr_is_an_svg_of_the_code(shop: Shop) -> None:
    order = shop.order()
    response = shop.client.get(f"/api/v1/orders/{order['id']}/pickup-qr.svg",
                               headers=shop.as_(shop.customer))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg")


def test_the_order_history_lists_my_orders_newest_first(shop: Shop) -> None:
    first = shop.order()
    second = shop.order(lines=[{"variant_id": shop.jeans, "quantity": 1}])
    page = shop.client.get("/api/v1/orders", headers=shop.as_(shop.customer)).json()
    assert [item["id"] for item in page["items"]] == [second["id"], first["id"]]
    assert page["items"][0]["total"] == 450_000
