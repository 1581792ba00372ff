"""A coupon's uses never overrun: 200 shoppers completing at once with 50 uses left."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
from sqlalchemy import func, select

from o2o.config import Settings
from o2o.orders import checkout as orders_checkout
from o2o.orders.models import Order
from o2o.orders.schemas import CheckoutCreate
from o2o.promotions import service as promotions_service
from o2o.promotions.models import Coupon, PromotionRow, Redemption
from o2o.promotions.schemas import PromotionTerms
from tests.world import World

SHOPPERS = 200
USES = 50


def test_two_hundred_shoppers_share_a_coupon_with_fifty_uses_exactly_fifty_times(
    server: tuple[str, World], settings: Settings
) -> None:
    url, world = server
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    shirt = world.product(merchant).variants[0].id
    world.stock(merchant, store, shirt, SHOPPERS)
    owner = world.actor(world.owner(merchant))
    with world.db.session() as session:
        promotion = promotions_service.create_promotion(session, actor=owner, data=PromotionTerms(
            name="Mã SALE50", kind="order_fixed", amount=20_000, requires_coupon=True))
        promotions_service.create_coupon(session, actor=owner, promotion_id=promotion.id,
                                         code="SALE50", max_uses=USES)
    shoppers = [world.customer(f"+8490100{i:04d}") for i in range(SHOPPERS)]
    body = CheckoutCreate.model_validate({
        "lines": [{"variant_id": shirt, "quantity": 1}], "coupons": ["SALE50"],
        "fulfilment": {"type": "pickup", "store_id": store.id}})
    checkouts = []
    for shopper in shoppers:
        with world.db.session() as session:
            made = orders_checkout.create_checkout(session, actor=world.actor(shopper),
                                                   data=body, settings=settings)
            checkouts.append((world.headers(shopper), made.checkout.id))
    start = threading.Barrier(SHOPPERS)

    def complete(headers: dict[str, str], checkout_id: int) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=120) as http:
            start.wait()
            return http.post(f"/api/v1/checkouts/{checkout_id}/complete", headers=headers)

    with ThreadPoolExecutor(SHOPPERS) as pool:
        responses = list(pool.map(lambda c: complete(*c), checkouts))

    assert Counter(r.status_code for r in responses) == {201: USES, 409: SHOPPERS - USES}
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "coupon_exhausted"}
    assert {r.json()["discount"] for r in responses if r.status_code == 201} == {20_000}
    with world.db.session() as session:
        assert session.scalar(select(Coupon.uses).where(Coupon.code == "SALE50")) == USES
        row = session.get(PromotionRow, promotion.id)
        assert row is not None and (row.uses, row.spent) == (USES, USES * 20_000)
        assert session.scalar(select(func.count()).select_from(Redemption)) == USES
        assert session.scalar(select(func.count()).select_from(Order)) == USES
