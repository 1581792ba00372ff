"""The live status of an order: server-sent events from its timeline, resumable, ended once
the order can move no more."""

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.orders import api as orders_api
from tests.orders import Shop, make_shop
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Shop:
    monkeypatch.setattr(orders_api, "POLL_SECONDS", 0.05)
    return make_shop(world, client)


def events(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """Parse an event stream: one dict per event, with its ``id``, ``event`` and ``data``."""
    event: dict[str, Any] = {}
    for line in lines:
        if not line:
            if event:
                yield event
            event = {}
            continue
        name, _, value = line.partition(": ")
        event[name] = json.loads(value) if name == "data" else value


def stream(shop: Shop, order_id: int, **headers: str) -> list[dict[str, Any]]:
    """The whole stream of an order that has closed."""
    with shop.client.stream("GET", f"/api/v1/orders/{order_id}/events",
                            headers=shop.as_(shop.customer) | headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return list(events(response.iter_lines()))


def collected(shop: Shop) -> dict[str, Any]:
    order = shop.order()
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 200, handed.text
    return handed.json()  # type: ignore[no-any-return]


def test_a_closed_order_replays_its_timeline_and_the_stream_ends(shop: Shop) -> None:
    order = collected(shop)

    got = stream(shop, order["id"])

    assert [e["event"] for e in got] == ["status"] * 4
    assert [(e["data"]["from"], e["data"]["status"]) for e in got] == [
        (None, "placed"), ("placed", "accepted"), ("accepted", "ready"), ("ready", "collected")]
    assert [int(e["id"]) for e in got] == [e["id"] for e in order["timeline"]]
    assert [e["data"]["id"] for e in got] == [e["id"] for e in order["timeline"]]


def test_last_event_id_resumes_after_that_event(shop: Shop) -> None:
    order = collected(shop)
    second = order["timeline"][1]["id"]

    got = stream(shop, order["id"], **{"Last-Event-ID": str(second)})

    assert [e["data"]["status"] for e in got] == ["ready", "collected"]


def test_a_live_stream_tells_the_customer_the_moment_the_order_is_ready(shop: Shop) -> None:
    order = shop.order()
    shop.move(order["id"], "accepted")
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    done = threading.Event()

    def listen() -> None:
        with shop.client.stream("GET", f"/api/v1/orders/{order['id']}/events",
                                headers=shop.as_(shop.customer)) as response:
            for event in events(response.iter_lines()):
                received.put(event)
                if done.is_set():
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    # Both events so far arrive while the order is still open: the stream is live.
    first = [received.get(timeout=10), received.get(timeout=10)]
    assert [e["data"]["status"] for e in first] == ["placed", "accepted"]
    assert received.empty() and listener.is_alive()

    done.set()
    assert shop.move(order["id"], "ready").status_code == 200

    news = received.get(timeout=10)
    assert news["data"]["status"] == "ready" and news["data"]["from"] == "accepted"
    listener.join(timeout=10)
    assert not listener.is_alive()


def test_another_customer_gets_404_before_any_stream(shop: Shop) -> None:
    order = shop.order()
    stranger = shop.world.customer("+84900000002", "Trần Văn Nam")
    with shop.client.stream("GET", f"/api/v1/orders/{order['id']}/events",
                            headers=shop.as_(stranger)) as response:
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")
        response.read()
        assert response.json()["error"]["code"] == "not_found"
    missing = shop.client.get("/api/v1/orders/999999/events", headers=shop.as_(shop.customer))
    assert missing.status_code == 404
