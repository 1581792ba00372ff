"""Reserve and try with promotions, points and cashback: what the customer leaves behind
gives back what it took, and what they keep is priced by the order's promotions again."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.loyalty import deliver, grant, loyal_shop, points, reconciles
from tests.orders import Shop
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return loyal_shop(world, client)


def promote(shop: Shop, **terms: Any) -> dict[str, Any]:
    response = shop.client.post("/api/v1/promotions", json=terms,
                                headers=shop.as_(shop.world.owner(shop.merchant)))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def reread(shop: Shop, promotion: dict[str, Any]) -> tuple[int, int]:
    """(uses, đồng spent) of a promotion, once the outbox has delivered its news."""
    deliver(shop)
    response = shop.client.get(f"/api/v1/promotions/{promotion['id']}",
                               headers=shop.as_(shop.world.owner(shop.merchant)))
    return response.json()["uses"], response.json()["spent"]


def try_on(shop: Shop, lines: list[tuple[int, int]], **extra: Any) -> dict[str, Any]:
    return shop.order(lines=[{"variant_id": v, "quantity": q} for v, q in lines],
                      fulfilment={"type": "reserve_and_try", "store_id": shop.store.id},
                      **extra)


def keep(shop: Shop, order: dict[str, Any], bought: dict[int, int]) -> dict[str, Any]:
    """The cashier records what was bought, ``{variant_id: units}``."""
    lines = {line["variant_id"]: line["id"] for line in order["lines"]}
    response = shop.client.post(
        f"/api/v1/orders/{order['id']}/try-outcome", headers=shop.as_(shop.cashier),
        json={"bought": [{"line_id": lines[v], "quantity": q} for v, q in bought.items()]})
    assert response.status_code == 200, response.text
    deliver(shop)
    return response.json()  # type: ignore[no-any-return]


def test_keeping_only_the_free_shirt_of_buy_two_get_one_pays_for_it(shop: Shop) -> None:
    promotion = promote(shop, name="Mua 2 tặng 1 áo thun", kind="buy_x_get_y", buy=2, get=1,
                        percent=100, target={"variant_ids": [shop.shirt]})
    order = try_on(shop, [(shop.shirt, 3)])
    assert (order["discount"], order["total"]) == (199_000, 398_000)
    assert reread(shop, promotion) == (1, 199_000)

    kept = keep(shop, order, {shop.shirt: 1})

    assert (kept["subtotal"], kept["discount"], kept["total"]) == (199_000, 0, 199_000)
    assert kept["lines"][0]["adjustments"] == []
    assert reread(shop, promotion) == (0, 0)  # its use and budget are back


def test_keeping_three_of_four_shirts_still_gets_one_free(shop: Shop) -> None:
    promotion = promote(shop, name="Mua 2 tặng 1 áo thun", kind="buy_x_get_y", buy=2, get=1,
                        percent=100, target={"variant_ids": [shop.shirt]})
    order = try_on(shop, [(shop.shirt, 4)])
    assert order["discount"] == 199_000

    kept = keep(shop, order, {shop.shirt: 3})

    assert (kept["discount"], kept["total"]) == (199_000, 398_000)
    assert kept["lines"][0]["adjustments"][0]["name"] == "Mua 2 tặng 1 áo thun"
    assert reread(shop, promotion) == (1, 199_000)


def test_a_percentage_follows_the_units_kept_and_its_budget_gets_the_rest(shop: Shop) -> None:
    promotion = promote(shop, name="Giảm 10% áo thun", kind="items_percent", percent=10,
                        target={"variant_ids": [shop.shirt]}, budget=1_000_000)
    order = try_on(shop, [(shop.shirt, 2), (shop.jeans, 1)])
    assert order["discount"] == 39_800

    kept = keep(shop, order, {shop.shirt: 1, shop.jeans: 1})

    assert [(line["discount"], line["total"]) for line in kept["lines"]] == [
        (19_900, 179_100), (0, 450_000)]
    assert reread(shop, promotion) == (1, 19_900)


def test_a_minimum_spend_no_longer_met_gives_its_coupon_back(shop: Shop) -> None:
    """50.000 đ off from 800.000 đ with a one-use coupon; the customer keeps the jeans."""
    promotion = promote(shop, name="Giảm 50K đơn từ 800K", kind="order_fixed", amount=50_000,
                        min_spend=800_000, requires_coupon=True)
    owner = shop.as_(shop.world.owner(shop.merchant))
    coupon = shop.client.post(f"/api/v1/promotions/{promotion['id']}/coupons", headers=owner,
                              json={"code": "THU50", "max_uses": 1})
    assert coupon.status_code == 201, coupon.text
    order = try_on(shop, [(shop.shirt, 2), (shop.jeans, 1)], coupons=["THU50"])
    assert order["discount"] == 50_000

    kept = keep(shop, order, {shop.jeans: 1})

    assert (kept["discount"], kept["total"]) == (0, 450_000)
    assert reread(shop, promotion) == (0, 0)
    [code] = shop.client.get(f"/api/v1/promotions/{promotion['id']}/coupons",
                             headers=owner).json()
    assert code["uses"] == 0  # another customer may use it now
    again = shop.order(lines=[{"variant_id": shop.jeans, "quantity": 2}], coupons=["THU50"])
    assert again["discount"] == 50_000


def test_points_the_units_left_behind_no_longer_need_come_back(shop: Shop) -> None:
    """300 points (300.000 đ) on two shirts and jeans; the customer keeps one shirt."""
    assert grant(shop, 300).status_code == 201
    order = try_on(shop, [(shop.shirt, 2), (shop.jeans, 1)], points=300)
    assert (order["discount"], order["total"]) == (300_000, 548_000)
    assert points(shop)["balance"] == 0

    kept = keep(shop, order, {shop.shirt: 1})

    assert (kept["discount"], kept["total"]) == (199_000, 0)
    assert points(shop)["balance"] == 101
    # The shirt comes back: the 199 points it still used come back too, and none more.
    back = shop.client.post(
        f"/api/v1/orders/{order['id']}/returns", headers=shop.as_(shop.cashier),
        json={"store_id": shop.store.id, "lines": [
            {"line_id": kept["lines"][0]["id"], "quantity": 1}]})
    assert back.status_code == 201, back.text
    deliver(shop)
    assert points(shop)["balance"] == 300
    assert reconciles(shop)


def test_points_still_covered_by_the_units_kept_stay_spent(shop: Shop) -> None:
    assert grant(shop, 100).status_code == 201
    order = try_on(shop, [(shop.shirt, 2), (shop.jeans, 1)], points=100)

    kept = keep(shop, order, {shop.jeans: 1})

    assert (kept["discount"], kept["total"]) == (100_000, 350_000)
    account = points(shop)
    assert [e["kind"] for e in account["history"]] == ["earn", "spend", "adjust"]
    assert account["balance"] == 35  # earned on the 350.000 đ paid; none spent came back
    assert reconciles(shop)
