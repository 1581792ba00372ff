"""Stock transfers between a merchant's locations: sent, in transit, received or called back."""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from o2o.auth.models import User
from o2o.errors import DomainError
from o2o.inventory import service as inventory_service
from o2o.inventory import transfers as transfers_service
from o2o.inventory.models import StockLevel, StockMovement, StockTransfer
from o2o.inventory.schemas import TransferCreate
from o2o.stores.models import Location, Merchant
from tests.world import World


@dataclass
class Chain:
    merchant: Merchant
    hoan_kiem: Location
    cau_giay: Location
    warehouse: Location
    shirt: int
    jeans: int

    def owner(self, world: World) -> dict[str, str]:
        return world.headers(world.owner(self.merchant))


@pytest.fixture
def chain(world: World) -> Chain:
    """Hoa Sen: Hoàn Kiếm holds 10 shirts and 5 jeans; Cầu Giấy and the warehouse none."""
    merchant = world.merchant("hoasen")
    hoan_kiem = world.location(merchant, "hk")
    cau_giay = world.location(merchant, "cg", address="241 Xuân Thủy", district="Cầu Giấy")
    warehouse = world.location(merchant, "kho", kind="warehouse", services=[])
    shirt = world.product(merchant, "Áo sơ mi").variants[0].id
    jeans = world.product(merchant, "Quần jean").variants[0].id
    world.stock(merchant, hoan_kiem, shirt, 10)
    world.stock(merchant, hoan_kiem, jeans, 5)
    return Chain(merchant, hoan_kiem, cau_giay, warehouse, shirt, jeans)


def send(client: TestClient, headers: dict[str, str], source: Location, destination: Location,
         lines: list[tuple[int, int]], **extra: object) -> Response:
    return client.post("/api/v1/transfers", headers=headers, json={
        "from_location_id": source.id, "to_location_id": destination.id,
        "lines": [{"variant_id": v, "quantity": q} for v, q in lines], **extra,
    })


def on_hand(world: World, location: Location, variant_id: int) -> int:
    with world.db.session() as session:
        level = session.get(StockLevel, (location.id, variant_id))
        return level.on_hand if level else 0


def count(world: World, table: type) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def reconciles(world: World) -> bool:
    with world.db.session() as session:
        return inventory_service.reconcile(session) == []


def test_sent_units_leave_the_source_and_arrive_on_receipt(
    client: TestClient, world: World, chain: Chain
) -> None:
    owner = chain.owner(world)
    receiver = world.staff(chain.merchant, "manager", [chain.cau_giay])

    sent = send(client, owner, chain.hoan_kiem, chain.cau_giay,
                [(chain.jeans, 2), (chain.shirt, 3)], note="Bù hàng cuối tuần")

    assert sent.status_code == 201, sent.text
    transfer = sent.json()
    assert transfer["status"] == "in_transit"
    assert transfer["note"] == "Bù hàng cuối tuần"
    assert transfer["lines"] == sorted([{"variant_id": chain.shirt, "quantity": 3},
                                        {"variant_id": chain.jeans, "quantity": 2}],
                                       key=lambda line: line["variant_id"])
    assert (on_hand(world, chain.hoan_kiem, chain.shirt),
            on_hand(world, chain.hoan_kiem, chain.jeans)) == (7, 3)
    assert on_hand(world, chain.cau_giay, chain.shirt) == 0
    assert reconciles(world)

    received = client.post(f"/api/v1/transfers/{transfer['id']}/receive",
                           headers=world.headers(receiver))

    assert received.status_code == 200, received.text
    assert received.json()["status"] == "received"
    assert received.json()["closed_by"] == receiver.id
    assert received.json()["closed_at"] is not None
    assert (on_hand(world, chain.cau_giay, chain.shirt),
            on_hand(world, chain.cau_giay, chain.jeans)) == (3, 2)
    ledger = client.get(f"/api/v1/locations/{chain.cau_giay.id}/stock/{chain.shirt}/movements",
                        headers=owner).json()
    assert [(m["kind"], m["delta"], m["reference"]) for m in ledger] == [
        ("transfer_in", 3, f"transfer:{transfer['id']}")]
    assert reconciles(world)


