"""Points per shop: earned when the goods reach the customer, on what they paid; tiers by
lifetime spend; spent as a discount online and at the counter alike; taken back when goods
come back; expired without touching the past; one ledger that always adds up."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.auth.models import User
from o2o.config import Settings
from o2o.db import Database
from o2o.demo.load import load_demo
from o2o.loyalty import cashback
from o2o.loyalty import service as loyalty_service
from o2o.loyalty.models import LoyaltyEntry
from o2o.orders.models import Checkout
from tests.loyalty import (
    collect,
    counter_sale,
    deliver,
    give_back,
    grant,
    loyal_shop,
    points,
    reconciles,
    run_due,
    wallet,
)
from tests.orders import Shop, make_shop, refused
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return loyal_shop(world, client)


def rows(shop: Shop, model: type) -> int:
    with shop.world.db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_collecting_a_pickup_earns_points_on_what_was_paid_after_discounts(shop: Shop) -> None:
    shop.client.post("/api/v1/promotions", headers=shop.as_(shop.world.owner(shop.merchant)),
                     json={"name": "Giảm 10% áo thun", "kind": "items_percent", "percent": 10,
                           "target": {"variant_ids": [shop.shirt]}})
    order = shop.order()
    assert order["total"] == 358_200
    deliver(shop)
    assert wallet(shop)["points"] == []  # placed is not received

    collect(shop, order)

    account = points(shop)
    assert (account["balance"], account["tier"], account["lifetime_spend"]) == (35, "Bạc", 358_200)
    assert account["balance_value"] == 35_000
    [earned] = account["history"]
    assert (earned["kind"], earned["points"], earned["order_id"]) == ("earn", 35, order["id"])
    assert reconciles(shop)


def test_spending_past_a_threshold_moves_the_customer_up_a_tier_that_earns_faster(
    shop: Shop
) -> None:
    counter_sale(shop)  # 398.000 đ: 39 points, silver
    assert (points(shop)["balance"], points(shop)["tier"]) == (39, "Bạc")
    assert points(shop)["next_tier"] == {"name": "Vàng", "threshold": 500_000,
                                         "spend_needed": 102_000}

    counter_sale(shop, [{"variant_id": shop.jeans, "quantity": 1}])  # earned while silver
    account = points(shop)
    assert (account["balance"], account["tier"]) == (39 + 45, "Vàng")
    assert (account["benefit"], account["next_tier"]) == ("Miễn phí giao hàng", None)

    counter_sale(shop, [{"variant_id": shop.jeans, "quantity": 1}])  # gold: ×1.5
    assert points(shop)["balance"] == 39 + 45 + 67
    assert reconciles(shop)


def test_points_take_the_same_off_online_and_at_the_counter(shop: Shop) -> None:
    assert grant(shop, 100).status_code == 201
    online = shop.checkout(points=50)
    counter = shop.checkout(shop.cashier, points=50, customer_phone=shop.customer.phone,
                            fulfilment={"type": "in_store", "store_id": shop.store.id})
    for made in (online, counter):
        assert made["redemptions"] == [{"kind": "points", "label": "Đổi 50 điểm",
                                         "points": 50, "amount": 50_000}]
        assert (made["subtotal"], made["discount"], made["total"]) == (
            398_000, 50_000, 348_000)
        [line] = made["lines"]
        assert line["adjustments"][0]["name"] == "Đổi 50 điểm"
    assert points(shop)["balance"] == 100  # a checkout holds nothing

    placed = shop.client.post(f"/api/v1/checkouts/{online['id']}/complete",
                              headers=shop.as_(shop.customer))
    assert placed.status_code == 201, placed.text
    assert placed.json()["total"] == 348_000
    account = points(shop)
    assert account["balance"] == 50
    assert [(e["kind"], e["points"]) for e in account["history"]] == [
        ("spend", -50), ("adjust", 100)]
    assert reconciles(shop)


def test_points_never_take_off_more_than_the_goods_cost(shop: Shop) -> None:
    grant(shop, 1_000)
    made = shop.checkout(points=1_000, fulfilment={
        "type": "delivery", "recipient_name": "Lan", "recipient_phone": "0900000001",
        "address": "12 Phố Huế, Hà Nội", "lat": 21.01, "lon": 105.85})
    assert made["redemptions"][0]["points"] == 398  # whole points, the goods' worth
    assert (made["delivery_fee"], made["total"]) == (30_000, 30_000)


def test_spending_more_points_than_held_is_refused_and_nothing_is_written(shop: Shop) -> None:
    grant(shop, 100)
    checkouts, entries = rows(shop, Checkout), rows(shop, LoyaltyEntry)

    details = refused(shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}], "points": 101,
        "fulfilment": {"type": "pickup", "store_id": shop.store.id}}), 409, "insufficient_points")
    assert details == {"points": 101, "balance": 100}
    refused(shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.cashier), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}], "points": 10,
        "fulfilment": {"type": "in_store", "store_id": shop.store.id}}), 422,
        "redemption_needs_customer")
    refused(shop.client.post("/api/v1/checkouts", headers=shop.as_(shop.customer), json={
        "lines": [{"variant_id": shop.shirt, "quantity": 1}], "points": -1,
        "fulfilment": {"type": "pickup", "store_id": shop.store.id}}), 422, "validation_error")

    assert (rows(shop, Checkout), rows(shop, LoyaltyEntry)) == (checkouts, entries)
    assert points(shop)["balance"] == 100


def test_a_shop_without_a_programme_has_no_points_to_spend(world: World,
                                                           client: TestClient) -> None:
    plain = make_shop(world, client)
    refused(client.post("/api/v1/checkouts", headers=plain.as_(plain.customer), json={
        "lines": [{"variant_id": plain.shirt, "quantity": 1}], "points": 1,
        "fulfilment": {"type": "pickup", "store_id": plain.store.id}}), 422, "loyalty_not_offered")
    order = plain.order()
    collect(plain, order)
    assert wallet(plain)["points"] == []


def test_a_return_takes_back_what_the_goods_earned_in_proportion(shop: Shop) -> None:
    order = shop.order()
    collect(shop, order)
    assert points(shop)["balance"] == 39

    give_back(shop, order)  # one of two shirts: 199.000 đ

    account = points(shop)
    assert (account["balance"], account["lifetime_spend"]) == (39 - 19, 199_000)
    assert account["history"][0]["kind"] == "reverse"
    assert reconciles(shop)


def test_points_already_spent_cannot_be_taken_back_and_the_ledger_says_so(shop: Shop) -> None:
    order = shop.order()
    collect(shop, order)
    shop.order(lines=[{"variant_id": shop.jeans, "quantity": 1}], points=30)
    assert points(shop)["balance"] == 9

    give_back(shop, order, quantity=2)

    account = points(shop)
    assert (account["balance"], account["lifetime_spend"]) == (0, 0)
    reversal = account["history"][0]
    assert (reversal["kind"], reversal["points"], reversal["unrecovered"]) == ("reverse", -9, 30)
    assert reconciles(shop)


def test_points_spent_on_goods_that_come_back_are_given_back(shop: Shop) -> None:
    grant(shop, 100)
    order = shop.order(points=100)
    collect(shop, order)  # earns on 298.000 đ paid: 29 points
    assert points(shop)["balance"] == 29

    give_back(shop, order)

    assert points(shop)["balance"] == 29 - 14 + 50
    assert reconciles(shop)


def test_an_order_cancelled_gives_its_points_back(shop: Shop) -> None:
    grant(shop, 100)
    order = shop.order(points=60)
    assert points(shop)["balance"] == 40

    assert shop.move(order["id"], "cancelled", shop.customer).status_code == 200
    deliver(shop)

    account = points(shop)
    assert account["balance"] == 100
    assert account["history"][0]["kind"] == "refund"
    assert reconciles(shop)


def test_points_expire_after_their_months_less_what_was_spent_first(shop: Shop) -> None:
    counter_sale(shop)  # 39 points, for 12 months
    counter_sale(shop, [{"variant_id": shop.jeans, "quantity": 1}], points=10)
    assert points(shop)["balance"] == 39 - 10 + 44

    run_due(shop, days=300)
    assert points(shop)["balance"] == 73  # nothing is due yet
    run_due(shop, days=370)

    account = points(shop)
    assert account["balance"] == 0
    assert [(e["kind"], e["points"]) for e in account["history"][:1]] == [("expire", -73)]
    run_due(shop, days=400)  # nothing left to expire: nothing written
    assert len(points(shop)["history"]) == len(account["history"])
    assert reconciles(shop)


def test_staff_see_a_customer_of_their_own_shop_by_phone(shop: Shop) -> None:
    counter_sale(shop)
    found = shop.client.get("/api/v1/loyalty/lookup", params={"phone": "0900 000 001"},
                            headers=shop.as_(shop.cashier))
    assert found.status_code == 200, found.text
    assert (found.json()["customer_id"], found.json()["points"]["balance"]) == (
        shop.customer.id, 39)
    assert found.json()["cashback_available"] is None  # this shop takes no cashback

    rival = shop.world.merchant("saoviet")
    rival_owner = shop.as_(shop.world.owner(rival))
    refused(shop.client.get(f"/api/v1/loyalty/customers/{shop.customer.id}",
                            headers=rival_owner), 404, "not_found")
    refused(shop.client.get("/api/v1/loyalty/lookup", params={"phone": "0900000001"},
                            headers=rival_owner), 404, "not_found")
    refused(shop.client.get(f"/api/v1/loyalty/customers/{shop.customer.id}",
                            headers=shop.as_(shop.customer)), 403, "staff_only")


def test_only_the_owner_or_an_hq_manager_sets_the_programme(shop: Shop) -> None:
    before = shop.client.get("/api/v1/loyalty/programme", headers=shop.as_(shop.cashier)).json()
    refused(shop.client.put("/api/v1/loyalty/programme", headers=shop.as_(shop.cashier),
                            json={"earn_dong_per_point": 1, "point_value": 1}), 403, "forbidden")
    owner = shop.as_(shop.world.owner(shop.merchant))
    refused(shop.client.put("/api/v1/loyalty/programme", headers=owner, json={
        "earn_dong_per_point": 1, "point_value": 1,
        "tiers": [{"name": "Vàng", "threshold": 500}, {"name": "Bạc", "threshold": 0}]}),
        422, "validation_error")
    refused(shop.client.put("/api/v1/loyalty/programme", headers=owner, json={
        "earn_dong_per_point": 0, "point_value": 1}), 422, "validation_error")
    after = shop.client.get("/api/v1/loyalty/programme", headers=shop.as_(shop.cashier)).json()
    assert after == before
    assert [t["name"] for t in after["tiers"]] == ["Bạc", "Vàng"]


def test_a_correction_never_takes_more_than_the_balance(shop: Shop) -> None:
    grant(shop, 10)
    refused(grant(shop, -11), 422, "points_adjustment_invalid")
    refused(grant(shop, 0), 422, "points_adjustment_invalid")
    assert grant(shop, -10).status_code == 201
    assert points(shop)["balance"] == 0
    assert reconciles(shop)


def test_a_tier_is_a_segment_promotions_can_target(shop: Shop) -> None:
    owner = shop.as_(shop.world.owner(shop.merchant))
    made = shop.client.post("/api/v1/promotions", headers=owner, json={
        "name": "Hạng Vàng giảm 50.000", "kind": "order_fixed", "amount": 50_000,
        "audience": {"tiers": ["Vàng"]}})
    assert made.status_code == 201, made.text
    assert shop.checkout()["discount"] == 0
    counter_sale(shop, [{"variant_id": shop.jeans, "quantity": 2}])  # 900.000 đ: gold
    assert shop.checkout()["discount"] == 50_000


def test_the_demo_chains_run_points_and_the_network_cashback_with_some_history(
    settings: Settings
) -> None:
    db = Database(settings.database_url, pool_size=2)
    try:
        rows = load_demo(db)
        with db.session() as session:
            assert loyalty_service.reconcile(session) == []
            assert cashback.reconcile(session) == []
            assert len(cashback.participants(session)) == rows["merchants"] == 4
            shopper = session.scalar(select(User).where(User.phone == "+84900000001"))
            assert shopper is not None
            assert loyalty_service.accounts_of(session, shopper.id)
        assert rows["loyalty_programmes"] == 4 and rows["loyalty_entries"] > 8
    finally:
        db.dispose()
