"""The back office's loyalty pages (the programme's settings, a customer's points and a
manager's correction) and the operator's cashback pages (the programme, its merchants, the
settlement): forms save what the service would, refused input shows why and saves nothing."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.auth.models import User
from tests.api.test_pos_order_pages import sign_in
from tests.loyalty import collect, grant, loyal_shop, pay_by_card, points, run_due, today
from tests.orders import Shop, make_shop
from tests.world import World

SETTINGS_FORM = {
    "earn_dong_per_point": "20.000", "point_value": "500", "expiry_months": "", "is_active": "on",
    "tier_name": ["Thành viên", "Kim cương", ""], "tier_threshold": ["0", "5.000.000", ""],
    "tier_multiplier": ["100", "200", ""], "tier_benefit": ["", "Quà mỗi tháng", ""],
}


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def programme_of(shop: Shop) -> Any:
    answer = shop.client.get("/api/v1/loyalty/programme",
                             headers=shop.as_(shop.world.owner(shop.merchant)))
    return answer.json() if answer.status_code == 200 else None


def cashback_terms(shop: Shop) -> Any:
    answer = shop.client.get("/api/v1/cashback/programme")
    return answer.json() if answer.status_code == 200 else None


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def post(shop: Shop, url: str, data: dict[str, Any]) -> Any:
    return shop.client.post(url, data=data, follow_redirects=False)


# --- the programme's settings ------------------------------------------------------------------

def test_the_owner_sets_the_programme_as_the_service_would_save_it(shop: Shop) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")
    blank = shop.client.get("/admin/loyalty")
    assert blank.status_code == 200 and 'value="10.000"' in blank.text  # common values to start

    saved = post(shop, "/admin/loyalty", SETTINGS_FORM)

    assert saved.status_code == 303 and saved.headers["location"] == "/admin/loyalty?done=saved"
    programme = programme_of(shop)
    assert (programme["earn_dong_per_point"], programme["point_value"],
            programme["expiry_months"], programme["is_active"]) == (20_000, 500, None, True)
    assert programme["tiers"] == [
        {"name": "Thành viên", "threshold": 0, "multiplier_percent": 100, "benefit": ""},
        {"name": "Kim cương", "threshold": 5_000_000, "multiplier_percent": 200,
         "benefit": "Quà mỗi tháng"}]
    page = shop.client.get("/admin/loyalty?done=saved").text
    assert "Đã lưu" in page and 'value="Kim cương"' in page and 'value="5.000.000"' in page


@pytest.mark.parametrize(("change", "marked"), [
    ({"tier_threshold": ["5.000.000", "0", ""]}, "Liệt kê các hạng từ ngưỡng thấp nhất"),
    ({"tier_name": ["Vàng", "vàng", ""]}, "Mỗi hạng cần một tên riêng"),
    ({"point_value": "nửa nghìn"}, 'is-invalid" id="value" name="point_value" value="nửa nghìn"'),
    ({"earn_dong_per_point": "0"}, 'is-invalid" id="earn"'),
    ({"expiry_months": "200"}, 'is-invalid" id="expiry"'),
    ({"tier_multiplier": ["100", "50", ""]}, 'is-invalid" name="tier_multiplier" value="50"'),
])
def test_refused_settings_say_why_and_save_nothing(shop: Shop, change: dict[str, Any],
                                                   marked: str) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")
    assert post(shop, "/admin/loyalty", SETTINGS_FORM).status_code == 303
    before = programme_of(shop)

    refused = post(shop, "/admin/loyalty", SETTINGS_FORM | change)

    assert refused.status_code == 422
    assert "Không có gì được lưu." in refused.text and marked in refused.text
    assert programme_of(shop) == before


def test_a_store_manager_reads_the_terms_but_cannot_change_them(shop: Shop) -> None:
    manager = shop.world.staff(shop.merchant, "manager", [shop.store])
    sign_in(shop.client, manager, app="admin")

    page = shop.client.get("/admin/loyalty")
    assert page.status_code == 200 and "<fieldset disabled>" in page.text
    refused = post(shop, "/admin/loyalty", SETTINGS_FORM)

    assert refused.status_code == 403 and "Không có gì được lưu." in refused.text
    assert programme_of(shop) is None


def test_a_cashier_has_no_back_office(shop: Shop) -> None:
    sign_in(shop.client, shop.cashier, app="pos")
    assert shop.client.get("/admin/loyalty").status_code == 403
    assert post(shop, "/admin/loyalty", SETTINGS_FORM).status_code == 403
    assert programme_of(shop) is None


# --- one customer's points ---------------------------------------------------------------------

@pytest.fixture
def loyal(world: World, client: TestClient) -> Shop:
    return loyal_shop(world, client)


def customer_page(shop: Shop) -> str:
    answer = shop.client.get(f"/admin/customers/{shop.customer.id}/loyalty")
    assert answer.status_code == 200, answer.text
    return answer.text


def test_the_owner_sees_a_customer_s_points_tier_and_history(loyal: Shop) -> None:
    order = loyal.order()
    pay_by_card(loyal, order)
    collect(loyal, order)
    grant(loyal, 25, note="Khách quen")
    sign_in(loyal.client, loyal.world.owner(loyal.merchant), app="admin")

    assert f'href="/admin/customers/{loyal.customer.id}/loyalty"' in loyal.client.get(
        "/admin/customers").text
    page = customer_page(loyal)

    summary = text_of(page[page.index('id="loyalty-summary"'):page.index('id="adjust"')])
    assert re.search(r"data-balance>\s*64\s*<", page)  # 39 earned + 25 given
    assert "Bạc" in summary and "398.000 ₫" in summary  # tier and lifetime spend
    assert "Vàng khi chi tiêu thêm 102.000 ₫" in summary
    history = page[page.index('id="points-history"'):]
    assert re.findall(r'data-entry="(\w+)"', history) == ["adjust", "earn"]
    assert "Khách quen" in history and f'href="/admin/orders/{order["id"]}"' in history


def test_a_manager_corrects_points_with_a_reason(loyal: Shop) -> None:
    grant(loyal, 40)
    manager = loyal.world.staff(loyal.merchant, "manager", [loyal.store])
    sign_in(loyal.client, manager, app="admin")

    done = post(loyal, f"/admin/customers/{loyal.customer.id}/loyalty",
                {"points": "-15", "note": "Nhập nhầm hôm qua"})

    assert done.status_code == 303
    assert done.headers["location"].endswith("/loyalty?done=adjusted")
    account = points(loyal)
    assert account["balance"] == 25
    assert (account["history"][0]["points"], account["history"][0]["note"]) == (
        -15, "Nhập nhầm hôm qua")
    assert "Đã ghi điều chỉnh" in loyal.client.get(done.headers["location"]).text


@pytest.mark.parametrize(("typed", "status"), [
    ({"points": "-41", "note": "Quá tay"}, 422),  # more than the balance
    ({"points": "0", "note": "Không đổi"}, 422),
    ({"points": "mười", "note": "Chữ"}, 422),
    ({"points": "10", "note": "  "}, 422),
])
def test_a_refused_correction_says_why_and_changes_nothing(loyal: Shop, typed: dict[str, str],
                                                           status: int) -> None:
    grant(loyal, 40)
    sign_in(loyal.client, loyal.world.owner(loyal.merchant), app="admin")

    refused = post(loyal, f"/admin/customers/{loyal.customer.id}/loyalty", typed)

    assert refused.status_code == status
    assert "Chưa có gì thay đổi." in refused.text
    assert f'value="{typed["points"]}"' in refused.text  # the form as typed
    account = points(loyal)
    assert (account["balance"], len(account["history"])) == (40, 1)


def test_another_merchant_s_customer_is_not_found(loyal: Shop, world: World) -> None:
    other = world.merchant("phoco", name="Phố Cổ", trade="cafe")
    stranger = world.known_customer(other, phone="+84900000099", name="Người lạ")
    sign_in(loyal.client, loyal.world.owner(loyal.merchant), app="admin")

    assert loyal.client.get(f"/admin/customers/{stranger.id}/loyalty").status_code == 404
    assert post(loyal, f"/admin/customers/{stranger.id}/loyalty",
                {"points": "10", "note": "Thử"}).status_code == 404


# --- the operator's cashback -------------------------------------------------------------------

def operator_signed_in(shop: Shop) -> User:
    operator = shop.world.operator
    sign_in(shop.client, operator, app="admin")
    return operator


def test_the_operator_starts_the_programme_and_chooses_its_merchants(shop: Shop,
                                                                     world: World) -> None:
    cafe = world.merchant("phoco", name="Phố Cổ", trade="cafe")
    operator_signed_in(shop)
    assert "chưa có chương trình hoàn tiền" in shop.client.get("/admin/cashback").text

    saved = post(shop, "/admin/cashback", {"name": "Hoàn tiền GoWoW", "rate": "1,5",
                                           "funding": "split", "merchant_share": "60",
                                           "is_active": "on"})
    joined = post(shop, "/admin/cashback/participants", {"merchant_id": str(cafe.id)})
    post(shop, "/admin/cashback/participants", {"merchant_id": str(shop.merchant.id)})

    assert saved.status_code == 303 and joined.status_code == 303
    terms = cashback_terms(shop)
    assert (terms["name"], terms["rate_bp"], terms["funding"], terms["merchant_share_bp"]) == (
        "Hoàn tiền GoWoW", 150, "split", 6_000)
    assert {m["slug"] for m in terms["participants"]} == {"phoco", "hoasen"}
    page = shop.client.get("/admin/cashback").text
    assert 'value="1.5"' in page and 'data-participant="phoco"' in page

    left = post(shop, f"/admin/cashback/participants/{cafe.id}/remove", {})

    assert left.status_code == 303
    assert [m["slug"] for m in cashback_terms(shop)["participants"]] == ["hoasen"]
    assert "Nhà bán hàng đã rời chương trình" in shop.client.get(left.headers["location"]).text


@pytest.mark.parametrize(("typed", "field"), [
    ({"rate": "2", "funding": "split", "merchant_share": ""}, 'is-invalid" id="cb-share"'),
    ({"rate": "hai", "funding": "merchant"}, 'is-invalid" id="cb-rate"'),
    ({"rate": "1,234", "funding": "merchant"}, 'is-invalid" id="cb-rate"'),
    ({"rate": "150", "funding": "operator"}, 'is-invalid" id="cb-rate"'),
    ({"rate": "2", "funding": "nobody"}, 'is-invalid" type="radio"'),
])
def test_refused_cashback_terms_say_why_and_save_nothing(shop: Shop, typed: dict[str, str],
                                                         field: str) -> None:
    operator_signed_in(shop)

    refused = post(shop, "/admin/cashback", {"name": "Hoàn tiền", "is_active": "on"} | typed)

    assert refused.status_code == 422 and "Không có gì được lưu." in refused.text
    assert field in refused.text
    assert cashback_terms(shop) is None


def test_merchants_cannot_open_the_operator_s_pages(shop: Shop) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")
    assert shop.client.get("/admin/cashback").status_code == 403
    assert shop.client.get("/admin/cashback/settlement").status_code == 403
    assert post(shop, "/admin/cashback", {"rate": "100", "funding": "operator"}).status_code == 403
    assert post(shop, "/admin/cashback/participants",
                {"merchant_id": str(shop.merchant.id)}).status_code == 403
    assert cashback_terms(shop) is None


def test_the_settlement_says_who_owes_whom_and_adds_up_to_zero(shop: Shop) -> None:
    operator = shop.world.headers(shop.world.operator)
    shop.client.put("/api/v1/cashback/programme", headers=operator,
                    json={"rate_bp": 500, "funding": "split", "merchant_share_bp": 6_000})
    shop.client.post("/api/v1/cashback/participants", headers=operator,
                     json={"merchant_id": shop.merchant.id})
    order = shop.order()
    pay_by_card(shop, order)
    collect(shop, order)
    run_due(shop, days=31)  # 19.900 đ credited: 11.940 from Hoa Sen, 7.960 from the network
    shop.order(cashback=10_000)
    operator_signed_in(shop)

    page = shop.client.get("/admin/cashback/settlement",
                           params={"start": today().isoformat(), "end": today().isoformat()})

    assert page.status_code == 200
    table = page.text[page.text.index('id="settlement"'):]
    nets = dict(re.findall(r'data-party="([\w-]+)".*?data-net>([^<]+)<', table, re.S))
    assert {party: net.replace("\xa0", " ") for party, net in nets.items()} == {
        f"merchant-{shop.merchant.id}": "-1.940 ₫", "operator": "-7.960 ₫",
        "pool": "9.900 ₫"}
    assert re.search(r"data-total>0\xa0₫<", table)
    summary = text_of(page.text[:page.text.index('id="settlement"')])
    assert "19.900 ₫ Hoàn tiền đã ghi có" in summary and "10.000 ₫ Hoàn tiền khách đã dùng" in (
        summary)


def test_a_period_ending_before_it_starts_is_refused(shop: Shop) -> None:
    operator_signed_in(shop)

    page = shop.client.get("/admin/cashback/settlement",
                           params={"start": "2026-11-30", "end": "2026-11-01"})

    assert page.status_code == 422
    assert "trong vòng một năm" in page.text and 'id="settlement"' not in page.text
