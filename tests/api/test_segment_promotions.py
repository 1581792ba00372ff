"""Promotions for customer segments: a member gets the discount online and at the counter
alike, anyone else is told why not; a segment stays while a promotion is for it; checkouts
read segments only when a running promotion names one, in one statement."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from o2o.auth.models import User
from o2o.config import Settings
from o2o.demo.load import load_demo
from o2o.orders import checkout as checkout_service
from o2o.orders.schemas import CheckoutCreate
from tests.loyalty import counter_sale
from tests.orders import Shop, make_shop, refused
from tests.world import World

#: Two shirts: 398.000 đ; 10 % off the order.
TEN_PERCENT = 39_800
NOT_FOR_THEM = "Không dành cho nhóm khách hàng này"


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def owner(shop: Shop) -> dict[str, str]:
    return shop.as_(shop.world.owner(shop.merchant))


def segment(shop: Shop, **body: Any) -> int:
    made = shop.client.post("/api/v1/segments", json=body, headers=owner(shop))
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def promote(shop: Shop, *segment_ids: int) -> dict[str, Any]:
    made = shop.client.post("/api/v1/promotions", headers=owner(shop), json={
        "name": "Ưu đãi nhóm 10%", "kind": "order_percent", "percent": 10,
        "audience": {"segment_ids": list(segment_ids)}})
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


def known(shop: Shop, user: User) -> None:
    """The shop records a shopper at its counter (it knows them from then on)."""
    shop.world.known_customer(shop.merchant, user.phone or "", user.full_name)


def priced(shop: Shop, buyer: User | None, *, at_counter: bool) -> tuple[int, dict[int, str]]:
    """The discount of two shirts bought online by ``buyer`` or sold to them at the counter
    (``None``: a walk-in), and why each promotion left out was."""
    actor = shop.world.actor(shop.cashier if at_counter else buyer)  # type: ignore[arg-type]
    data = CheckoutCreate.model_validate({
        "lines": [{"variant_id": shop.shirt, "quantity": 2}],
        "fulfilment": {"type": "in_store" if at_counter else "pickup", "store_id": shop.store.id},
        "customer_phone": buyer.phone if buyer and at_counter else None})
    with shop.world.db.session() as session:
        made = checkout_service.create_checkout(session, actor=actor, data=data,
                                                settings=Settings())
    cart = made.priced.cart
    assert cart is not None
    return made.priced.discount, {s.promotion_id: s.explanation for s in cart.skipped}


def test_a_list_segment_s_promotion_is_for_its_members_online_and_at_the_counter(
    shop: Shop
) -> None:
    member, other = shop.customer, shop.world.customer("+84900000002", "Trần Văn Nam")
    for user in (member, other):
        known(shop, user)
    vip = segment(shop, name="Khách VIP", kind="list")
    added = shop.client.post(f"/api/v1/segments/{vip}/customers", headers=owner(shop),
                             json={"phones": [member.phone]})
    assert added.status_code == 200, added.text
    promotion = promote(shop, vip)

    assert priced(shop, member, at_counter=False) == (TEN_PERCENT, {})
    assert priced(shop, member, at_counter=True) == (TEN_PERCENT, {})
    for at_counter in (False, True):
        assert priced(shop, other, at_counter=at_counter) == (0, {promotion["id"]: NOT_FOR_THEM})
    assert priced(shop, None, at_counter=True) == (
        0, {promotion["id"]: "Chỉ dành cho khách hàng thành viên"})
    order = shop.order(member)  # the API's checkout, placed: the discount is kept
    assert order["discount"] == TEN_PERCENT


def test_a_rule_segment_s_promotion_follows_the_rule(shop: Shop) -> None:
    regular = segment(shop, name="Khách quen", kind="rule", rule={"min_orders": 1})
    promotion = promote(shop, regular)
    known(shop, shop.customer)

    assert priced(shop, shop.customer, at_counter=False) == (
        0, {promotion["id"]: NOT_FOR_THEM})
    counter_sale(shop, [{"variant_id": shop.jeans, "quantity": 1}])  # the shop's first sale

    assert priced(shop, shop.customer, at_counter=False) == (TEN_PERCENT, {})
    assert priced(shop, shop.customer, at_counter=True) == (TEN_PERCENT, {})


def test_a_first_order_segment_welcomes_a_shopper_the_shop_has_never_seen(shop: Shop) -> None:
    newcomers = segment(shop, name="Đơn đầu tiên", kind="rule",
                        rule={"max_orders": 0, "joined_within_days": 30})
    promote(shop, newcomers)

    first = shop.order()  # a shopper new to Hoa Sen: no profile yet when the cart is priced

    assert first["discount"] == TEN_PERCENT
    assert shop.checkout()["discount"] == 0  # the second order is not a first one


def test_a_member_of_either_segment_gets_it(shop: Shop) -> None:
    vip = segment(shop, name="Khách VIP", kind="list")
    regular = segment(shop, name="Khách quen", kind="rule", rule={"min_orders": 1})
    promote(shop, vip, regular)
    counter_sale(shop)
    assert priced(shop, shop.customer, at_counter=False)[0] == TEN_PERCENT


def test_a_segment_stays_while_a_promotion_is_for_it(shop: Shop) -> None:
    vip = segment(shop, name="Khách VIP", kind="list")
    promotion = promote(shop, vip)
    refused(shop.client.delete(f"/api/v1/segments/{vip}", headers=owner(shop)), 409,
            "segment_in_use")
    assert shop.client.get(f"/api/v1/segments/{vip}", headers=owner(shop)).status_code == 200

    terms = {k: v for k, v in promotion.items()
             if k not in ("id", "merchant_id", "uses", "spent", "created_at")}
    changed = shop.client.put(f"/api/v1/promotions/{promotion['id']}", headers=owner(shop),
                              json=terms | {"audience": {"segment_ids": []}})
    assert changed.status_code == 200, changed.text

    assert shop.client.delete(f"/api/v1/segments/{vip}", headers=owner(shop)).status_code == 204


def test_a_promotion_for_another_shop_s_segment_is_refused(shop: Shop, world: World) -> None:
    rival = world.merchant("saoviet", trade="electronics")
    rival_owner = world.headers(world.owner(rival))
    theirs = shop.client.post("/api/v1/segments", headers=rival_owner,
                              json={"name": "Khách VIP", "kind": "list"}).json()["id"]
    made = shop.client.post("/api/v1/promotions", headers=owner(shop), json={
        "name": "Nhóm lạ", "kind": "order_percent", "percent": 5,
        "audience": {"segment_ids": [theirs, 9999]}})
    details = refused(made, 422, "promotion_targets_unknown")
    assert details == {"segment_ids": sorted([theirs, 9999])}
    assert shop.client.get("/api/v1/promotions", headers=owner(shop)).json() == []


@contextmanager
def statements(shop: Shop) -> Iterator[list[str]]:
    """The SQL sent to the database meanwhile."""
    sent: list[str] = []
    engine = shop.world.db.engine

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_checkouts_read_segments_only_for_a_segment_promotion_and_in_one_statement(
    shop: Shop
) -> None:
    known(shop, shop.customer)
    vip = segment(shop, name="Khách VIP", kind="list")
    regular = segment(shop, name="Khách quen", kind="rule", rule={"min_orders": 1})
    shop.client.post("/api/v1/promotions", headers=owner(shop), json={
        "name": "Cho mọi người", "kind": "order_percent", "percent": 5})
    with statements(shop) as sent:
        shop.checkout()
    assert not [sql for sql in sent if "customer_segment" in sql]

    promote(shop, vip, regular)
    shop.checkout()  # the rule is read once by this process
    with statements(shop) as sent:
        shop.checkout()
    assert len([sql for sql in sent if "customer_segment" in sql]) == 1


def test_the_demo_shop_has_its_vips_a_rule_for_the_lapsed_and_a_promotion_for_the_vips(
    client: TestClient
) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    load_demo(db)
    with db.session() as session:
        owner = session.scalars(select(User).where(User.email == "owner@hoasen.demo.o2o")).one()
    headers = World(db).headers(owner)

    found = {s["name"]: s for s in client.get("/api/v1/segments", headers=headers).json()}
    vips = client.get(f"/api/v1/segments/{found['Khách VIP']['id']}/customers",
                      headers=headers).json()["items"]
    promotions = client.get("/api/v1/promotions", headers=headers).json()

    assert found["Khách VIP"]["members"] == len(vips) == 5
    assert "+84900000001" not in [c["phone"] for c in vips]  # the walkthrough's shopper
    assert found["Khách lâu chưa quay lại"]["rule"]["no_order_for_days"] == 30
    assert [p["name"] for p in promotions
            if p["audience"]["segment_ids"] == [found["Khách VIP"]["id"]]] == [
        "Khách VIP: giảm 10% mọi đơn"]
