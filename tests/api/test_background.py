"""The app's background loop: overdue orders expire by themselves, outbox events reach their
handlers once, expired idempotency keys go."""

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from o2o.app import create_app
from o2o.background import BackgroundLoop
from o2o.config import Settings
from o2o.idempotency import service as idempotency_service
from o2o.idempotency.models import IdempotencyKey
from o2o.orders import service as orders_service
from o2o.orm import utcnow
from o2o.outbox import service as outbox_service
from o2o.outbox.models import OutboxEvent
from tests.orders import Shop, make_shop
from tests.world import World

ROUND_SECONDS = 0.05


@pytest.fixture
def shop(settings: Settings) -> Iterator[Shop]:
    """A shop served by an app whose background loop runs every 50 ms."""
    fast = settings.model_copy(update={"sweep_seconds": ROUND_SECONDS})
    with TestClient(create_app(fast)) as client:
        yield make_shop(World(client.app.state.db), client)  # type: ignore[attr-defined]


@pytest.fixture
def delivered(monkeypatch: pytest.MonkeyPatch) -> list[OutboxEvent]:
    """Events handed to a handler subscribed to every topic (and no other handler)."""
    monkeypatch.setattr(outbox_service, "_handlers", [])
    got: list[OutboxEvent] = []
    lock = threading.Lock()

    def handler(session: Session, event: OutboxEvent) -> None:
        with lock:
            got.append(event)

    outbox_service.subscribe("", handler)
    return got


def eventually(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the background loop did not get to it"
        time.sleep(ROUND_SECONDS)


def test_an_uncollected_order_expires_by_itself_and_its_stock_comes_back(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = shop.order()
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    time.sleep(5 * ROUND_SECONDS)
    assert shop.level(shop.store, shop.shirt) == (5, 2)  # not due yet: still held

    hold = timedelta(hours=shop.world.settings.pickup_hold_hours)
    monkeypatch.setattr(orders_service, "utcnow", lambda: utcnow() + hold + timedelta(minutes=1))

    def status() -> str:
        return str(shop.client.get(f"/api/v1/orders/{order['id']}",
                                   headers=shop.as_(shop.customer)).json()["status"])

    eventually(lambda: status() == "expired")
    assert shop.level(shop.store, shop.shirt) == (5, 0)
    assert shop.reconciles()
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 404  # the code went with the order


def test_each_outbox_event_reaches_its_handler_once(
    shop: Shop, delivered: list[OutboxEvent]
) -> None:
    second = BackgroundLoop(shop.world.db, interval_seconds=ROUND_SECONDS)  # another process
    second.start()
    try:
        order = shop.order()
        shop.move(order["id"], "accepted")
        shop.move(order["id"], "ready")
        eventually(lambda: len(delivered) >= 3)
        time.sleep(10 * ROUND_SECONDS)  # rounds enough for a second delivery to show
    finally:
        second.stop()
    topics = [e.topic for e in delivered if e.subject == f"order:{order['id']}"]
    assert topics == ["order.placed", "order.accepted", "order.ready"]
    assert max(Counter(e.id for e in delivered).values()) == 1
    with shop.world.db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)
                              .where(OutboxEvent.delivered_at.is_(None))) == 0


def test_a_failing_handler_leaves_its_event_for_the_next_round(
    world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = make_shop(world, client)
    order = shop.order()
    monkeypatch.setattr(outbox_service, "_handlers", [])
    calls: list[str] = []

    def flaky(session: Session, event: OutboxEvent) -> None:
        calls.append(event.topic)
        if len(calls) == 1:
            raise ConnectionError("the queue is away")

    outbox_service.subscribe("order.", flaky)
    loop = BackgroundLoop(world.db, interval_seconds=ROUND_SECONDS)

    assert loop.run_round().events_delivered == 0
    assert loop.run_round().events_delivered == 1
    assert loop.run_round().events_delivered == 0
    assert calls == ["order.placed", "order.placed"]
    with world.db.session() as session:
        [event] = outbox_service.events_of(session, subject=f"order:{order['id']}")
        assert event.delivered_at is not None


def test_expired_idempotency_keys_are_dropped(
    world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = make_shop(world, client)
    shop.order(key="first-order")
    loop = BackgroundLoop(world.db, interval_seconds=ROUND_SECONDS, forget_every_seconds=0)

    def keys() -> int:
        with world.db.session() as session:
            return session.scalar(select(func.count()).select_from(IdempotencyKey)) or 0

    assert loop.run_round().keys_forgotten == 0 and keys() == 1
    later = utcnow() + idempotency_service.KEY_TTL + timedelta(minutes=1)
    monkeypatch.setattr(idempotency_service, "utcnow", lambda: later)
    assert loop.run_round().keys_forgotten == 1 and keys() == 0
