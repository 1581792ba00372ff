"""One stock: counts, adjustments, the ledger and reservations through the API."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.inventory import service as inventory_service
from o2o.inventory.models import Reservation, ReservationPurpose, StockMovement
from o2o.orm import utcnow
from o2o.stores.models import Location, Merchant
from tests.world import World


@pytest.fixture
def shop(world: World) -> tuple[Merchant, Location, int]:
    """Hoa Sen with one store holding 3 T-shirts."""
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    variant_id = world.product(merchant).variants[0].id
    world.stock(merchant, store, variant_id, 3)
    return merchant, store, variant_id


def level(client: TestClient, world: World, merchant: Merchant, store: Location,
          variant_id: int) -> dict[str, int]:
    return client.get(f"/api/v1/locations/{store.id}/stock/{variant_id}",
                      headers=world.headers(world.owner(merchant))).json()


def reconciles(world: World) -> bool:
    with world.db.session() as session:
        return inventory_service.reconcile(session) == []


def rows(world: World, table: type) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_counts_and_adjustments_land_in_the_ledger(client: TestClient, world: World,
                                                   shop: tuple[Merchant, Location, int]) -> None:
    merchant, store, variant_id = shop
    owner = world.headers(world.owner(merchant))
    path = f"/api/v1/locations/{store.id}/stock/{variant_id}"

    received = client.post(f"{path}/adjustments", headers=owner,
                           json={"delta": 10, "kind": "receipt", "reason": "Nhập hàng"})
    damaged = client.post(f"{path}/adjustments", headers=owner,
                          json={"delta": -1, "kind": "damage", "reason": "Rách"})
    counted = client.put(path, headers=owner, json={"on_hand": 11, "reason": "Kiểm kê"})

    assert received.status_code == damaged.status_code == 201
    assert counted.json()["on_hand"] == 11
    ledger = client.get(f"{path}/movements", headers=owner).json()
    assert [(m["kind"], m["delta"]) for m in ledger] == [
        ("count", -1), ("damage", -1), ("receipt", 10), ("count", 3)]
    assert reconciles(world)


def test_shopper_holds_and_releases_units(client: TestClient, world: World,
                                          shop: tuple[Merchant, Location, int]) -> None:
    merchant, store, variant_id = shop
    shopper = world.headers(world.customer())

    held = client.post("/api/v1/reservations", headers=shopper, json={
        "variant_id": variant_id, "location_id": store.id, "quantity": 2, "ttl_seconds": 600})

    assert held.status_code == 201, held.text
    assert held.json()["status"] == "active"
    assert level(client, world, merchant, store, variant_id)["available"] == 1
    released = client.delete(f"/api/v1/reservations/{held.json()['id']}", headers=shopper)
    assert released.json()["status"] == "released"
    assert level(client, world, merchant, store, variant_id)["available"] == 3
    again = client.delete(f"/api/v1/reservations/{held.json()['id']}", headers=shopper)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "reservation_closed"
    assert reconciles(world)


def test_second_buyer_of_last_units_gets_insufficient_stock(
    client: TestClient, world: World, shop: tuple[Merchant, Location, int]
) -> None:
    _, store, variant_id = shop
    first = world.headers(world.customer("+84900000001"))
    second = world.headers(world.customer("+84900000002"))
    body = {"variant_id": variant_id, "location_id": store.id, "quantity": 2}

    assert client.post("/api/v1/reservations", headers=first, json=body).status_code == 201
    refused = client.post("/api/v1/reservations", headers=second, json=body)

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"]["lines"] == [
        {"location_id": store.id, "variant_id": variant_id, "requested": 2, "available": 1}]
    assert rows(world, Reservation) == 1


def test_expired_holds_give_their_units_back(client: TestClient, world: World,
                                             shop: tuple[Merchant, Location, int]) -> None:
    merchant, store, variant_id = shop
    shopper = world.headers(world.customer())
    client.post("/api/v1/reservations", headers=shopper, json={
        "variant_id": variant_id, "location_id": store.id, "quantity": 3, "ttl_seconds": 60})

    with world.db.session() as session:
        assert inventory_service.expire_due(session) == 0
        assert inventory_service.expire_due(session, now=utcnow() + timedelta(minutes=2)) == 1

    assert level(client, world, merchant, store, variant_id)["available"] == 3
    assert reconciles(world)


def test_shoppers_hold_a_few_units_for_a_short_time(
    client: TestClient, world: World, shop: tuple[Merchant, Location, int]
) -> None:
    merchant, store, variant_id = shop
    world.stock(merchant, store, variant_id, 50)
    shopper = world.headers(world.customer())
    cashier = world.headers(world.staff(merchant, "cashier", [store]))
    many = {"variant_id": variant_id, "location_id": store.id, "quantity": 20}
    long = {"variant_id": variant_id, "location_id": store.id, "quantity": 1,
            "ttl_seconds": 24 * 3600}

    for body in (many, long):
        refused = client.post("/api/v1/reservations", headers=shopper, json=body)
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "reservation_limit"
    assert client.post("/api/v1/reservations", headers=cashier, json=many).status_code == 201
    assert client.post("/api/v1/reservations", headers=cashier, json=long).status_code == 201


def test_stock_cannot_drop_below_what_is_held(client: TestClient, world: World,
                                             shop: tuple[Merchant, Location, int]) -> None:
    merchant, store, variant_id = shop
    owner = world.headers(world.owner(merchant))
    client.post("/api/v1/reservations", headers=world.headers(world.customer()),
                json={"variant_id": variant_id, "location_id": store.id, "quantity": 2})
    path = f"/api/v1/locations/{store.id}/stock/{variant_id}"

    damage = client.post(f"{path}/adjustments", headers=owner,
                         json={"delta": -2, "kind": "damage", "reason": "Ẩm mốc"})
    count = client.put(path, headers=owner, json={"on_hand": 1, "reason": "Kiểm kê"})

    assert damage.status_code == count.status_code == 409
    assert damage.json()["error"]["code"] == "stock_held_by_reservations"
    assert level(client, world, merchant, store, variant_id)["on_hand"] == 3


def test_store_only_items_cannot_be_held_online(client: TestClient, world: World) -> None:
    merchant = world.merchant("saoviet", trade="electronics")
    store = world.location(merchant, "q1")
    fridge = world.product(merchant, "Tủ lạnh", variants=[
        {"sku": "TL-1", "price": 12_990_000, "channels": "store"}]).variants[0]
    world.stock(merchant, store, fridge.id, 2)

    refused = client.post("/api/v1/reservations", headers=world.headers(world.customer()),
                          json={"variant_id": fridge.id, "location_id": store.id, "quantity": 1})

    assert refused.status_code == 404
    assert rows(world, Reservation) == 0


def test_other_merchants_staff_cannot_touch_the_stock(
    client: TestClient, world: World, shop: tuple[Merchant, Location, int]
) -> None:
    merchant, store, variant_id = shop
    rival = world.merchant("saoviet", trade="electronics")
    rival_store = world.location(rival, "q1")
    held = client.post("/api/v1/reservations", headers=world.headers(world.customer()),
                       json={"variant_id": variant_id, "location_id": store.id, "quantity": 1})
    path = f"/api/v1/locations/{store.id}/stock/{variant_id}"
    for user in (world.owner(rival), world.staff(rival, "cashier", [rival_store])):
        headers = world.headers(user)
        assert client.get(path, headers=headers).status_code == 404
        assert client.put(path, headers=headers,
                          json={"on_hand": 99, "reason": "x"}).status_code == 404
        assert client.post(f"{path}/adjustments", headers=headers,
                           json={"delta": 5, "reason": "x"}).status_code == 404
        assert client.delete(f"/api/v1/reservations/{held.json()['id']}",
                             headers=headers).status_code == 404
    stranger = world.headers(world.customer("+84900000009"))
    assert client.delete(f"/api/v1/reservations/{held.json()['id']}",
                         headers=stranger).status_code == 404
    assert level(client, world, merchant, store, variant_id)["reserved"] == 1
    assert rows(world, StockMovement) == 1


def test_bad_stock_input_is_refused_and_nothing_moves(
    client: TestClient, world: World, shop: tuple[Merchant, Location, int]
) -> None:
    merchant, store, variant_id = shop
    owner = world.headers(world.owner(merchant))
    path = f"/api/v1/locations/{store.id}/stock/{variant_id}"
    bad = [
        ("put", path, {"on_hand": -1, "reason": "x"}, "validation_error"),
        ("put", path, {"on_hand": "ten", "reason": "x"}, "validation_error"),
        ("put", path, {"on_hand": 5}, "validation_error"),
        ("post", f"{path}/adjustments", {"delta": 5, "reason": "x", "who": "me"},
         "validation_error"),
        ("post", f"{path}/adjustments", {"delta": 0, "reason": "x"}, "movement_sign"),
        ("post", f"{path}/adjustments", {"delta": -5, "kind": "receipt", "reason": "x"},
         "movement_sign"),
        ("post", f"{path}/adjustments", {"delta": 5, "kind": "sale", "reason": "x"},
         "validation_error"),
        ("post", "/api/v1/reservations", {"variant_id": variant_id, "location_id": store.id,
                                          "quantity": 0}, "validation_error"),
    ]
    for method, url, body, code in bad:
        response = client.request(method, url, json=body, headers=owner)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["code"] == code
    assert rows(world, StockMovement) == 1
    assert rows(world, Reservation) == 0
    assert level(client, world, merchant, store, variant_id)["on_hand"] == 3


def test_a_basket_of_lines_holds_one_reservation_per_line(
    world: World, shop: tuple[Merchant, Location, int]
) -> None:
    merchant, store, shirt = shop
    jeans = world.product(merchant, "Quần jean").variants[0].id
    world.stock(merchant, store, jeans, 5)
    shopper = world.actor(world.customer())

    with world.db.session() as session:
        held = inventory_service.reserve_lines(
            session, actor=shopper, ttl=timedelta(minutes=10), purpose=ReservationPurpose.CART,
            holds=[inventory_service.Hold(store.id, jeans, 4),
                   inventory_service.Hold(store.id, shirt, 2)])

    assert {(h.variant_id, h.quantity) for h in held} == {(jeans, 4), (shirt, 2)}
    assert all(h.status == "active" and h.user_id == shopper.user_id for h in held)
    with world.db.session() as session:
        assert inventory_service.available_at(session, store.id, jeans, staff=False) == 1
        assert inventory_service.available_at(session, store.id, shirt, staff=False) == 1
    assert reconciles(world)


def test_writing_off_more_than_the_shelf_holds_says_so(
    client: TestClient, world: World, shop: tuple[Merchant, Location, int]
) -> None:
    merchant, store, variant_id = shop

    response = client.post(f"/api/v1/locations/{store.id}/stock/{variant_id}/adjustments",
                           headers=world.headers(world.owner(merchant)),
                           json={"delta": -5, "kind": "damage", "reason": "Ngập nước"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"
    assert response.json()["error"]["details"]["on_hand"] == 3
    assert level(client, world, merchant, store, variant_id)["on_hand"] == 3


def test_shoppers_cannot_hold_an_item_that_is_not_on_sale(client: TestClient,
                                                         world: World) -> None:
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    draft = world.product(merchant, "Áo mẫu chưa bán", status="draft").variants[0]
    world.stock(merchant, store, draft.id, 5)
    body = {"variant_id": draft.id, "location_id": store.id, "quantity": 1}

    shopper = client.post("/api/v1/reservations", headers=world.headers(world.customer()),
                          json=body)
    cashier = client.post("/api/v1/reservations",
                          headers=world.headers(world.staff(merchant, "cashier", [store])),
                          json=body)

    assert shopper.status_code == 404
    assert cashier.status_code == 201
    assert rows(world, Reservation) == 1