def test_a_second_receipt_is_refused_and_moves_nothing(
    client: TestClient, world: World, chain: Chain
) -> None:
    owner = chain.owner(world)
    transfer = send(client, owner, chain.hoan_kiem, chain.cau_giay, [(chain.shirt, 4)]).json()
    client.post(f"/api/v1/transfers/{transfer['id']}/receive", headers=owner)
    movements = count(world, StockMovement)

    again = client.post(f"/api/v1/transfers/{transfer['id']}/receive", headers=owner)

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "transfer_closed"
    assert again.json()["error"]["details"]["status"] == "received"
    assert on_hand(world, chain.cau_giay, chain.shirt) == 4
    assert count(world, StockMovement) == movements
    assert reconciles(world)


def test_a_cancelled_transfer_puts_the_units_back_and_cannot_be_received(
    client: TestClient, world: World, chain: Chain
) -> None:
    owner = chain.owner(world)
    transfer = send(client, owner, chain.hoan_kiem, chain.warehouse, [(chain.shirt, 6)]).json()
    assert on_hand(world, chain.hoan_kiem, chain.shirt) == 4

    cancelled = client.post(f"/api/v1/transfers/{transfer['id']}/cancel", headers=owner)

    assert cancelled.json()["status"] == "cancelled"
    assert on_hand(world, chain.hoan_kiem, chain.shirt) == 10
    late = client.post(f"/api/v1/transfers/{transfer['id']}/receive", headers=owner)
    twice = client.post(f"/api/v1/transfers/{transfer['id']}/cancel", headers=owner)
    assert late.status_code == twice.status_code == 409
    assert on_hand(world, chain.warehouse, chain.shirt) == 0
    assert on_hand(world, chain.hoan_kiem, chain.shirt) == 10
    assert reconciles(world)


def test_a_received_transfer_cannot_be_called_back(client: TestClient, world: World,
                                                   chain: Chain) -> None:
    owner = chain.owner(world)
    transfer = send(client, owner, chain.hoan_kiem, chain.cau_giay, [(chain.jeans, 5)]).json()
    client.post(f"/api/v1/transfers/{transfer['id']}/receive", headers=owner)

    refused = client.post(f"/api/v1/transfers/{transfer['id']}/cancel", headers=owner)

    assert refused.status_code == 409
    assert (on_hand(world, chain.hoan_kiem, chain.jeans),
            on_hand(world, chain.cau_giay, chain.jeans)) == (0, 5)


def test_units_held_by_reservations_cannot_be_sent(client: TestClient, world: World,
                                                   chain: Chain) -> None:
    owner = chain.owner(world)
    held = client.post("/api/v1/reservations", headers=world.headers(world.customer()),
                       json={"variant_id": chain.jeans, "location_id": chain.hoan_kiem.id,
                             "quantity": 4})
    assert held.status_code == 201
    movements = count(world, StockMovement)

    refused = send(client, owner, chain.hoan_kiem, chain.cau_giay,
                   [(chain.shirt, 2), (chain.jeans, 2)])

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"]["lines"] == [{"location_id": chain.hoan_kiem.id,
                                          "variant_id": chain.jeans, "requested": 2,
                                          "available": 1}]
    assert count(world, StockTransfer) == 0
    assert count(world, StockMovement) == movements
    assert on_hand(world, chain.hoan_kiem, chain.shirt) == 10
    assert reconciles(world)


def test_nothing_can_be_sent_from_a_location_that_never_held_it(
    client: TestClient, world: World, chain: Chain
) -> None:
    refused = send(client, chain.owner(world), chain.cau_giay, chain.hoan_kiem,
                   [(chain.shirt, 1)])

    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["lines"][0]["available"] == 0
    assert count(world, StockTransfer) == 0


def test_store_staff_send_from_and_receive_at_their_own_stores_only(
    client: TestClient, world: World, chain: Chain
) -> None:
    sender = world.headers(world.staff(chain.merchant, "cashier", [chain.hoan_kiem]))
    receiver = world.headers(world.staff(chain.merchant, "cashier", [chain.cau_giay]))

    assert send(client, sender, chain.cau_giay, chain.hoan_kiem,
                [(chain.shirt, 1)]).status_code == 403
    transfer = send(client, sender, chain.hoan_kiem, chain.cau_giay, [(chain.shirt, 1)])
    assert transfer.status_code == 201
    path = f"/api/v1/transfers/{transfer.json()['id']}"
    assert client.post(f"{path}/receive", headers=sender).status_code == 403
    assert client.post(f"{path}/cancel", headers=receiver).status_code == 403
    assert client.get(path, headers=receiver).status_code == 200
    assert client.post(f"{path}/receive", headers=receiver).status_code == 200
    assert on_hand(world, chain.cau_giay, chain.shirt) == 1


