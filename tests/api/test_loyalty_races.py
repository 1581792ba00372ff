"""One balance, many checkouts at once: a real server, real connections, both databases.
Exactly the spends the balance affords go through, it never goes below zero, and the
ledger still adds up."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
from sqlalchemy import func, select

from o2o.config import Settings
from o2o.loyalty import service as loyalty_service
from o2o.loyalty.models import LoyaltyEntry, PointsKind
from o2o.loyalty.schemas import AdjustmentIn, LoyaltyProgrammeIn
from o2o.orders import checkout as orders_checkout
from o2o.orders.models import Order
from o2o.orders.schemas import CheckoutCreate
from tests.world import World

CHECKOUTS = 30
BALANCE = 1_000
EACH = 70  # 14 spends fit in 1.000 points, with 20 points left over


def test_thirty_checkouts_spending_one_balance_at_once_take_only_what_it_holds(
    server: tuple[str, World], settings: Settings
) -> None:
    url, world = server
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    shirt = world.product(merchant).variants[0].id
    world.stock(merchant, store, shirt, CHECKOUTS)
    owner = world.actor(world.owner(merchant))
    shopper = world.customer()
    world.known_customer(merchant, phone=shopper.phone or "")
    with world.db.session() as session:
        loyalty_service.set_programme(session, actor=owner, data=LoyaltyProgrammeIn(
            earn_dong_per_point=10_000, point_value=1_000))
        loyalty_service.adjust(session, actor=owner, customer_id=shopper.id,
                               data=AdjustmentIn(points=BALANCE, note="Khai trương"))
    body = CheckoutCreate.model_validate({
        "lines": [{"variant_id": shirt, "quantity": 1}], "points": EACH,
        "fulfilment": {"type": "pickup", "store_id": store.id}})
    checkouts = []
    for _ in range(CHECKOUTS):
        with world.db.session() as session:
            made = orders_checkout.create_checkout(session, actor=world.actor(shopper),
                                                   data=body, settings=settings)
            checkouts.append(made.checkout.id)
    headers = world.headers(shopper)
    start = threading.Barrier(CHECKOUTS)

    def complete(checkout_id: int) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=120) as http:
            start.wait()
            return http.post(f"/api/v1/checkouts/{checkout_id}/complete", headers=headers)

    with ThreadPoolExecutor(CHECKOUTS) as pool:
        responses = list(pool.map(complete, checkouts))

    affordable = BALANCE // EACH
    assert Counter(r.status_code for r in responses) == {
        201: affordable, 409: CHECKOUTS - affordable}
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "insufficient_points"}
    assert {r.json()["total"] for r in responses if r.status_code == 201} == {199_000 - 70_000}
    with world.db.session() as session:
        account = loyalty_service.find_account(session, merchant.id, shopper.id)
        assert account is not None and account.balance == BALANCE - affordable * EACH
        spends = session.scalar(select(func.count()).select_from(LoyaltyEntry).where(
            LoyaltyEntry.kind == PointsKind.SPEND))
        assert spends == affordable
        assert session.scalar(select(func.count()).select_from(Order)) == affordable
        assert loyalty_service.reconcile(session) == []

