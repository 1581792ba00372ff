"""Merchants and their stores, warehouses, hours and services through the API."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.stores.models import Location
from tests.world import EVERY_DAY_8_TO_22, World

NEW_STORE = {
    "code": "q1", "name": "Hoa Sen Quận 1", "address": "135 Nam Kỳ Khởi Nghĩa, Bến Thành",
    "district": "Quận 1", "city": "TP. Hồ Chí Minh", "phone": "028 3822 1234",
    "lat": 10.7769, "lon": 106.7009, "hours": EVERY_DAY_8_TO_22,
    "services": ["pickup", "try_on", "returns"],
}


def count_locations(world: World) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(Location)) or 0


def test_owner_opens_a_store_that_shoppers_can_see(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    owner = world.headers(world.owner(merchant))

    created = client.post("/api/v1/locations", json=NEW_STORE, headers=owner)

    assert created.status_code == 201, created.text
    store = created.json()
    assert store["phone"] == "+842838221234"
    assert store["services"] == ["pickup", "returns", "try_on"]
    assert store["hours"][0] == {"weekday": 0, "opens": "08:00", "closes": "22:00"}
    public = client.get(f"/api/v1/stores/{store['id']}").json()
    assert public["merchant"]["slug"] == "hoasen"
    assert public["name"] == "Hoa Sen Quận 1"
    assert isinstance(public["open_now"], bool)


def test_store_open_past_midnight_keeps_its_closing_time(client: TestClient, world: World) -> None:
    owner = world.headers(world.owner(world.merchant("phoco", trade="cafe")))
    late = {**NEW_STORE, "hours": [{"weekday": 4, "opens": "18:00", "closes": "02:00"}]}

    store = client.post("/api/v1/locations", json=late, headers=owner).json()

    assert store["hours"] == [{"weekday": 4, "opens": "18:00", "closes": "02:00"}]


def test_warehouses_are_not_public_stores(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    warehouse = world.location(merchant, "kho-hn", kind="warehouse", services=[])

    assert client.get(f"/api/v1/stores/{warehouse.id}").status_code == 404
    staff_view = client.get(f"/api/v1/locations/{warehouse.id}",
                            headers=world.headers(world.owner(merchant)))
    assert staff_view.json()["kind"] == "warehouse"


def test_warehouse_cannot_offer_pickup(client: TestClient, world: World) -> None:
    owner = world.headers(world.owner(world.merchant("hoasen")))
    body = {**NEW_STORE, "kind": "warehouse", "services": ["pickup"]}

    response = client.post("/api/v1/locations", json=body, headers=owner)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "warehouse_has_no_services"
    assert count_locations(world) == 0


def test_store_codes_are_unique_within_a_merchant(client: TestClient, world: World) -> None:
    hoasen, saoviet = world.merchant("hoasen"), world.merchant("saoviet", trade="electronics")
    world.location(hoasen, "q1")

    again = client.post("/api/v1/locations", json=NEW_STORE,
                        headers=world.headers(world.owner(hoasen)))
    other_merchant = client.post("/api/v1/locations", json=NEW_STORE,
                                 headers=world.headers(world.owner(saoviet)))

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "location_code_taken"
    assert other_merchant.status_code == 201


def test_bad_store_input_is_refused_and_nothing_is_written(
    client: TestClient, world: World
) -> None:
    owner = world.headers(world.owner(world.merchant("hoasen")))
    bad_bodies = [
        {**NEW_STORE, "lat": 91},
        {**NEW_STORE, "lon": "east"},
        {**NEW_STORE, "phone": "12345"},
        {**NEW_STORE, "code": "Quận 1"},
        {**NEW_STORE, "colour": "red"},
        {**NEW_STORE, "hours": [{"weekday": 7, "opens": "08:00", "closes": "22:00"}]},
        {**NEW_STORE, "hours": [{"weekday": 1, "opens": "25:00", "closes": "22:00"}]},
        {**NEW_STORE, "hours": [{"weekday": 1, "opens": "08:00", "closes": "12:00"},
                                {"weekday": 1, "opens": "11:00", "closes": "20:00"}]},
        {**NEW_STORE, "services": ["teleport"]},
    ]
    for body in bad_bodies:
        response = client.post("/api/v1/locations", json=body, headers=owner)
        assert response.status_code == 422, body
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert error["message"]
    assert count_locations(world) == 0


def test_manager_moves_the_store_pin_and_changes_hours(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    manager = world.headers(world.staff(merchant, "manager", [store]))

    response = client.patch(
        f"/api/v1/locations/{store.id}",
        json={"lat": 21.03, "lon": 105.85, "hours": [], "services": ["pickup"]},
        headers=manager,
    )

    assert response.status_code == 200, response.text
    assert (response.json()["lat"], response.json()["lon"]) == (21.03, 105.85)
    assert response.json()["hours"] == []
    assert response.json()["services"] == ["pickup"]


def test_moving_a_store_needs_both_coordinates(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    store = world.location(merchant)

    response = client.patch(f"/api/v1/locations/{store.id}", json={"lat": 10.0},
                            headers=world.headers(world.owner(merchant)))

    assert response.status_code == 422


def test_cashier_cannot_change_the_store(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    store = world.location(merchant)
    cashier = world.headers(world.staff(merchant, "cashier", [store]))

    response = client.patch(f"/api/v1/locations/{store.id}", json={"name": "Mine"},
                            headers=cashier)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_store_manager_cannot_change_another_store(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    hk, q1 = world.location(merchant, "hk"), world.location(merchant, "q1")
    manager = world.headers(world.staff(merchant, "manager", [hk]))

    assert client.patch(f"/api/v1/locations/{q1.id}", json={"name": "X"},
                        headers=manager).status_code == 403
    assert client.post("/api/v1/locations", json={**NEW_STORE, "code": "new"},
                       headers=manager).status_code == 403


def test_staff_never_see_another_merchants_locations(client: TestClient, world: World) -> None:
    hoasen, saoviet = world.merchant("hoasen"), world.merchant("saoviet", trade="electronics")
    theirs = world.location(saoviet, "hk")
    world.location(hoasen, "hk")
    for user in (world.owner(hoasen),
                 world.staff(hoasen, "manager", []),
                 world.staff(hoasen, "cashier", [world.location(hoasen, "q1")])):
        headers = world.headers(user)
        assert client.get(f"/api/v1/locations/{theirs.id}", headers=headers).status_code == 404
        patched = client.patch(f"/api/v1/locations/{theirs.id}", json={"name": "Hijacked"},
                               headers=headers)
        assert patched.status_code in (403, 404)
        listed = client.get("/api/v1/locations", headers=headers).json()
        assert {loc["merchant_id"] for loc in listed} == {hoasen.id}
    assert client.get(f"/api/v1/locations/{theirs.id}",
                      headers=world.headers(world.owner(saoviet))).json()["name"] != "Hijacked"


def test_customers_cannot_manage_locations(client: TestClient, world: World) -> None:
    store = world.location(world.merchant("hoasen"))
    shopper = world.headers(world.customer())

    assert client.get("/api/v1/locations", headers=shopper).status_code == 403
    assert client.get(f"/api/v1/locations/{store.id}", headers=shopper).status_code == 404
    assert client.post("/api/v1/locations", json=NEW_STORE, headers=shopper).status_code == 403


def test_only_the_operator_onboards_merchants(client: TestClient, world: World) -> None:
    owner = world.headers(world.owner(world.merchant("hoasen")))
    body = {"slug": "bepviet", "name": "Bếp Việt", "trade": "grocery", "tax_code": "0100109106",
            "owner": {"email": "Chu@BepViet.vn", "full_name": "Chủ Bếp Việt",
                      "password": "mat-khau-rat-dai"}}

    refused = client.post("/api/v1/merchants", json=body, headers=owner)
    created = client.post("/api/v1/merchants", json=body,
                          headers=world.headers(world.operator))

    assert refused.status_code == 403
    assert created.status_code == 201, created.text
    assert [m["slug"] for m in client.get("/api/v1/merchants").json()] == ["bepviet", "hoasen"]
    token = client.post("/api/v1/auth/token",
                        data={"username": "chu@bepviet.vn", "password": "mat-khau-rat-dai"})
    assert token.status_code == 200


def test_onboarding_refuses_a_bad_tax_code_or_taken_slug(client: TestClient, world: World) -> None:
    world.merchant("hoasen")
    operator = world.headers(world.operator)
    body = {"slug": "hoasen", "name": "Hoa Sen 2", "trade": "fashion",
            "owner": {"email": "x@hoasen2.vn", "full_name": "X", "password": "12345678"}}

    assert client.post("/api/v1/merchants", json=body,
                       headers=operator).json()["error"]["code"] == "merchant_slug_taken"
    bad_tax = client.post("/api/v1/merchants", json={**body, "slug": "hs2", "tax_code": "123"},
                          headers=operator)
    assert bad_tax.status_code == 422
    assert [m["slug"] for m in client.get("/api/v1/merchants").json()] == ["hoasen"]


def test_unknown_store_and_merchant_are_404_in_the_error_shape(client: TestClient) -> None:
    for path in ("/api/v1/stores/999", "/api/v1/merchants/nope", "/api/v1/no-such-route"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
