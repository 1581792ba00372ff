"""Order ahead: the customer picks a time slot, the store prepares a bounded number per slot."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from o2o.config import Settings
from o2o.errors import DomainError
from o2o.orders import checkout as checkout_service
from o2o.orders import slots as slots_module
from o2o.orm import utcnow
from tests.orders import Shop, make_shop, orders_count, refused
from tests.world import World

#: Orders the Hoàn Kiếm store prepares per slot in these tests.
CAPACITY = 5
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"order_ahead_slot_capacity": CAPACITY})


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    made = make_shop(world, client)
    world.stock(made.merchant, made.store, made.shirt, 50)  # enough to fill any slot
    return made


def slots(shop: Shop) -> list[dict[str, Any]]:
    response = shop.client.get(f"/api/v1/stores/{shop.store.id}/slots")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def a_slot(shop: Shop) -> str:
    """A slot offered now, not the first: it stays beyond the lead time while we order."""
    return slots(shop)[1]["start"]  # type: ignore[no-any-return]


def ahead(shop: Shop, slot_start: str) -> dict[str, Any]:
    return {"type": "order_ahead", "store_id": shop.store.id, "slot_start": slot_start}


def order_ahead(shop: Shop, slot_start: str, user: Any = None) -> dict[str, Any]:
    return shop.order(user, lines=[{"variant_id": shop.shirt, "quantity": 1}],
                      fulfilment=ahead(shop, slot_start))


def try_checkout(shop: Shop, slot_start: str) -> Any:
    return shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": ahead(shop, slot_start)})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_slots_are_on_the_grid_within_opening_hours_after_the_lead_time(shop: Shop) -> None:
    settings = shop.world.settings
    offered = slots(shop)
    assert len(offered) == 12
    length = timedelta(minutes=settings.order_ahead_slot_minutes)
    earliest = utcnow() + timedelta(minutes=settings.order_ahead_lead_minutes)
    for slot in offered:
        start, end = at(slot["start"]), at(slot["end"])
        assert start >= earliest - timedelta(seconds=5)
        assert end - start == length
        assert start.second == 0 and start.minute % settings.order_ahead_slot_minutes == 0
        assert 8 <= start.astimezone(HANOI).hour < 22  # the store opens 08:00-22:00
        assert slot["left"] == CAPACITY
    starts = [at(slot["start"]) for slot in offered]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_ordering_in_a_slot_takes_a_place_and_schedules_the_order(shop: Shop) -> None:
    slot = a_slot(shop)
    order = order_ahead(shop, slot)
    assert order["status"] == "placed" and len(order["pickup_code"]) == 6
    assert at(order["fulfilment"]["slot_start"]) == at(slot)
    assert at(order["slot_end"]) == at(slot) + timedelta(minutes=15)
    assert shop.level(shop.store, shop.shirt) == (50, 1)
    assert [s["left"] for s in slots(shop) if at(s["start"]) == at(slot)] == [CAPACITY - 1]
    order_ahead(shop, slot)
    assert [s["left"] for s in slots(shop) if at(s["start"]) == at(slot)] == [CAPACITY - 2]


def test_a_full_slot_is_409_and_writes_nothing(shop: Shop) -> None:
    slot = a_slot(shop)
    for _ in range(CAPACITY):
        order_ahead(shop, slot)
    assert at(slot) not in [at(s["start"]) for s in slots(shop)]  # no longer offered
    late = try_checkout(shop, slot)
    assert late.status_code == 201  # choosing it is fine; the place is taken at completion
    response = shop.client.post(f"/api/v1/checkouts/{late.json()['id']}/complete",
                                headers=shop.as_(shop.customer))
    assert at(refused(response, 409, "slot_full")["slot_start"]) == at(slot)
    assert orders_count(shop) == CAPACITY
    assert shop.level(shop.store, shop.shirt) == (50, CAPACITY)


def test_a_cancelled_order_frees_its_place(shop: Shop) -> None:
    slot = a_slot(shop)
    first = order_ahead(shop, slot)
    for _ in range(CAPACITY - 1):
        order_ahead(shop, slot)
    cancelled = shop.move(first["id"], "cancelled", shop.customer)
    assert cancelled.status_code == 200, cancelled.text
    assert [s["left"] for s in slots(shop) if at(s["start"]) == at(slot)] == [1]
    order_ahead(shop, slot)
    assert shop.level(shop.store, shop.shirt) == (50, CAPACITY)


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    local = (utcnow() + timedelta(days=1)).astimezone(HANOI)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


@pytest.mark.parametrize(("when", "why"), [
    (lambda: tomorrow_at(10, 7), "misaligned"),
    (lambda: tomorrow_at(10) - timedelta(days=2), "past"),
    (lambda: utcnow().replace(second=0, microsecond=0) + timedelta(
        minutes=-(utcnow().minute % 15)), "already begun"),
    (lambda: tomorrow_at(23), "store closed"),
    (lambda: tomorrow_at(10) + timedelta(days=8), "too far ahead"),
])
def test_a_slot_off_the_grid_in_the_past_or_when_closed_is_refused(
    shop: Shop, when: Any, why: str
) -> None:
    response = try_checkout(shop, when().isoformat())
    assert refused(response, 422, "fulfilment_invalid")["field"] == "slot_start", why
    assert orders_count(shop) == 0


def test_an_order_ahead_needs_a_slot_and_only_it_has_one(shop: Shop) -> None:
    response = shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "order_ahead", "store_id": shop.store.id}})
    assert refused(response, 422, "fulfilment_invalid")["field"] == "slot_start"
    response = shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "pickup", "store_id": shop.store.id, "slot_start": a_slot(shop)}})
    assert refused(response, 422, "fulfilment_invalid")["field"] == "slot_start"
    response = shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}],
        "fulfilment": {"type": "order_ahead", "store_id": shop.other.id,
                       "slot_start": a_slot(shop)}})
    assert refused(response, 422, "service_not_offered")["service"] == "order_ahead"


def test_the_store_prepares_the_order_and_hands_it_over_with_the_code(shop: Shop) -> None:
    order = order_ahead(shop, a_slot(shop))
    assert shop.move(order["id"], "accepted").json()["next"] == ["cancelled", "preparing"]
    assert shop.move(order["id"], "preparing").json()["next"] == ["ready"]
    refused(shop.move(order["id"], "cancelled", shop.customer), 409, "transition_not_allowed")
    assert shop.move(order["id"], "ready").json()["status"] == "ready"
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 200, handed.text
    body = handed.json()
    assert body["status"] == "collected" and body["pickup_code"] is None
    assert [e["status"] for e in body["timeline"]] == [
        "placed", "accepted", "preparing", "ready", "collected"]
    assert shop.level(shop.store, shop.shirt) == (49, 0)
    assert shop.reconciles()


def test_twelve_customers_racing_for_a_slot_of_five_get_exactly_five(
    shop: Shop, settings: Settings
) -> None:
    slot = a_slot(shop)
    customers = [shop.world.customer(f"+8491000{i:04d}", f"Khách {i}") for i in range(12)]
    checkouts = [shop.checkout(c, lines=[{"variant_id": shop.shirt, "quantity": 1}],
                               fulfilment=ahead(shop, slot))
                 for c in customers]
    actors = [shop.world.actor(c) for c in customers]
    start = threading.Barrier(len(customers))

    def complete(i: int) -> str:
        with shop.world.db.session() as session:
            start.wait()
            try:
                checkout_service.complete_checkout(
                    session, actor=actors[i], checkout_id=checkouts[i]["id"],
                    idempotency_key=f"race-{i}", settings=settings)
            except DomainError as exc:
                return exc.code
            return "ordered"

    with ThreadPoolExecutor(len(customers)) as pool:
        outcomes = Counter(pool.map(complete, range(len(customers))))

    assert outcomes == {"ordered": CAPACITY, "slot_full": len(customers) - CAPACITY}
    assert orders_count(shop) == CAPACITY
    assert shop.level(shop.store, shop.shirt) == (50, CAPACITY)
    assert at(slot) not in [at(s["start"]) for s in slots(shop)]
    assert shop.reconciles()


def test_a_slot_that_went_by_while_the_cart_waited_is_refused_at_completion(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_days_ago = utcnow() - timedelta(days=3)
    monkeypatch.setattr(slots_module, "utcnow", lambda: three_days_ago)
    slot = (three_days_ago + timedelta(days=1)).astimezone(HANOI).replace(
        hour=10, minute=0, second=0, microsecond=0)
    made = try_checkout(shop, slot.isoformat())
    assert made.status_code == 201, made.text
    monkeypatch.undo()
    response = shop.client.post(f"/api/v1/checkouts/{made.json()['id']}/complete",
                                headers=shop.as_(shop.customer))
    assert refused(response, 422, "fulfilment_invalid")["field"] == "slot_start"
    assert orders_count(shop) == 0 and shop.level(shop.store, shop.shirt) == (50, 0)
