"""The back office's customer segments over HTTP: a list or a rule made from its form, a
segment's page with its customers, phones added from a text box (all or none), a customer
taken out, a segment a promotion is for kept; the promotion form offers the segments by
name."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_pos_order_pages import sign_in
from tests.orders import Shop, make_shop
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    """Hoa Sen, its owner signed in to the back office, two customers at its counter."""
    made = make_shop(world, client)
    world.known_customer(made.merchant, "+84912345678", "Trần Văn Minh")
    world.known_customer(made.merchant, "+84987654321", "Lê Thị Hoa")
    sign_in(client, world.owner(made.merchant), app="admin")
    return made


def segments(shop: Shop) -> list[dict[str, Any]]:
    answer = shop.client.get("/api/v1/segments", headers=shop.as_(shop.world.owner(shop.merchant)))
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def create(shop: Shop, **form: str) -> int:
    """Save the new segment's form; the new segment's id."""
    answer = shop.client.post("/admin/segments", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].split("/")[-1].split("?")[0])


def test_a_list_segment_is_made_and_filled_from_its_pages(shop: Shop) -> None:
    vip = create(shop, name="Khách VIP", kind="list", min_orders="3")  # a list keeps no rule

    added = shop.client.post(f"/admin/segments/{vip}/customers",
                             data={"phones": "0912 345 678\n\n+84987654321\n"})

    assert added.status_code == 200 and "Đã thêm 2 khách hàng." in added.text
    assert "Trần Văn Minh" in added.text and "Lê Thị Hoa" in added.text
    assert [(s["name"], s["kind"], s["rule"], s["members"]) for s in segments(shop)] == [
        ("Khách VIP", "list", None, 2)]
    listed = shop.client.get("/admin/segments")
    assert "Khách VIP" in listed.text and 'href="/admin/segments"' in listed.text  # the nav
    assert "Nhóm khách hàng" in listed.text


def test_phones_the_shop_does_not_know_are_named_and_nobody_is_added(shop: Shop) -> None:
    vip = create(shop, name="Khách VIP", kind="list")

    answer = shop.client.post(f"/admin/segments/{vip}/customers",
                              data={"phones": "0912345678\n0933 333 333\nabc"})

    assert answer.status_code == 422
    assert "Chưa thêm ai." in answer.text
    assert "<code>0933 333 333</code>" in answer.text and "<code>abc</code>" in answer.text
    assert "0912345678\n0933 333 333\nabc</textarea>" in answer.text  # kept as typed
    assert segments(shop)[0]["members"] == 0


def test_a_customer_is_taken_out_of_a_list(shop: Shop) -> None:
    vip = create(shop, name="Khách VIP", kind="list")
    shop.client.post(f"/admin/segments/{vip}/customers", data={"phones": "0912345678"})
    [minh] = [c for c in segments_customers(shop, vip)]

    answer = shop.client.post(f"/admin/segments/{vip}/customers/{minh['id']}/remove")

    assert answer.status_code == 200
    assert "Khách hàng đã được bỏ khỏi nhóm." in answer.text
    assert segments_customers(shop, vip) == []


def segments_customers(shop: Shop, segment_id: int) -> list[dict[str, Any]]:
    answer = shop.client.get(f"/api/v1/segments/{segment_id}/customers",
                             headers=shop.as_(shop.world.owner(shop.merchant)))
    return answer.json()["items"]  # type: ignore[no-any-return]


def test_a_rule_segment_is_made_from_its_conditions_and_shows_who_meets_them(
    shop: Shop
) -> None:
    rule = create(shop, name="Khách mới", kind="rule", max_orders="0", joined_within_days="30",
                  min_orders="", tiers="")

    page = shop.client.get(f"/admin/segments/{rule}")

    assert [s["rule"] for s in segments(shop)] == [{
        "tiers": None, "min_orders": None, "max_orders": 0, "min_spent": None,
        "ordered_within_days": None, "no_order_for_days": None, "joined_within_days": 30}]
    assert "Chưa có đơn nào" in page.text and "Mới trong 30 ngày" in page.text
    assert "Trần Văn Minh" in page.text and "Lê Thị Hoa" in page.text
    assert 'data-members>2<' in page.text
    changed = shop.client.post(f"/admin/segments/{rule}", data={
        "name": "Khách thân", "kind": "rule", "min_spent": "1.000.000"})
    assert changed.status_code == 200 and "Đã lưu thay đổi." in changed.text
    assert (segments(shop)[0]["name"], segments(shop)[0]["rule"]["min_spent"]) == (
        "Khách thân", 1_000_000)
    assert "Trần Văn Minh" not in changed.text


@pytest.mark.parametrize(("form", "marked"), [
    ({"name": "", "kind": "list"}, 'id="segment-name"'),
    ({"name": "Trống", "kind": "rule"}, "Điền ít nhất một điều kiện"),
    ({"name": "Âm", "kind": "rule", "min_orders": "-2"}, 'id="rule-min_orders"'),
    ({"name": "Chữ", "kind": "rule", "no_order_for_days": "ba mươi"},
     'id="rule-no_order_for_days"'),
    ({"name": "Không ai", "kind": "rule", "ordered_within_days": "10",
      "no_order_for_days": "30"}, "Điền ít nhất một điều kiện"),
])
def test_a_bad_form_is_shown_again_marked_and_nothing_is_saved(
    shop: Shop, form: dict[str, str], marked: str
) -> None:
    answer = shop.client.post("/admin/segments", data=form)

    assert answer.status_code == 422
    assert "Không có gì được lưu." in answer.text
    if marked.startswith("id="):
        tag = answer.text[answer.text.rindex("<input", 0, answer.text.index(marked)):]
        assert "is-invalid" in tag[:tag.index(">")]
    else:
        assert marked in answer.text
    assert segments(shop) == []


def test_a_name_taken_is_refused_on_the_form(shop: Shop) -> None:
    create(shop, name="Khách VIP", kind="list")
    answer = shop.client.post("/admin/segments", data={"name": "Khách VIP", "kind": "list"})
    assert answer.status_code == 409 and "Đã có nhóm khác mang tên này." in answer.text
    assert len(segments(shop)) == 1


def test_a_segment_a_promotion_is_for_is_kept_and_the_form_offers_segments_by_name(
    shop: Shop
) -> None:
    vip = create(shop, name="Khách VIP", kind="list")
    form = shop.client.get("/admin/promotions/new").text
    assert f'name="segment_ids" value="{vip}"' in form and "Khách VIP" in form
    made = shop.client.post("/admin/promotions", follow_redirects=False, data={
        "name": "VIP giảm 10%", "kind": "order_percent", "percent": "10", "priority": "100",
        "channels": "both", "stackable": "on", "is_active": "on", "segment_ids": str(vip)})
    assert made.status_code == 303, made.text
    promotion = made.headers["location"].split("?")[0]
    assert f'name="segment_ids" value="{vip}" checked' in shop.client.get(promotion).text

    page = shop.client.get(f"/admin/segments/{vip}")
    refused = shop.client.post(f"/admin/segments/{vip}/delete")

    assert "VIP giảm 10%" in page.text
    assert refused.status_code == 409 and "Chưa xoá nhóm." in refused.text
    assert len(segments(shop)) == 1


def test_a_segment_nobody_names_is_deleted(shop: Shop) -> None:
    vip = create(shop, name="Khách VIP", kind="list")
    answer = shop.client.post(f"/admin/segments/{vip}/delete")
    assert answer.status_code == 200 and "Đã xoá nhóm." in answer.text
    assert segments(shop) == []


def test_only_the_shop_s_owners_and_managers_open_its_segments(shop: Shop, world: World) -> None:
    vip = create(shop, name="Khách VIP", kind="list")
    sign_in(shop.client, shop.cashier, app="pos")
    assert shop.client.get("/admin/segments").status_code == 403
    sign_in(shop.client, world.owner(world.merchant("saoviet")), app="admin")
    assert shop.client.get(f"/admin/segments/{vip}").status_code == 404
    assert "data-segment=" not in shop.client.get("/admin/segments").text
    sign_in(shop.client, world.staff(shop.merchant, "manager", [shop.store]), app="admin")
    assert "Khách VIP" in shop.client.get(f"/admin/segments/{vip}").text
