"""Checkouts under concurrent load: a real server, real connections, both databases.

Retries with one Idempotency-Key, double clicks without one, and shoppers racing for the
last units all end with each unit sold at most once and the ledger reconciling.
"""

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import func, select

from o2o.config import Settings
from o2o.db import Database
from o2o.idempotency.models import IdempotencyKey
from o2o.inventory.models import StockLevel
from tests.live import served
from tests.orders import Shop, make_shop, orders_count
from tests.world import World

PARALLEL = 50


@pytest.fixture
def shop(settings: Settings) -> Iterator[Shop]:
    """The shop of ``tests.orders`` behind a uvicorn server on a free port."""
    with served(settings) as url, httpx.Client(base_url=url, timeout=60,
                                               trust_env=False) as http:
        db = Database(settings.database_url, pool_size=4)
        try:
            yield make_shop(World(db), http)  # type: ignore[arg-type]
        finally:
            db.dispose()


def at_once(shop: Shop, requests: list[tuple[str, dict[str, str]]],
            body: dict[str, Any] | None = None) -> list[httpx.Response]:
    """POST every request (with ``body``) at the same moment, each from its own connection."""
    start = threading.Barrier(len(requests))
    base_url = shop.client.base_url

    def one(path: str, headers: dict[str, str]) -> httpx.Response:
        with httpx.Client(base_url=base_url, timeout=60, trust_env=False) as http:
            start.wait()
            return http.post(path, headers=headers, json=body)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(lambda r: one(*r), requests))


def held_once(shop: Shop, responses: list[httpx.Response]) -> None:
    """Every answer is the one order, whose 2 shirts are held once."""
    assert Counter(r.status_code for r in responses) == {201: len(responses)}, [
        r.text for r in responses if r.status_code != 201][:3]
    assert len({r.json()["id"] for r in responses}) == 1
    assert orders_count(shop) == 1
    assert shop.level(shop.store, shop.shirt) == (5, 2)
    assert shop.reconciles()


def never_negative(shop: Shop) -> None:
    with shop.world.db.session() as session:
        assert session.scalar(select(func.count()).select_from(StockLevel).where(
            (StockLevel.reserved < 0) | (StockLevel.on_hand < StockLevel.reserved))) == 0


def test_fifty_retries_with_one_key_make_one_order(shop: Shop) -> None:
    made = shop.checkout()
    headers = shop.as_(shop.customer) | {"Idempotency-Key": "5f0c1d2e-order-1"}

    responses = at_once(shop, [(f"/api/v1/checkouts/{made['id']}/complete", headers)]
                        * PARALLEL)

    held_once(shop, responses)
    with shop.world.db.session() as session:
        [key] = session.scalars(select(IdempotencyKey)).all()
    assert key.result == f"order:{responses[0].json()['id']}"


def test_fifty_completions_without_a_key_make_one_order(shop: Shop) -> None:
    made = shop.checkout()

    responses = at_once(shop, [(f"/api/v1/checkouts/{made['id']}/complete",
                                shop.as_(shop.customer))] * PARALLEL)

    held_once(shop, responses)


def test_shoppers_racing_for_the_last_units_buy_exactly_what_there_is(shop: Shop) -> None:
    """The store has 5 shirts; 24 shoppers want 1 or 2 each, all at once."""
    shoppers = [shop.world.customer(f"+8490100{i:04d}", f"Khách {i}") for i in range(24)]
    wanted = [1 + i % 2 for i in range(len(shoppers))]
    checkouts: list[dict[str, Any]] = [
        shop.checkout(shopper, lines=[{"variant_id": shop.shirt, "quantity": quantity}])
        for shopper, quantity in zip(shoppers, wanted, strict=True)]

    responses = at_once(shop, [(f"/api/v1/checkouts/{c['id']}/complete", shop.as_(shopper))
                               for c, shopper in zip(checkouts, shoppers, strict=True)])

    assert {r.status_code for r in responses} <= {201, 409}
    sold = sum(q for q, r in zip(wanted, responses, strict=True) if r.status_code == 201)
    refused = [q for q, r in zip(wanted, responses, strict=True) if r.status_code == 409]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "insufficient_stock"}
    # Twelve shoppers want one shirt: some are refused, so the shelf was emptied.
    assert sold == 5 and 1 in refused
    assert orders_count(shop) == sum(r.status_code == 201 for r in responses)
    assert shop.level(shop.store, shop.shirt) == (5, sold)
    assert shop.reconciles()
    never_negative(shop)


def test_counters_taking_back_the_same_shirts_at_once_refund_them_once(shop: Shop) -> None:
    """Two shirts collected; 16 returns of one shirt arrive together at the second store."""
    order = shop.order()
    for to in ("accepted", "ready"):
        assert shop.move(order["id"], to).status_code == 200
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 200, handed.text
    body = {"store_id": shop.other.id, "reason": "Đổi ý",
            "lines": [{"line_id": order["lines"][0]["id"], "quantity": 1}]}

    responses = at_once(shop, [(f"/api/v1/orders/{order['id']}/returns",
                                shop.as_(shop.other_cashier))] * 16, body)

    assert Counter(r.status_code for r in responses) == {201: 2, 422: 14}, [
        r.text for r in responses if r.status_code not in (201, 422)][:3]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 422} == {
        "return_quantity"}
    again = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(shop.customer))
    assert again.json()["refunded"] == order["total"]
    assert again.json()["lines"][0]["quantity_returned"] == 2
    assert shop.level(shop.other, shop.shirt) == (3 + 2, 0)
    assert shop.reconciles()
