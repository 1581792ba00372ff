"""A promotion's limits never overrun, however many checkouts complete at once: a coupon's
uses, a budget in đồng and the uses each customer is allowed."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2 as httpx
from sqlalchemy import func, select

from o2o.auth.models import User
from o2o.config import Settings
from o2o.orders import checkout as orders_checkout
from o2o.orders.models import Order
from o2o.orders.schemas import CheckoutCreate
from o2o.promotions import service as promotions_service
from o2o.promotions.models import Coupon, CustomerUse, PromotionRow, Redemption
from o2o.promotions.schemas import PromotionTerms
from tests.world import World


def race(server: tuple[str, World], settings: Settings, shoppers: list[User], *,
         terms: dict[str, Any], coupon: tuple[str, int] | None = None
         ) -> tuple[World, PromotionRow, list[httpx.Response]]:
    """One checkout of a 100.000 đ shirt per shopper (a shopper may come several times),
    priced while the promotion had room, then all completed at the same moment at the
    total each was shown."""
    url, world = server
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    shirt = world.product(merchant, variants=[{"sku": "shirt", "price": 100_000}]).variants[0].id
    world.stock(merchant, store, shirt, len(shoppers))
    owner = world.actor(world.owner(merchant))
    with world.db.session() as session:
        promotion = promotions_service.create_promotion(
            session, actor=owner, data=PromotionTerms.model_validate(terms))
        if coupon:
            promotions_service.create_coupon(session, actor=owner, promotion_id=promotion.id,
                                             code=coupon[0], max_uses=coupon[1])
    body = CheckoutCreate.model_validate({
        "lines": [{"variant_id": shirt, "quantity": 1}], "coupons": [coupon[0]] if coupon else [],
        "fulfilment": {"type": "pickup", "store_id": store.id}})
    checkouts = []
    for shopper in shoppers:
        with world.db.session() as session:
            made = orders_checkout.create_checkout(session, actor=world.actor(shopper),
                                                   data=body, settings=settings)
            assert made.priced.discount > 0
            checkouts.append((world.headers(shopper), made.checkout.id, made.priced.total))
    start = threading.Barrier(len(checkouts))

    def complete(headers: dict[str, str], checkout_id: int, shown: int) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=120) as http:
            start.wait()
            return http.post(f"/api/v1/checkouts/{checkout_id}/complete", headers=headers,
                             json={"expected_total": shown})

    with ThreadPoolExecutor(len(checkouts)) as pool:
        return world, promotion, list(pool.map(lambda c: complete(*c), checkouts))


def settled(world: World, promotion: PromotionRow) -> tuple[int, int, int, int]:
    """(uses, đồng spent, redemptions, orders) as the database has them."""
    with world.db.session() as session:
        row = session.get(PromotionRow, promotion.id)
        assert row is not None
        return (row.uses, row.spent,
                session.scalar(select(func.count()).select_from(Redemption)) or 0,
                session.scalar(select(func.count()).select_from(Order)) or 0)


def test_two_hundred_shoppers_share_a_coupon_with_fifty_uses_exactly_fifty_times(
    server: tuple[str, World], settings: Settings
) -> None:
    shoppers = [server[1].customer(f"+8490100{i:04d}") for i in range(200)]

    world, promotion, responses = race(
        server, settings, shoppers, coupon=("SALE50", 50),
        terms={"name": "Mã SALE50", "kind": "order_fixed", "amount": 20_000,
               "requires_coupon": True})

    assert Counter(r.status_code for r in responses) == {201: 50, 409: 150}
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "coupon_exhausted"}
    assert {r.json()["discount"] for r in responses if r.status_code == 201} == {20_000}
    with world.db.session() as session:
        assert session.scalar(select(Coupon.uses).where(Coupon.code == "SALE50")) == 50
    assert settled(world, promotion) == (50, 50 * 20_000, 50, 50)


def test_a_budget_of_ten_discounts_gives_exactly_ten_to_forty_shoppers(
    server: tuple[str, World], settings: Settings
) -> None:
    shoppers = [server[1].customer(f"+8490100{i:04d}") for i in range(40)]

    world, promotion, responses = race(
        server, settings, shoppers,
        terms={"name": "Giảm 20.000 ₫", "kind": "order_fixed", "amount": 20_000,
               "budget": 200_000})

    assert Counter(r.status_code for r in responses) == {201: 10, 409: 30}
    # Refused when redeeming, or (after one committed) when pricing at the new total.
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} <= {
        "promotion_unavailable", "price_changed"}
    assert settled(world, promotion) == (10, 200_000, 10, 10)


def test_one_customer_completing_twelve_checkouts_at_once_gets_the_two_uses_allowed(
    server: tuple[str, World], settings: Settings
) -> None:
    customer = server[1].customer()

    world, promotion, responses = race(
        server, settings, [customer] * 12,
        terms={"name": "Giảm 20.000 ₫, 2 lần mỗi khách", "kind": "order_fixed",
               "amount": 20_000, "per_customer_limit": 2})

    assert Counter(r.status_code for r in responses) == {201: 2, 409: 10}
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} <= {
        "promotion_unavailable", "price_changed"}
    assert settled(world, promotion) == (2, 40_000, 2, 2)
    with world.db.session() as session:
        assert session.scalar(select(CustomerUse.uses)) == 2
