"""Many clients at once never oversell: a real server, real connections, both databases."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx2 as httpx

from o2o.errors import DomainError
from o2o.inventory import service as inventory_service
from o2o.inventory.models import ReservationPurpose
from tests.world import World

CLIENTS = 40


def fire(url: str, requests: list[tuple[dict[str, str], dict[str, int]]]) -> list[httpx.Response]:
    """POST every reservation at the same moment, each from its own connection."""
    start = threading.Barrier(len(requests))

    def one(headers: dict[str, str], body: dict[str, int]) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=60) as http:
            start.wait()
            return http.post("/api/v1/reservations", json=body, headers=headers)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(lambda r: one(*r), requests))


def test_forty_shoppers_racing_for_five_units_get_exactly_five(
    server: tuple[str, World]
) -> None:
    url, world = server
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    variant_id = world.product(merchant).variants[0].id
    world.stock(merchant, store, variant_id, 5)
    shoppers = [world.headers(world.customer(f"+8490000{i:04d}")) for i in range(CLIENTS)]
    body = {"variant_id": variant_id, "location_id": store.id, "quantity": 1}

    responses = fire(url, [(headers, body) for headers in shoppers])

    assert Counter(r.status_code for r in responses) == {201: 5, 409: CLIENTS - 5}
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "insufficient_stock"}
    with world.db.session() as session:
        assert inventory_service.reconcile(session) == []
        assert inventory_service.available_at(session, store.id, variant_id, staff=True) == 0


def test_mixed_quantities_hand_out_no_more_than_the_shelf_holds(
    server: tuple[str, World]
) -> None:
    url, world = server
    merchant = world.merchant("phoco", trade="cafe")
    store = world.location(merchant, "q1")
    variant_id = world.product(merchant, "Cà phê sữa đá").variants[0].id
    world.stock(merchant, store, variant_id, 17)
    cashiers = [world.headers(world.staff(merchant, "cashier", [store], email=f"c{i}@phoco.vn"))
                for i in range(CLIENTS // 2)]
    requests = [(headers, {"variant_id": variant_id, "location_id": store.id,
                           "quantity": 1 + i % 3})
                for i, headers in enumerate(cashiers)]

    responses = fire(url, requests)

    granted = sum(body["quantity"] for (_, body), r in zip(requests, responses, strict=True)
                  if r.status_code == 201)
    refused = [body["quantity"] for (_, body), r in zip(requests, responses, strict=True)
               if r.status_code == 409]
    assert {r.status_code for r in responses} <= {201, 409}
    assert granted <= 17
    assert all(q > 17 - granted for q in refused), "a refused request would have fitted"
    with world.db.session() as session:
        assert inventory_service.reconcile(session) == []
        assert inventory_service.available_at(session, store.id, variant_id,
                                              staff=True) == 17 - granted


def test_crossing_multi_line_holds_neither_deadlock_nor_oversell(
    server: tuple[str, World]
) -> None:
    """Half the buyers list shirt then jeans, half jeans then shirt; locks go in one order."""
    _, world = server
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    shirt = world.product(merchant, "Áo sơ mi").variants[0].id
    jeans = world.product(merchant, "Quần jean").variants[0].id
    world.stock(merchant, store, shirt, 6)
    world.stock(merchant, store, jeans, 6)
    buyers = [world.actor(world.customer(f"+8490000{i:04d}")) for i in range(16)]
    start = threading.Barrier(len(buyers))

    def buy(i: int) -> bool:
        order = [shirt, jeans] if i % 2 else [jeans, shirt]
        holds = [inventory_service.Hold(store.id, v, 1) for v in order]
        with world.db.session() as session:
            start.wait()
            try:
                inventory_service.reserve_lines(
                    session, actor=buyers[i], holds=holds, ttl=timedelta(minutes=5),
                    purpose=ReservationPurpose.CHECKOUT)
            except DomainError as exc:
                assert exc.code == "insufficient_stock"
                return False
            return True

    with ThreadPoolExecutor(len(buyers)) as pool:
        outcomes = list(pool.map(buy, range(len(buyers))))

    assert outcomes.count(True) == 6
    with world.db.session() as session:
        assert inventory_service.reconcile(session) == []
