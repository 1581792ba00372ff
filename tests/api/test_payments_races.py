"""Many clients moving one payment at once: a real server, real connections, both databases.
Money is taken once, a key charges once, refunds never pass what was captured."""

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import func, select

from o2o.config import Settings
from o2o.db import Database
from o2o.payments.models import PaymentEvent, PaymentIntent, Refund
from tests.live import served
from tests.orders import Shop
from tests.payments import TOTAL, VISA, ledger, order_now, pay, paying_shop, started
from tests.world import World

CLIENTS = 20


@pytest.fixture
def shop(settings: Settings) -> Iterator[Shop]:
    """Hoa Sen served by uvicorn on a free port; ``shop.client`` talks to it over HTTP."""
    with served(settings) as url, httpx.Client(base_url=url, timeout=60) as client:
        db = Database(settings.database_url, pool_size=4)
        yield paying_shop(World(db), client)
        db.dispose()


def at_once(shop: Shop, count: int, request: Callable[[httpx.Client], httpx.Response]
            ) -> list[httpx.Response]:
    """``request`` sent ``count`` times at the same moment, each on its own connection."""
    start = threading.Barrier(count)

    def one(_: int) -> httpx.Response:
        with httpx.Client(base_url=str(shop.client.base_url), timeout=60) as http:
            start.wait()
            return request(http)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def rows(shop: Shop, model: Any, **where: Any) -> int:
    with shop.world.db.session() as session:
        return session.scalar(select(func.count()).select_from(model).filter_by(**where)) or 0


def test_concurrent_captures_of_one_hold_take_the_money_once(shop: Shop) -> None:
    order = shop.order()
    held = started(pay(shop, order, method="card", card_number=VISA, capture=False))
    headers = shop.as_(shop.cashier)

    answers = at_once(shop, CLIENTS, lambda http: http.post(
        f"/api/v1/payments/{held['id']}/capture", headers=headers))

    assert Counter(r.status_code for r in answers) == {200: 1, 409: CLIENTS - 1}, [
        r.text for r in answers if r.status_code not in (200, 409)]
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == {
        "payment_status_conflict"}
    assert [kind for kind, _, _ in ledger(shop, held["id"])].count("captured") == 1
    assert order_now(shop, order)["paid"] == TOTAL


def test_thirty_retries_with_one_key_make_one_payment(shop: Shop) -> None:
    order = shop.order()
    headers = shop.as_(shop.customer) | {"Idempotency-Key": "pay-once-7f3a"}
    body = {"method": "card", "card_number": VISA}

    answers = at_once(shop, 30, lambda http: http.post(
        f"/api/v1/orders/{order['id']}/payments", json=body, headers=headers))

    assert {r.status_code for r in answers} == {201}, [r.text for r in answers]
    assert {r.json()["id"] for r in answers} == {answers[0].json()["id"]}
    assert rows(shop, PaymentIntent) == 1
    assert rows(shop, PaymentEvent, kind="captured") == 1
    assert order_now(shop, order)["paid"] == TOTAL


def test_concurrent_refunds_never_give_back_more_than_was_captured(shop: Shop) -> None:
    order = shop.order()
    card = started(pay(shop, order, method="card", card_number=VISA))
    headers = shop.as_(shop.cashier)

    answers = at_once(shop, CLIENTS, lambda http: http.post(
        f"/api/v1/payments/{card['id']}/refunds", json={"amount": 50_000}, headers=headers))

    granted = TOTAL // 50_000  # 7 refunds of 50.000 đ fit in 398.000 đ
    assert Counter(r.status_code for r in answers) == {201: granted, 422: CLIENTS - granted}, [
        r.text for r in answers if r.status_code not in (201, 422)]
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 422} == {
        "refund_exceeds_captured"}
    with shop.world.db.session() as session:
        intent = session.get(PaymentIntent, card["id"])
        assert intent is not None and intent.refunded == granted * 50_000
        assert session.scalar(select(func.sum(Refund.amount))) == granted * 50_000
        assert session.scalar(select(func.sum(PaymentEvent.amount)).where(
            PaymentEvent.kind == "refunded")) == granted * 50_000
