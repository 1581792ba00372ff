"""Stock counts from a CSV file: preview the differences, then apply the whole file or nothing."""

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from o2o.inventory import service as inventory_service
from o2o.inventory.models import Reservation, StockCount, StockLevel, StockMovement
from o2o.stores.models import Location, Merchant
from tests.world import World


@dataclass
class Shop:
    merchant: Merchant
    store: Location
    shirt: int  # SKU AT-DO-M, 10 on hand
    jeans: int  # SKU QJ-30, barcode 8934563138165, 4 on hand
    cap: int  # SKU MU-1, never stocked here

    def counts(self, preview: bool = False) -> str:
        return f"/api/v1/locations/{self.store.id}/counts" + ("/preview" if preview else "")


@pytest.fixture
def shop(world: World) -> Shop:
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    shirt = world.product(merchant, "Áo thun đỏ", variants=[
        {"sku": "AT-DO-M", "price": 199_000}]).variants[0].id
    jeans = world.product(merchant, "Quần jean", variants=[
        {"sku": "QJ-30", "barcode": "8934563138165", "price": 459_000}]).variants[0].id
    cap = world.product(merchant, "Mũ lưỡi trai", variants=[
        {"sku": "MU-1", "price": 99_000}]).variants[0].id
    world.stock(merchant, store, shirt, 10)
    world.stock(merchant, store, jeans, 4)
    return Shop(merchant, store, shirt, jeans, cap)


def upload(client: TestClient, url: str, headers: dict[str, str], text: str,
           *, multipart: bool = False) -> Response:
    if multipart:
        files = {"file": ("kiem-ke.csv", text.encode(), "text/csv")}
        return client.post(url, headers=headers, files=files)
    return client.post(url, headers={**headers, "Content-Type": "text/csv; charset=utf-8"},
                       content=text.encode())


def on_hand(world: World, location: Location, variant_id: int) -> int | None:
    with world.db.session() as session:
        level = session.get(StockLevel, (location.id, variant_id))
        return None if level is None else level.on_hand


def rows(world: World, table: type) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def reconciles(world: World) -> bool:
    with world.db.session() as session:
        return inventory_service.reconcile(session) == []


COUNT = "sku;barcode;counted\nat-do-m;;8\n;8934563138165;4\nMU-1;;3\n"


def test_a_preview_shows_each_difference_and_writes_nothing(client: TestClient, world: World,
                                                            shop: Shop) -> None:
    owner = world.headers(world.owner(shop.merchant))
    movements = rows(world, StockMovement)

    preview = upload(client, shop.counts(preview=True), owner, COUNT)

    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["errors"] == []
    assert [(line["sku"], line["expected"], line["counted"], line["difference"], line["row"])
            for line in body["lines"]] == [
        ("AT-DO-M", 10, 8, -2, 2), ("QJ-30", 4, 4, 0, 3), ("MU-1", 0, 3, 3, 4)]
    assert rows(world, StockMovement) == movements
    assert rows(world, StockCount) == 0
    assert on_hand(world, shop.store, shop.shirt) == 10
    assert on_hand(world, shop.store, shop.cap) is None


def test_an_applied_count_sets_every_level_and_records_the_differences(
    client: TestClient, world: World, shop: Shop
) -> None:
    owner = world.headers(world.owner(shop.merchant))

    applied = upload(client, shop.counts(), owner, COUNT)

    assert applied.status_code == 201, applied.text
    count = applied.json()
    assert [(line["variant_id"], line["difference"]) for line in count["lines"]] == [
        (shop.shirt, -2), (shop.jeans, 0), (shop.cap, 3)]
    assert (on_hand(world, shop.store, shop.shirt), on_hand(world, shop.store, shop.jeans),
            on_hand(world, shop.store, shop.cap)) == (8, 4, 3)
    ledger = client.get(f"/api/v1/locations/{shop.store.id}/stock/{shop.shirt}/movements",
                        headers=owner).json()
    assert (ledger[0]["kind"], ledger[0]["delta"], ledger[0]["reference"]) == (
        "count", -2, f"count:{count['id']}")
    unchanged = client.get(f"/api/v1/locations/{shop.store.id}/stock/{shop.jeans}/movements",
                           headers=owner).json()
    assert len(unchanged) == 1  # the opening stock only: an agreeing count moves nothing
    assert reconciles(world)


def test_a_file_uploaded_from_a_form_with_a_bom_and_commas_counts_the_same(
    client: TestClient, world: World, shop: Shop
) -> None:
    cashier = world.headers(world.staff(shop.merchant, "cashier", [shop.store]))
    text = "\ufeffSKU,Tên,Counted\r\nAT-DO-M,\"Áo thun đỏ, M\",11\r\n"

    preview = upload(client, shop.counts(preview=True), cashier, text, multipart=True)
    applied = upload(client, shop.counts(), cashier, text, multipart=True)

    assert preview.json()["lines"][0]["difference"] == 1
    assert applied.status_code == 201, applied.text
    assert on_hand(world, shop.store, shop.shirt) == 11
    assert reconciles(world)


