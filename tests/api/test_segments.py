"""Customer segments over HTTP: a list a manager keeps by id or phone, a rule over what the
shop knows of each customer (orders, đồng spent, tier, how recent), refusals that write
nothing, and one merchant's segments out of another's sight."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from o2o.auth.models import User
from o2o.customers import segments
from o2o.orm import utcnow
from tests.loyalty import counter_sale, deliver, give_back, loyal_shop
from tests.orders import Shop, refused
from tests.world import World

SHIRT_PRICE, JEANS_PRICE = 199_000, 450_000


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    """Hoa Sen with its points programme (silver from the first đồng, gold from 500.000)."""
    return loyal_shop(world, client)


def owner(shop: Shop) -> dict[str, str]:
    return shop.as_(shop.world.owner(shop.merchant))


def create(shop: Shop, headers: dict[str, str] | None = None, **body: Any) -> dict[str, Any]:
    response = shop.client.post("/api/v1/segments", json=body, headers=headers or owner(shop))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def rule_segment(shop: Shop, **rule: Any) -> dict[str, Any]:
    return create(shop, name=f"Theo điều kiện {sorted(rule.items())}", kind="rule", rule=rule)


def add(shop: Shop, segment: dict[str, Any], **body: Any) -> Any:
    return shop.client.post(f"/api/v1/segments/{segment['id']}/customers", json=body,
                            headers=owner(shop))


def names_in(shop: Shop, segment: dict[str, Any]) -> list[str]:
    """The members page's names, checked against the segment's count."""
    page = shop.client.get(f"/api/v1/segments/{segment['id']}/customers",
                           params={"limit": 100}, headers=owner(shop))
    assert page.status_code == 200, page.text
    count = shop.client.get(f"/api/v1/segments/{segment['id']}", headers=owner(shop))
    assert page.json()["total"] == count.json()["members"] == len(page.json()["items"])
    return sorted(c["full_name"] for c in page.json()["items"])


def sell_to(shop: Shop, phone: str, name: str, lines: list[dict[str, Any]],
            **fulfilment: Any) -> dict[str, Any]:
    """A sale at the Hoàn Kiếm counter to a customer known by phone."""
    order = shop.order(shop.cashier, lines=lines, customer_phone=phone, customer_name=name,
                       fulfilment={"type": "in_store", "store_id": shop.store.id} | fulfilment)
    deliver(shop)
    return order


def test_a_list_segment_holds_the_customers_put_in_it_by_id_or_phone(shop: Shop) -> None:
    minh = shop.world.known_customer(shop.merchant, "+84912345678", "Trần Văn Minh")
    hoa = shop.world.known_customer(shop.merchant, "+84987654321", "Lê Thị Hoa")
    shop.world.known_customer(shop.merchant, "+84911111111", "Phạm Văn An")
    vip = create(shop, name="Khách VIP", kind="list")
    assert (vip["kind"], vip["rule"], vip["members"]) == ("list", None, 0)

    first = add(shop, vip, customer_ids=[minh.id], phones=["0987 654 321"])
    again = add(shop, vip, customer_ids=[hoa.id], phones=["+84 912 345 678"])

    assert first.json() == {"added": 2, "members": 2}
    assert again.json() == {"added": 0, "members": 2}  # already in it: no change
    assert names_in(shop, vip) == ["Lê Thị Hoa", "Trần Văn Minh"]
    gone = shop.client.delete(f"/api/v1/segments/{vip['id']}/customers/{minh.id}",
                              headers=owner(shop))
    assert gone.status_code == 204
    assert names_in(shop, vip) == ["Lê Thị Hoa"]
    again_gone = shop.client.delete(f"/api/v1/segments/{vip['id']}/customers/{minh.id}",
                                    headers=owner(shop))
    refused(again_gone, 404, "not_found")


def test_phones_the_shop_does_not_know_refuse_the_whole_list_and_add_nobody(
    shop: Shop, world: World
) -> None:
    hoa = world.known_customer(shop.merchant, "+84987654321", "Lê Thị Hoa")
    stranger = world.customer("+84933333333", "Người Lạ")  # a shopper, unknown to Hoa Sen
    rival = world.merchant("saoviet", trade="electronics")
    theirs = world.known_customer(rival, "+84944444444", "Khách Sao Việt")
    vip = create(shop, name="Khách VIP", kind="list")

    response = add(shop, vip, phones=["0987654321", "0933 333 333", "12345", "0944444444"],
                   customer_ids=[hoa.id, theirs.id, stranger.id])

    details = refused(response, 422, "customers_unknown")
    assert details == {"phones": ["12345", "0933 333 333", "0944444444"],
                       "customer_ids": sorted([stranger.id, theirs.id])}
    assert names_in(shop, vip) == []


@pytest.mark.parametrize("body", [
    {"name": "Trống", "kind": "rule", "rule": {}},
    {"name": "Âm", "kind": "rule", "rule": {"min_orders": -1}},
    {"name": "Âm", "kind": "rule", "rule": {"min_spent": -100_000}},
    {"name": "Không ngày", "kind": "rule", "rule": {"no_order_for_days": 0}},
    {"name": "Không ai", "kind": "rule", "rule": {"min_orders": 5, "max_orders": 2}},
    {"name": "Mâu thuẫn", "kind": "rule",
     "rule": {"ordered_within_days": 30, "no_order_for_days": 60}},
    {"name": "Đơn đầu", "kind": "rule", "rule": {"max_orders": 0, "min_spent": 1}},
    {"name": "Thiếu luật", "kind": "rule"},
    {"name": "Danh sách có luật", "kind": "list", "rule": {"min_orders": 1}},
    {"name": "  ", "kind": "list"},
    {"name": "Lạ", "kind": "vip"},
    {"name": "Thừa", "kind": "list", "members": [1]},
])
def test_a_rule_nobody_could_meet_or_a_bad_segment_is_refused(shop: Shop,
                                                            body: dict[str, Any]) -> None:
    response = shop.client.post("/api/v1/segments", json=body, headers=owner(shop))
    refused(response, 422, "validation_error")
    assert shop.client.get("/api/v1/segments", headers=owner(shop)).json() == []


def test_a_name_is_used_once_per_shop(shop: Shop, world: World) -> None:
    vip = create(shop, name="Khách VIP", kind="list")
    other = create(shop, name="Khách mới", kind="rule", rule={"joined_within_days": 30})
    refused(shop.client.post("/api/v1/segments", json={"name": "Khách VIP", "kind": "list"},
                             headers=owner(shop)), 409, "segment_name_taken")
    renamed = shop.client.patch(f"/api/v1/segments/{other['id']}", json={"name": "Khách VIP"},
                                headers=owner(shop))
    refused(renamed, 409, "segment_name_taken")
    rival = world.headers(world.owner(world.merchant("saoviet", trade="electronics")))
    assert create(shop, rival, name="Khách VIP", kind="list")["id"] != vip["id"]


def test_eight_managers_naming_a_segment_alike_at_once_make_one_segment(
    server: tuple[str, World]
) -> None:
    url, world = server
    merchant = world.merchant("hoasen")
    managers = [world.headers(world.staff(merchant, "manager", [], f"m{i}@hoasen.example.vn"))
                for i in range(8)]
    start = threading.Barrier(len(managers))

    def create_at_once(headers: dict[str, str]) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=60) as http:
            start.wait()
            return http.post("/api/v1/segments", headers=headers,
                             json={"name": "Khách VIP", "kind": "list"})

    with ThreadPoolExecutor(len(managers)) as pool:
        answers = list(pool.map(create_at_once, managers))

    assert Counter(a.status_code for a in answers) == {201: 1, 409: 7}
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {
        "segment_name_taken"}


def test_a_list_has_no_rule_and_a_rule_has_no_members_to_add(shop: Shop) -> None:
    hoa = shop.world.known_customer(shop.merchant, "+84987654321", "Lê Thị Hoa")
    vip = create(shop, name="Khách VIP", kind="list")
    loyal = create(shop, name="Khách quen", kind="rule", rule={"min_orders": 2})
    ruled = shop.client.patch(f"/api/v1/segments/{vip['id']}",
                              json={"rule": {"min_orders": 1}}, headers=owner(shop))
    refused(ruled, 409, "segment_kind_mismatch")
    refused(add(shop, loyal, customer_ids=[hoa.id]), 409, "segment_kind_mismatch")
    changed = shop.client.patch(f"/api/v1/segments/{loyal['id']}",
                                json={"rule": {"max_orders": 0}}, headers=owner(shop))
    assert changed.status_code == 200, changed.text
    rule = {name: value for name, value in changed.json()["rule"].items() if value is not None}
    assert (rule, changed.json()["members"]) == ({"max_orders": 0}, 1)


def test_another_shop_s_segment_is_not_found(shop: Shop, world: World) -> None:
    rival = world.headers(world.owner(world.merchant("saoviet", trade="electronics")))
    vip = create(shop, name="Khách VIP", kind="list")
    hoa = world.known_customer(shop.merchant, "+84987654321", "Lê Thị Hoa")
    assert add(shop, vip, customer_ids=[hoa.id]).status_code == 200
    path = f"/api/v1/segments/{vip['id']}"
    for response in (
        shop.client.get(path, headers=rival),
        shop.client.patch(path, json={"name": "Của tôi"}, headers=rival),
        shop.client.delete(path, headers=rival),
        shop.client.get(f"{path}/customers", headers=rival),
        shop.client.post(f"{path}/customers", json={"customer_ids": [hoa.id]}, headers=rival),
        shop.client.delete(f"{path}/customers/{hoa.id}", headers=rival),
    ):
        refused(response, 404, "not_found")
    assert shop.client.get("/api/v1/segments", headers=rival).json() == []
    assert names_in(shop, vip) == ["Lê Thị Hoa"]


def test_cashiers_read_segments_and_only_owners_and_managers_change_them(shop: Shop) -> None:
    cashier = shop.as_(shop.cashier)
    manager = shop.as_(shop.world.staff(shop.merchant, "manager", [shop.store]))
    vip = create(shop, manager, name="Khách VIP", kind="list")
    refused(shop.client.post("/api/v1/segments", json={"name": "Của thu ngân", "kind": "list"},
                             headers=cashier), 403, "forbidden")
    refused(shop.client.patch(f"/api/v1/segments/{vip['id']}", json={"name": "Khác"},
                              headers=cashier), 403, "forbidden")
    refused(shop.client.post(f"/api/v1/segments/{vip['id']}/customers",
                             json={"phones": ["0987654321"]}, headers=cashier), 403, "forbidden")
    refused(shop.client.delete(f"/api/v1/segments/{vip['id']}", headers=cashier), 403,
            "forbidden")
    assert [s["name"] for s in shop.client.get("/api/v1/segments", headers=cashier).json()] == [
        "Khách VIP"]
    refused(shop.client.get("/api/v1/segments", headers=shop.as_(shop.customer)), 403,
            "staff_only")
    assert shop.client.delete(f"/api/v1/segments/{vip['id']}", headers=manager).status_code == 204
    refused(shop.client.get(f"/api/v1/segments/{vip['id']}", headers=manager), 404, "not_found")


# --- rules ---------------------------------------------------------------------------------------

def regulars(shop: Shop) -> dict[str, User]:
    """Lan (the shop's shopper) bought three jeans at once: gold; Minh bought a shirt twice:
    silver; Hoa's only order was cancelled; An was registered at the counter, never bought."""
    lan = shop.customer
    counter_sale(shop, [{"variant_id": shop.jeans, "quantity": 3}])
    for _ in range(2):
        sell_to(shop, "+84912345678", "Trần Văn Minh",
                [{"variant_id": shop.shirt, "quantity": 1}])
    cancelled = shop.order(shop.cashier, customer_phone="+84987654321",
                           customer_name="Lê Thị Hoa",
                           lines=[{"variant_id": shop.shirt, "quantity": 1}])
    assert shop.move(cancelled["id"], "cancelled").status_code == 200
    an = shop.world.known_customer(shop.merchant, "+84911111111", "Phạm Văn An")
    return {"lan": lan, "an": an}


def test_each_condition_of_a_rule_picks_its_customers(shop: Shop) -> None:
    regulars(shop)
    everyone = ["Lê Thị Hoa", "Nguyễn Thị Lan", "Phạm Văn An", "Trần Văn Minh"]

    assert names_in(shop, rule_segment(shop, tiers=["Vàng"])) == ["Nguyễn Thị Lan"]
    assert names_in(shop, rule_segment(shop, tiers=["Bạc", "Vàng"])) == [
        "Nguyễn Thị Lan", "Trần Văn Minh"]
    assert names_in(shop, rule_segment(shop, min_orders=2)) == ["Trần Văn Minh"]
    assert names_in(shop, rule_segment(shop, max_orders=0)) == [  # a cancelled order is none
        "Lê Thị Hoa", "Phạm Văn An"]
    assert names_in(shop, rule_segment(shop, min_orders=1, max_orders=1)) == ["Nguyễn Thị Lan"]
    assert names_in(shop, rule_segment(shop, min_spent=3 * JEANS_PRICE)) == ["Nguyễn Thị Lan"]
    assert names_in(shop, rule_segment(shop, min_spent=2 * SHIRT_PRICE)) == [
        "Nguyễn Thị Lan", "Trần Văn Minh"]
    assert names_in(shop, rule_segment(shop, ordered_within_days=7)) == [
        "Nguyễn Thị Lan", "Trần Văn Minh"]
    assert names_in(shop, rule_segment(shop, no_order_for_days=30)) == []
    assert names_in(shop, rule_segment(shop, joined_within_days=30)) == everyone
    assert names_in(shop, rule_segment(shop, tiers=["Bạc"], min_orders=1)) == ["Trần Văn Minh"]


def test_what_came_back_is_not_spent(shop: Shop) -> None:
    order = counter_sale(shop, [{"variant_id": shop.jeans, "quantity": 3}])
    big_spenders = rule_segment(shop, min_spent=1_000_000)
    assert names_in(shop, big_spenders) == ["Nguyễn Thị Lan"]
    give_back(shop, order, quantity=2)
    assert names_in(shop, big_spenders) == []


def test_forty_days_on_the_recent_buyers_have_lapsed_and_nobody_is_new(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    regulars(shop)
    lapsed = rule_segment(shop, no_order_for_days=30)
    recent = rule_segment(shop, ordered_within_days=30)
    newcomers = rule_segment(shop, joined_within_days=30)
    lapsing = rule_segment(shop, ordered_within_days=60, no_order_for_days=30)
    later = utcnow() + timedelta(days=40)
    monkeypatch.setattr(segments, "utcnow", lambda: later)

    assert names_in(shop, lapsed) == names_in(shop, lapsing) == [
        "Nguyễn Thị Lan", "Trần Văn Minh"]
    assert names_in(shop, recent) == names_in(shop, newcomers) == []


def test_the_list_of_segments_counts_their_customers_now(shop: Shop) -> None:
    regulars(shop)
    vip = create(shop, name="Khách VIP", kind="list")
    assert add(shop, vip, phones=["0912345678"]).status_code == 200
    create(shop, name="Khách quen", kind="rule", rule={"min_orders": 1})
    create(shop, name="Chưa mua", kind="rule", rule={"max_orders": 0})

    listed = shop.client.get("/api/v1/segments", headers=owner(shop)).json()

    assert [(s["name"], s["kind"], s["members"]) for s in listed] == [
        ("Chưa mua", "rule", 2), ("Khách quen", "rule", 2), ("Khách VIP", "list", 1)]
