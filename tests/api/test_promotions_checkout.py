"""One engine wherever a price is made: a promotion published online is honoured at the
counter, coupons are counted, limits hold, returns give the budget back."""

import pytest
from fastapi.testclient import TestClient

from o2o.outbox import service as outbox
from tests.orders import Shop, make_shop, refused
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def promote(shop: Shop, **terms: object) -> dict[str, object]:
    body = {"name": "Giảm 10% áo thun", "kind": "items_percent", "percent": 10,
            "target": {"variant_ids": [shop.shirt]}} | terms
    response = shop.client.post("/api/v1/promotions", json=body,
                                headers=shop.as_(shop.world.owner(shop.merchant)))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_promotion_prices_the_online_checkout_and_the_counter_alike(shop: Shop) -> None:
    promote(shop)
    online = shop.checkout()
    counter = shop.checkout(shop.cashier, fulfilment={"type": "in_store",
                                                      "store_id": shop.store.id})
    for made in (online, counter):
        [line] = made["lines"]
        assert (line["discount"], line["total"]) == (39_800, 358_200)
        assert line["adjustments"][0]["explanation"].startswith("Giảm 10%")
        assert made["total"] == 358_200


def test_placing_the_order_counts_the_use_and_a_return_gives_the_budget_back(shop: Shop) -> None:
    promotion = promote(shop, budget=100_000)
    order = shop.order()
    assert order["discount"] == 39_800 and order["total"] == 358_200
    assert order["lines"][0]["adjustments"][0]["amount"] == 39_800
    owner = shop.as_(shop.world.owner(shop.merchant))
    used = shop.client.get(f"/api/v1/promotions/{promotion['id']}", headers=owner).json()
    assert (used["uses"], used["spent"]) == (1, 39_800)
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                     json={"store_id": shop.store.id, "code": order["pickup_code"]})
    back = shop.client.post(f"/api/v1/orders/{order['id']}/returns",
                            headers=shop.as_(shop.cashier),
                            json={"store_id": shop.store.id,
                                  "lines": [{"line_id": order["lines"][0]["id"], "quantity": 1}]})
    assert back.status_code == 201, back.text
    assert back.json()["amount"] == 179_100  # what the unit cost after its discount
    with shop.world.db.session() as session:
        outbox.deliver_pending(session)
    after = shop.client.get(f"/api/v1/promotions/{promotion['id']}", headers=owner).json()
    assert after["spent"] == 39_800 - 19_900


def test_a_coupon_unlocks_its_promotion_and_is_used_up(shop: Shop) -> None:
    promotion = promote(shop, name="Mã TET", kind="order_fixed", amount=50_000, percent=0,
                        target={}, requires_coupon=True)
    owner = shop.as_(shop.world.owner(shop.merchant))
    made = shop.client.post(f"/api/v1/promotions/{promotion['id']}/coupons", headers=owner,
                            json={"code": "tet2026", "max_uses": 1})
    assert made.status_code == 201 and made.json()["code"] == "TET2026"
    without = shop.checkout()
    assert without["discount"] == 0
    order = shop.order(coupons=["tet2026"])
    assert order["discount"] == 50_000
    other = shop.world.customer("+84900000002", "Trần Văn Nam")
    late = shop.client.post("/api/v1/checkouts", headers=shop.as_(other), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}], "coupons": ["TET2026"],
        "fulfilment": {"type": "pickup", "store_id": shop.store.id}})
    assert late.status_code == 409 and late.json()["error"]["code"] == "coupon_exhausted"
    wrong = shop.client.post("/api/v1/checkouts", headers=shop.as_(other), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}], "coupons": ["NOPE123"],
        "fulfilment": {"type": "pickup", "store_id": shop.store.id}})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "coupon_invalid"


def test_a_promotion_naming_another_shops_product_is_refused(shop: Shop) -> None:
    rival = shop.world.merchant("saoviet", trade="electronics")
    theirs = shop.world.product(rival, "Tai nghe").variants[0].id
    response = shop.client.post("/api/v1/promotions", headers=shop.as_(
        shop.world.owner(shop.merchant)), json={
        "name": "x", "kind": "items_percent", "percent": 10,
        "target": {"variant_ids": [theirs]}})
    assert response.status_code == 422
    assert response.json()["error"]["details"]["variant_ids"] == [theirs]


def test_the_product_page_price_shows_the_item_promotion(shop: Shop) -> None:
    promote(shop)
    shown = shop.client.get(f"/api/v1/variants/{shop.shirt}/price").json()
    assert (shown["price"], shown["compare_at"]) == (179_100, 199_000)
    assert "10%" in shown["explanation"]


def test_a_cancelled_order_gives_its_coupon_and_budget_back(shop: Shop) -> None:
    promotion = promote(shop, name="Mã HOASEN", kind="order_fixed", amount=30_000, percent=0,
                        target={}, requires_coupon=True, budget=30_000)
    owner = shop.as_(shop.world.owner(shop.merchant))
    shop.client.post(f"/api/v1/promotions/{promotion['id']}/coupons", headers=owner,
                     json={"code": "HOASEN", "max_uses": 1})
    order = shop.order(coupons=["HOASEN"])
    assert order["discount"] == 30_000
    assert shop.move(order["id"], "cancelled", shop.customer).status_code == 200
    with shop.world.db.session() as session:
        outbox.deliver_pending(session)
    after = shop.client.get(f"/api/v1/promotions/{promotion['id']}", headers=owner).json()
    assert (after["uses"], after["spent"]) == (0, 0)
    again = shop.order(coupons=["HOASEN"])  # usable again, within budget again
    assert again["discount"] == 30_000


def test_a_promotion_ended_after_the_review_refuses_the_order_at_the_total_shown(
        shop: Shop) -> None:
    promotion = promote(shop)
    made = shop.checkout()
    assert made["total"] == 358_200
    ended = shop.client.put(f"/api/v1/promotions/{promotion['id']}", headers=shop.as_(
        shop.world.owner(shop.merchant)), json={
        "name": "Giảm 10% áo thun", "kind": "items_percent", "percent": 10,
        "target": {"variant_ids": [shop.shirt]}, "is_active": False})
    assert ended.status_code == 200, ended.text
    complete = f"/api/v1/checkouts/{made['id']}/complete"

    stale = shop.client.post(complete, headers=shop.as_(shop.customer),
                             json={"expected_total": 358_200})

    assert refused(stale, 409, "price_changed") == {"expected_total": 358_200,
                                                    "total": 398_000}
    assert shop.level(shop.store, shop.shirt) == (5, 0)  # nothing held, no order
    placed = shop.client.post(complete, headers=shop.as_(shop.customer),
                              json={"expected_total": 398_000})
    assert placed.status_code == 201, placed.text
    assert placed.json()["total"] == 398_000