def test_rows_in_error_are_listed_and_refuse_the_whole_file(client: TestClient, world: World,
                                                            shop: Shop) -> None:
    owner = world.headers(world.owner(shop.merchant))
    text = ("sku;barcode;counted\nAT-DO-M;;1\nKHONG-CO;;2\nQJ-30;;3\n"
            ";8934563138165;5\nMU-1;;mười\n")
    movements = rows(world, StockMovement)

    preview = upload(client, shop.counts(preview=True), owner, text)
    refused = upload(client, shop.counts(), owner, text)

    expected_errors = [(3, "unknown_code"), (5, "duplicate"), (6, "bad_number")]
    assert preview.status_code == 200
    assert [(e["row"], e["code"]) for e in preview.json()["errors"]] == expected_errors
    assert [line["sku"] for line in preview.json()["lines"]] == ["AT-DO-M", "QJ-30"]
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "count_file_invalid"
    assert [(e["row"], e["code"]) for e in error["details"]["errors"]] == expected_errors
    assert all(e["message"] for e in error["details"]["errors"])
    assert rows(world, StockMovement) == movements
    assert rows(world, StockCount) == 0
    assert on_hand(world, shop.store, shop.shirt) == 10
    assert on_hand(world, shop.store, shop.cap) is None


def test_counting_below_what_reservations_hold_refuses_the_whole_file(
    client: TestClient, world: World, shop: Shop
) -> None:
    owner = world.headers(world.owner(shop.merchant))
    held = client.post("/api/v1/reservations", headers=world.headers(world.customer()),
                       json={"variant_id": shop.jeans, "location_id": shop.store.id,
                             "quantity": 3})
    assert held.status_code == 201
    movements = rows(world, StockMovement)

    refused = upload(client, shop.counts(), owner, "sku;counted\nAT-DO-M;9\nQJ-30;2\n")

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "stock_held_by_reservations"
    assert error["details"]["lines"] == [
        {"row": 3, "variant_id": shop.jeans, "counted": 2, "reserved": 3}]
    assert rows(world, StockMovement) == movements
    assert on_hand(world, shop.store, shop.shirt) == 10
    preview = upload(client, shop.counts(preview=True), owner, "sku;counted\nQJ-30;2\n")
    assert preview.json()["lines"][0]["reserved"] == 3


def test_another_merchants_codes_are_unknown_here(client: TestClient, world: World,
                                                  shop: Shop) -> None:
    rival = world.merchant("saoviet", trade="electronics")
    world.product(rival, "Tai nghe", variants=[{"sku": "TN-1", "price": 990_000}])

    refused = upload(client, shop.counts(), world.headers(world.owner(shop.merchant)),
                     "sku;counted\nTN-1;5\n")

    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["errors"][0]["code"] == "unknown_code"


def test_only_staff_of_the_store_can_count_it(client: TestClient, world: World,
                                              shop: Shop) -> None:
    rival = world.merchant("saoviet", trade="electronics")
    rival_store = world.location(rival, "q1")
    other_store = world.location(shop.merchant, "q1")
    text = "sku;counted\nAT-DO-M;0\n"
    refusals = [
        (world.headers(world.owner(rival)), 404, "not_found"),
        (world.headers(world.staff(rival, "manager", [rival_store])), 404, "not_found"),
        (world.headers(world.customer()), 404, "not_found"),
        (world.headers(world.staff(shop.merchant, "cashier", [other_store])), 403, "forbidden"),
        ({}, 401, "not_authenticated"),
    ]
    for headers, status, code in refusals:
        for preview in (True, False):
            refused = upload(client, shop.counts(preview=preview), headers, text)
            assert refused.status_code == status, refused.text
            assert refused.json()["error"]["code"] == code
    assert upload(client, f"/api/v1/locations/{rival_store.id}/counts",
                  world.headers(world.owner(shop.merchant)), text).status_code == 404
    assert on_hand(world, shop.store, shop.shirt) == 10
    assert rows(world, StockCount) == 0


def test_a_count_must_be_sent_as_csv(client: TestClient, world: World, shop: Shop) -> None:
    owner = world.headers(world.owner(shop.merchant))

    as_json = client.post(shop.counts(), headers=owner, json={"sku": "AT-DO-M", "counted": 1})
    no_file = client.post(shop.counts(), headers=owner, data={"note": "x"},
                          files={"other": ("a.csv", b"sku;counted\nAT-DO-M;1\n", "text/csv")})
    latin = client.post(shop.counts(), headers={**owner, "Content-Type": "text/csv"},
                        content="sku;counted\nÁO;1\n".encode("latin-1"))

    for refused in (as_json, no_file):
        assert refused.status_code == 415
        assert refused.json()["error"]["code"] == "unsupported_media_type"
    assert latin.status_code == 422
    assert latin.json()["error"]["details"]["errors"][0]["code"] == "not_utf8"
    assert on_hand(world, shop.store, shop.shirt) == 10
    assert rows(world, StockCount) == 0
    assert rows(world, Reservation) == 0
