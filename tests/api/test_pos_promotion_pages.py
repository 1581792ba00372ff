"""Promotions, coupons, points and cashback on the counter sale over HTTP: a running promotion
says why on its line, a coupon is scanned in (a bad one is said and changes nothing), and the
attached customer's points lower the price and are taken when the sale is paid, never more
than they hold."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_pos_order_pages import order_of, scan, sign_in
from tests.api.test_promotions_checkout import promote
from tests.loyalty import grant, loyal_shop, points
from tests.orders import Shop
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return loyal_shop(world, client)


def sale_url(shop: Shop, step: str = "") -> str:
    return f"/pos/stores/{shop.store.id}/sale" + (f"/{step}" if step else "")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def to_pay(html: str) -> str:
    found = re.search(r"data-total>([^<]+)<", html)
    assert found is not None
    return found[1].replace("\xa0", " ")


def with_coupon(shop: Shop, code: str = "TET2026", **extra: Any) -> None:
    """A coupon-only promotion taking 50.000 ₫ off the order."""
    promotion = promote(shop, name="Mã Tết", kind="order_fixed", amount=50_000, percent=0,
                        target={}, requires_coupon=True)
    made = shop.client.post(f"/api/v1/promotions/{promotion['id']}/coupons",
                            headers=shop.as_(shop.world.owner(shop.merchant)),
                            json={"code": code} | extra)
    assert made.status_code == 201, made.text


def pay(shop: Shop, page: str) -> Any:
    key = re.search(r'name="key" value="(\w+)"', page)
    assert key is not None
    return shop.client.post(sale_url(shop, "complete"), data={"key": key[1]})


def test_a_running_promotion_shows_its_explanation_on_the_line_and_in_the_totals(
    shop: Shop
) -> None:
    promotion = promote(shop)  # 10 % off the T-shirt
    sign_in(shop.client, shop.cashier)

    page = scan(shop, "ao-thun-cotton-1")

    assert page.status_code == 200
    start = page.text.index("<tr data-variant=")  # the line, then its promotions' row
    line = page.text[start:page.text.index("</tr>", page.text.index("data-promos-of", start))]
    assert f'data-promotion="{promotion["id"]}"' in line and "Giảm 10%" in line
    assert "19.900" in line and "179.100" in line  # its discount, then what the line costs
    assert f'data-applied="{promotion["id"]}"' in page.text
    assert to_pay(page.text) == "179.100 ₫"


def test_a_scanned_coupon_applies_and_a_bad_one_is_said_and_changes_nothing(shop: Shop) -> None:
    with_coupon(shop)
    sign_in(shop.client, shop.cashier)
    scan(shop, "ao-thun-cotton-1")

    applied = shop.client.post(sale_url(shop, "coupons"), data={"code": "tet2026"})
    unknown = shop.client.post(sale_url(shop, "coupons"), data={"code": "NOPE123"})
    malformed = shop.client.post(sale_url(shop, "coupons"), data={"code": "x!"})

    assert applied.status_code == 200 and 'data-coupon="TET2026"' in applied.text
    assert to_pay(applied.text) == "149.000 ₫"
    assert unknown.status_code == 422
    assert "Mã NOPE123 không hợp lệ hoặc đã hết hạn" in text_of(unknown.text)
    assert malformed.status_code == 422 and "Mã giảm giá gồm 3 đến 32" in text_of(malformed.text)
    page = shop.client.get(sale_url(shop))
    assert 'data-coupon="TET2026"' in page.text and "NOPE123" not in page.text
    assert to_pay(page.text) == "149.000 ₫"

    removed = shop.client.post(sale_url(shop, "coupons"), data={"remove": "TET2026"})
    assert "data-coupon=" not in removed.text and to_pay(removed.text) == "199.000 ₫"


def test_a_coupon_used_up_is_said_and_the_sale_stays_as_it_was(shop: Shop) -> None:
    with_coupon(shop, max_uses=1)
    shop.order(coupons=["TET2026"])  # the only use, online
    sign_in(shop.client, shop.cashier)
    scan(shop, "ao-thun-cotton-1")

    used_up = shop.client.post(sale_url(shop, "coupons"), data={"code": "TET2026"})

    assert used_up.status_code == 409
    assert "Mã TET2026 đã hết lượt sử dụng" in text_of(used_up.text)
    assert to_pay(used_up.text) == "199.000 ₫"


def test_the_customer_s_points_lower_the_total_and_are_taken_when_the_sale_is_paid(
    shop: Shop
) -> None:
    assert grant(shop, 100).status_code == 201
    sign_in(shop.client, shop.cashier)
    scan(shop, "ao-thun-cotton-1")
    attached = shop.client.post(sale_url(shop, "customer"), data={"phone": "0900 000 001"})
    assert 'data-points-balance>100<' in attached.text
    assert "Tối đa 100" in text_of(attached.text)

    redeemed = shop.client.post(sale_url(shop, "redeem"), data={"points": "50"})

    assert redeemed.status_code == 200
    assert 'data-redeemed="points"' in redeemed.text and "Đổi 50 điểm" in text_of(redeemed.text)
    assert to_pay(redeemed.text) == "149.000 ₫"
    assert points(shop)["balance"] == 100  # nothing is taken before the sale is paid
    paid = pay(shop, redeemed.text)
    assert paid.status_code == 200 and "149.000" in paid.text  # the amount to take
    order = order_of(shop, int(paid.url.path.split("/")[-2]))
    assert (order["discount"], order["total"]) == (50_000, 149_000)
    assert points(shop)["balance"] == 50


def test_more_points_than_the_customer_holds_are_refused_and_nothing_is_taken(
    shop: Shop
) -> None:
    grant(shop, 100)
    sign_in(shop.client, shop.cashier)
    scan(shop, "ao-thun-cotton-1")
    shop.client.post(sale_url(shop, "customer"), data={"phone": "0900 000 001"})

    refused = shop.client.post(sale_url(shop, "redeem"), data={"points": "150"})
    typo = shop.client.post(sale_url(shop, "redeem"), data={"points": "năm mươi"})

    assert refused.status_code == 409
    assert "Không đủ điểm: khách còn 100 điểm. Chưa trừ gì." in text_of(refused.text)
    assert typo.status_code == 422 and "Nhập số điểm nguyên" in text_of(typo.text)
    page = shop.client.get(sale_url(shop))
    assert 'data-redeemed="points"' not in page.text and to_pay(page.text) == "199.000 ₫"
    assert points(shop)["balance"] == 100


def test_points_worth_more_than_the_goods_are_brought_down_to_the_goods(shop: Shop) -> None:
    grant(shop, 500)
    sign_in(shop.client, shop.cashier)
    scan(shop, "ao-thun-cotton-1")
    shop.client.post(sale_url(shop, "customer"), data={"phone": "0900 000 001"})

    redeemed = shop.client.post(sale_url(shop, "redeem"), data={"points": "500"})

    assert redeemed.status_code == 200 and "Đổi 199 điểm" in text_of(redeemed.text)
    assert to_pay(redeemed.text) == "0 ₫"
