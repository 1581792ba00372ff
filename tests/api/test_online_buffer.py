"""The online buffer: units a store keeps for walk-in customers, out of the online channel."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.config import Settings
from o2o.errors import DomainError
from o2o.inventory import planning
from o2o.inventory import service as inventory_service
from o2o.inventory.allocation import Line, Pick, Shortfall
from o2o.inventory.errors import CannotFill
from o2o.inventory.models import Reservation, StockLevel
from o2o.stores import service as stores_service
from o2o.stores.models import Location, Merchant
from o2o.stores.schemas import LocationUpdate
from tests.world import World

Shop = tuple[Merchant, Location, int]


@pytest.fixture
def shop(world: World) -> Shop:
    """Hoa Sen with one store holding 5 T-shirts."""
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    variant_id = world.product(merchant).variants[0].id
    world.stock(merchant, store, variant_id, 5)
    return merchant, store, variant_id


def buffer_path(store: Location, variant_id: int) -> str:
    return f"/api/v1/locations/{store.id}/stock/{variant_id}/online-buffer"


def level(client: TestClient, world: World, merchant: Merchant, store: Location,
          variant_id: int) -> dict[str, int]:
    return client.get(f"/api/v1/locations/{store.id}/stock/{variant_id}",
                      headers=world.headers(world.owner(merchant))).json()


def test_buffered_units_leave_the_online_channel_but_not_the_counter(
    client: TestClient, world: World, shop: Shop
) -> None:
    merchant, store, variant_id = shop
    owner = world.headers(world.owner(merchant))

    set_ = client.put(buffer_path(store, variant_id), headers=owner, json={"online_buffer": 3})

    assert set_.status_code == 200, set_.text
    assert set_.json()["online_buffer"] == 3
    assert set_.json()["available"] == 5
    assert set_.json()["available_online"] == 2
    assert level(client, world, merchant, store, variant_id)["available_online"] == 2


def test_shoppers_cannot_hold_buffered_units_and_staff_can(
    client: TestClient, world: World, shop: Shop
) -> None:
    merchant, store, variant_id = shop
    client.put(buffer_path(store, variant_id), headers=world.headers(world.owner(merchant)),
               json={"online_buffer": 4})
    shopper = world.headers(world.customer())
    cashier = world.headers(world.staff(merchant, "cashier", [store]))

    def hold(headers: dict[str, str], quantity: int) -> int:
        return client.post("/api/v1/reservations", headers=headers, json={
            "variant_id": variant_id, "location_id": store.id, "quantity": quantity,
        }).status_code

    refused = client.post("/api/v1/reservations", headers=shopper, json={
        "variant_id": variant_id, "location_id": store.id, "quantity": 2})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "insufficient_stock"
    assert refused.json()["error"]["details"]["lines"][0]["available"] == 1
    assert hold(shopper, 1) == 201
    assert hold(shopper, 1) == 409
    assert hold(cashier, 4) == 201
    after = level(client, world, merchant, store, variant_id)
    assert (after["reserved"], after["available"], after["available_online"]) == (5, 0, 0)


def test_a_buffer_larger_than_the_shelf_leaves_nothing_online(
    client: TestClient, world: World, shop: Shop
) -> None:
    merchant, store, variant_id = shop

    set_ = client.put(buffer_path(store, variant_id),
                      headers=world.headers(world.owner(merchant)), json={"online_buffer": 50})

    assert set_.json()["available_online"] == 0
    assert set_.json()["available"] == 5


def test_lifting_the_buffer_gives_the_units_back_to_the_online_channel(
    client: TestClient, world: World, shop: Shop
) -> None:
    merchant, store, variant_id = shop
    owner = world.headers(world.owner(merchant))
    client.put(buffer_path(store, variant_id), headers=owner, json={"online_buffer": 5})

    lifted = client.put(buffer_path(store, variant_id), headers=owner, json={"online_buffer": 0})

    assert lifted.json()["available_online"] == 5
    with world.db.session() as session:
        assert inventory_service.reconcile(session) == []


def test_a_buffer_can_be_set_before_the_first_delivery(client: TestClient,
                                                       world: World) -> None:
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    variant_id = world.product(merchant).variants[0].id

    set_ = client.put(buffer_path(store, variant_id),
                      headers=world.headers(world.owner(merchant)), json={"online_buffer": 2})

    assert set_.status_code == 200
    assert (set_.json()["on_hand"], set_.json()["online_buffer"]) == (0, 2)


def test_managers_of_the_store_set_the_buffer_and_cashiers_cannot(
    client: TestClient, world: World, shop: Shop
) -> None:
    merchant, store, variant_id = shop
    other_store = world.location(merchant, "q1")
    store_manager = world.headers(world.staff(merchant, "manager", [store]))
    hq_manager = world.headers(world.staff(merchant, "manager", [], email="hq@hoasen.vn"))
    elsewhere = world.headers(world.staff(merchant, "manager", [other_store]))
    cashier = world.headers(world.staff(merchant, "cashier", [store]))
    path = buffer_path(store, variant_id)

    assert client.put(path, headers=store_manager, json={"online_buffer": 1}).status_code == 200
    assert client.put(path, headers=hq_manager, json={"online_buffer": 2}).status_code == 200
    for headers in (elsewhere, cashier):
        refused = client.put(path, headers=headers, json={"online_buffer": 4})
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
    assert level(client, world, merchant, store, variant_id)["online_buffer"] == 2


def test_other_merchants_cannot_see_or_set_the_buffer(client: TestClient, world: World,
                                                       shop: Shop) -> None:
    merchant, store, variant_id = shop
    rival = world.merchant("saoviet", trade="electronics")
    rival_store = world.location(rival, "q1")
    rival_variant = world.product(rival, "Tai nghe").variants[0].id

    for user in (world.owner(rival), world.staff(rival, "manager", [rival_store])):
        refused = client.put(buffer_path(store, variant_id), headers=world.headers(user),
                             json={"online_buffer": 5})
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "not_found"
    foreign_variant = client.put(buffer_path(store, rival_variant),
                                 headers=world.headers(world.owner(merchant)),
                                 json={"online_buffer": 1})
    assert foreign_variant.status_code == 404
    shopper = client.put(buffer_path(store, variant_id),
                         headers=world.headers(world.customer()), json={"online_buffer": 1})
    assert shopper.status_code == 404
    assert level(client, world, merchant, store, variant_id)["online_buffer"] == 0


@pytest.mark.parametrize("body", [
    {"online_buffer": -1}, {"online_buffer": "3"}, {"online_buffer": 2.5}, {},
    {"online_buffer": 1, "reason": "x"}, {"online_buffer": 10_000_001},
])
def test_bad_buffers_are_refused_and_nothing_changes(client: TestClient, world: World,
                                                     shop: Shop, body: dict[str, object]) -> None:
    merchant, store, variant_id = shop

    refused = client.put(buffer_path(store, variant_id),
                         headers=world.headers(world.owner(merchant)), json=body)

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "validation_error"
    assert level(client, world, merchant, store, variant_id)["online_buffer"] == 0
    with world.db.session() as session:
        assert session.scalar(select(func.count()).select_from(StockLevel)) == 1
        assert session.scalar(select(func.count()).select_from(Reservation)) == 0


# --- what a delivery or pickup plan may take --------------------------------------------------

HOAN_KIEM = (21.0288, 105.8525)


def test_delivery_plans_take_only_what_the_online_channel_may_sell(
    client: TestClient, world: World
) -> None:
    merchant = world.merchant("hoasen")
    near = world.location(merchant, "hk", lat=21.0300, lon=105.8500)
    farther = world.location(merchant, "cg", lat=21.0380, lon=105.7830)
    warehouse = world.location(merchant, "kho", kind="warehouse", services=[],
                               lat=20.9800, lon=105.7900)
    closed = world.location(merchant, "dd", lat=21.0290, lon=105.8520)
    shirt = world.product(merchant, "Áo sơ mi").variants[0].id
    jeans = world.product(merchant, "Quần jean").variants[0].id
    rival = world.merchant("saoviet", trade="electronics")
    rival_store = world.location(rival, "hk", lat=21.0288, lon=105.8525)
    owner = world.actor(world.owner(merchant))
    for location, variant_id, units in ((near, shirt, 3), (farther, shirt, 2),
                                        (farther, jeans, 1), (warehouse, jeans, 9),
                                        (closed, shirt, 9), (closed, jeans, 9)):
        world.stock(merchant, location, variant_id, units)
    world.stock(rival, rival_store, world.product(rival, "Tai nghe").variants[0].id, 9)
    with world.db.session() as session:
        inventory_service.set_online_buffer(session, actor=owner, location_id=near.id,
                                            variant_id=shirt, online_buffer=2)
    with world.db.session() as session:
        stores_service.update_location(session, actor=owner, location_id=closed.id,
                                       data=LocationUpdate(is_active=False))

    with world.db.session() as session:
        one_shirt = planning.plan_delivery(session, merchant_id=merchant.id, lat=HOAN_KIEM[0],
                                           lon=HOAN_KIEM[1], lines=[Line(shirt, 1)],
                                           settings=Settings())
        outfit = planning.plan_delivery(session, merchant_id=merchant.id, lat=HOAN_KIEM[0],
                                        lon=HOAN_KIEM[1],
                                        lines=[Line(shirt, 2), Line(jeans, 1)],
                                        settings=Settings())
        with pytest.raises(CannotFill) as refused:
            planning.plan_delivery(session, merchant_id=merchant.id, lat=HOAN_KIEM[0],
                                   lon=HOAN_KIEM[1], lines=[Line(shirt, 4)],
                                   settings=Settings())

    assert one_shirt == [Pick(near.id, shirt, 1)]
    assert outfit == [Pick(farther.id, shirt, 2), Pick(farther.id, jeans, 1)]
    assert refused.value.shortfalls == [Shortfall(shirt, 4, 3)]


def test_a_pickup_plan_needs_the_chosen_store_to_hold_every_line(
    client: TestClient, world: World, shop: Shop
) -> None:
    merchant, store, shirt = shop
    jeans = world.product(merchant, "Quần jean").variants[0].id
    world.stock(merchant, store, jeans, 1)
    client.put(buffer_path(store, shirt), headers=world.headers(world.owner(merchant)),
               json={"online_buffer": 1})

    with world.db.session() as session:
        picks = planning.plan_pickup(session, merchant_id=merchant.id, location_id=store.id,
                                     lines=[Line(shirt, 4), Line(jeans, 1)])
        with pytest.raises(CannotFill) as refused:
            planning.plan_pickup(session, merchant_id=merchant.id, location_id=store.id,
                                 lines=[Line(shirt, 5), Line(jeans, 1)])
        with pytest.raises(DomainError) as elsewhere:
            planning.plan_pickup(session, merchant_id=merchant.id + 1, location_id=store.id,
                                 lines=[Line(shirt, 1)])

    assert picks == [Pick(store.id, shirt, 4), Pick(store.id, jeans, 1)]
    assert refused.value.details["lines"] == [
        {"variant_id": shirt, "requested": 5, "available": 4}]
    assert elsewhere.value.code == "not_found"