def test_cashiers_of_other_stores_cannot_see_or_touch_a_transfer(
    client: TestClient, world: World, chain: Chain
) -> None:
    third = world.location(chain.merchant, "q1")
    outsider = world.headers(world.staff(chain.merchant, "cashier", [third]))
    transfer = send(client, chain.owner(world), chain.hoan_kiem, chain.cau_giay,
                    [(chain.shirt, 2)]).json()
    path = f"/api/v1/transfers/{transfer['id']}"

    for method, url in (("get", path), ("post", f"{path}/receive"),
                        ("post", f"{path}/cancel"),
                        ("get", f"/api/v1/transfers?location_id={chain.hoan_kiem.id}")):
        refused = client.request(method, url, headers=outsider)
        assert refused.status_code == 403, (url, refused.text)
        assert refused.json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/transfers", headers=outsider).json() == []
    assert on_hand(world, chain.cau_giay, chain.shirt) == 0
    assert on_hand(world, chain.hoan_kiem, chain.shirt) == 8


def test_other_merchants_see_no_transfer_and_cannot_send_across(
    client: TestClient, world: World, chain: Chain
) -> None:
    rival = world.merchant("saoviet", trade="electronics")
    rival_store = world.location(rival, "q1")
    rival_variant = world.product(rival, "Tai nghe").variants[0].id
    world.stock(rival, rival_store, rival_variant, 5)
    transfer = send(client, chain.owner(world), chain.hoan_kiem, chain.cau_giay,
                    [(chain.shirt, 2)]).json()
    path = f"/api/v1/transfers/{transfer['id']}"

    for user in (world.owner(rival), world.staff(rival, "cashier", [rival_store])):
        headers = world.headers(user)
        for method, url in (("get", path), ("post", f"{path}/receive"),
                            ("post", f"{path}/cancel"),
                            ("get", f"/api/v1/transfers?location_id={chain.hoan_kiem.id}")):
            refused = client.request(method, url, headers=headers)
            assert refused.status_code == 404, (url, refused.text)
            assert refused.json()["error"]["code"] == "not_found"
        assert client.get("/api/v1/transfers", headers=headers).json() == []
        assert send(client, headers, chain.hoan_kiem, rival_store,
                    [(chain.shirt, 1)]).status_code == 404
        assert send(client, headers, rival_store, chain.cau_giay,
                    [(rival_variant, 1)]).status_code == 404
    owner = chain.owner(world)
    assert send(client, owner, chain.hoan_kiem, rival_store,
                [(chain.shirt, 1)]).status_code == 404
    assert send(client, owner, chain.hoan_kiem, chain.cau_giay,
                [(rival_variant, 1)]).status_code == 404
    assert client.get(path, headers=world.headers(world.customer())).status_code == 404
    assert count(world, StockTransfer) == 1
    assert on_hand(world, chain.hoan_kiem, chain.shirt) == 8
    assert on_hand(world, rival_store, rival_variant) == 5
    assert reconciles(world)


def test_transfers_are_listed_newest_first_by_status_and_store(
    client: TestClient, world: World, chain: Chain
) -> None:
    owner = chain.owner(world)
    first = send(client, owner, chain.hoan_kiem, chain.cau_giay, [(chain.shirt, 1)]).json()
    second = send(client, owner, chain.hoan_kiem, chain.warehouse, [(chain.shirt, 1)]).json()
    third = send(client, owner, chain.hoan_kiem, chain.cau_giay, [(chain.jeans, 1)]).json()
    client.post(f"/api/v1/transfers/{first['id']}/receive", headers=owner)
    cau_giay_cashier = world.headers(world.staff(chain.merchant, "cashier", [chain.cau_giay]))

    def ids(url: str, headers: dict[str, str] = owner) -> list[int]:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()]

    assert ids("/api/v1/transfers") == [third["id"], second["id"], first["id"]]
    assert ids("/api/v1/transfers?status=in_transit") == [third["id"], second["id"]]
    assert ids("/api/v1/transfers?status=received") == [first["id"]]
    assert ids(f"/api/v1/transfers?location_id={chain.warehouse.id}") == [second["id"]]
    assert ids(f"/api/v1/transfers?limit=1&before_id={third['id']}") == [second["id"]]
    assert ids("/api/v1/transfers", cau_giay_cashier) == [third["id"], first["id"]]
    bad = client.get("/api/v1/transfers?status=lost", headers=owner)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_error"


def test_bad_transfers_are_refused_and_nothing_moves(client: TestClient, world: World,
                                                     chain: Chain) -> None:
    owner = chain.owner(world)
    movements = count(world, StockMovement)
    line = {"variant_id": chain.shirt, "quantity": 1}
    base = {"from_location_id": chain.hoan_kiem.id, "to_location_id": chain.cau_giay.id}
    bad = [
        ({**base, "to_location_id": chain.hoan_kiem.id, "lines": [line]},
         422, "transfer_to_same_location"),
        ({**base, "lines": []}, 422, "validation_error"),
        ({**base, "lines": [line, line]}, 422, "validation_error"),
        ({**base, "lines": [{**line, "quantity": 0}]}, 422, "validation_error"),
        ({**base, "lines": [{**line, "quantity": "2"}]}, 422, "validation_error"),
        ({**base, "lines": [line], "carrier": "GHN"}, 422, "validation_error"),
        ({"from_location_id": chain.hoan_kiem.id, "lines": [line]}, 422, "validation_error"),
        ({**base, "to_location_id": 999_999, "lines": [line]}, 404, "not_found"),
        ({**base, "lines": [{"variant_id": 999_999, "quantity": 1}]}, 404, "not_found"),
        ({**base, "lines": [{**line, "quantity": 11}]}, 409, "insufficient_stock"),
    ]
    for body, status, code in bad:
        response = client.post("/api/v1/transfers", headers=owner, json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["code"] == code
    assert client.post("/api/v1/transfers/999999/receive", headers=owner).status_code == 404
    assert client.post("/api/v1/transfers", json={**base, "lines": [line]}).status_code == 401
    assert count(world, StockTransfer) == 0
    assert count(world, StockMovement) == movements
    assert on_hand(world, chain.hoan_kiem, chain.shirt) == 10


def test_racing_receipts_and_cancels_move_the_units_exactly_once(
    world: World, chain: Chain
) -> None:
    owner: User = world.owner(chain.merchant)
    actor = world.actor(owner)
    transfer_ids = []
    for _ in range(3):
        with world.db.session() as session:
            created = transfers_service.create_transfer(
                session, actor=actor,
                data=TransferCreate.model_validate({
                    "from_location_id": chain.hoan_kiem.id,
                    "to_location_id": chain.cau_giay.id,
                    "lines": [{"variant_id": chain.shirt, "quantity": 2},
                              {"variant_id": chain.jeans, "quantity": 1}]}))
            transfer_ids.append(created.id)
    attempts = [(tid, step) for tid in transfer_ids
                for step in ("receive", "receive", "cancel", "receive")]
    start = threading.Barrier(len(attempts))

    def attempt(tid: int, step: str) -> str | None:
        with world.db.session() as session:
            start.wait()
            try:
                getattr(transfers_service, f"{step}_transfer")(session, actor=actor,
                                                               transfer_id=tid)
            except DomainError as exc:
                assert exc.code == "transfer_closed"
                return None
            return step

    with ThreadPoolExecutor(len(attempts)) as pool:
        outcomes = list(pool.map(lambda a: attempt(*a), attempts))

    wins = [(tid, step) for (tid, _), step in zip(attempts, outcomes, strict=True) if step]
    assert sorted(tid for tid, _ in wins) == transfer_ids
    received = sum(1 for _, step in wins if step == "receive")
    assert on_hand(world, chain.cau_giay, chain.shirt) == 2 * received
    assert on_hand(world, chain.hoan_kiem, chain.shirt) == 10 - 2 * received
    assert on_hand(world, chain.hoan_kiem, chain.jeans) == 5 - received
    assert reconciles(world)
