"""The shopper's wallet page: points per shop (tier, the way to the next, what expires soon,
the history with its orders) and the network's cashback (available, pending with the day it
becomes spendable, the history); empty states that say how to earn."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from o2o.web.shop import wallet as wallet_page
from tests.api.test_pos_order_pages import sign_in
from tests.loyalty import collect, counter_sale, grant, loyal_shop, pay_by_card, run_due
from tests.orders import Shop
from tests.world import PASSWORD, World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return loyal_shop(world, client)


def cashback_network(shop: Shop, rate_bp: int = 500) -> None:
    operator = shop.world.headers(shop.world.operator)
    made = shop.client.put("/api/v1/cashback/programme", headers=operator,
                           json={"rate_bp": rate_bp, "funding": "merchant"})
    assert made.status_code == 200, made.text
    joined = shop.client.post("/api/v1/cashback/participants", headers=operator,
                              json={"merchant_id": shop.merchant.id})
    assert joined.status_code == 200, joined.text


def shopper_signed_in(shop: Shop) -> None:
    answer = shop.client.post("/shop/login", follow_redirects=False,
                              data={"username": "0900000001", "password": PASSWORD})
    assert answer.status_code == 303, answer.text


def section(html: str, marker: str) -> str:
    """The page from ``marker`` on (the part a test looks at)."""
    assert marker in html, marker
    return html[html.index(marker):]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_new_shopper_is_told_how_to_earn_points_and_cashback(shop: Shop) -> None:
    cashback_network(shop)
    shopper_signed_in(shop)

    page = shop.client.get("/shop/wallet")

    assert page.status_code == 200
    assert "Chưa có điểm" in page.text and 'id="no-points"' in page.text
    assert "Chưa có hoàn tiền" in page.text
    assert "5 %" in text_of(page.text).replace("5%", "5 %")  # the network's rate
    assert shop.merchant.name in section(page.text, 'id="cashback-history"')  # where to earn
    assert 'data-cashback-available>0' in page.text.replace("\xa0", "")


def test_the_wallet_shows_points_tier_progress_and_history_with_order_links(
    shop: Shop
) -> None:
    order = counter_sale(shop)  # 398.000 đ: 39 points, silver
    shopper_signed_in(shop)

    page = shop.client.get("/shop/wallet")

    assert page.status_code == 200
    card = section(page.text, f'data-points="{shop.merchant.slug}"')
    assert re.search(r"data-balance>\s*39\s*<", card)
    assert "≈ 39.000" in card  # a point is worth 1.000 đ
    assert "Bạc" in card
    words = text_of(card)
    assert "Chi tiêu thêm 102.000 ₫ để lên Vàng" in words.replace("\xa0", " ")
    assert "Miễn phí giao hàng" in card  # the next tier's benefit
    assert 'aria-valuenow="79"' in card  # 398.000 of 500.000
    assert 'data-entry="earn"' in card and f'href="/shop/orders/{order["id"]}"' in card


def test_points_expiring_soon_are_announced(shop: Shop,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    grant(shop, 120)
    shopper_signed_in(shop)
    assert "data-expiring" not in shop.client.get("/shop/wallet").text  # 12 months away

    monkeypatch.setattr(wallet_page, "EXPIRING_WITHIN", timedelta(days=400))
    page = shop.client.get("/shop/wallet")

    assert "120 điểm hết hạn" in text_of(section(page.text, "data-expiring"))


def test_expired_and_adjusted_points_read_as_such_in_the_history(shop: Shop) -> None:
    grant(shop, 30, note="Quà sinh nhật")
    run_due(shop, days=400)
    shopper_signed_in(shop)

    card = section(shop.client.get("/shop/wallet").text, 'data-points=')

    assert re.search(r"data-balance>\s*0\s*<", card)
    assert [kind for kind in re.findall(r'data-entry="(\w+)"', card)] == ["expire", "adjust"]
    assert "Hết hạn" in card and "Quà sinh nhật" in card


def test_pending_cashback_says_when_it_becomes_available_then_it_is_spendable(
    shop: Shop
) -> None:
    cashback_network(shop)
    order = shop.order()  # 398.000 đ, paid by card, collected: 19.900 đ pending
    pay_by_card(shop, order)
    collect(shop, order)
    shopper_signed_in(shop)

    page = shop.client.get("/shop/wallet").text.replace("\xa0", " ")

    assert "data-cashback-pending>19.900 ₫" in page
    assert "data-cashback-available>0 ₫" in page
    pending = text_of(section(page, 'id="pending"'))
    assert "Có thể dùng từ" in pending and "19.900 ₫" in pending
    assert f"Đơn hàng #{order['id']}" in pending

    run_due(shop, days=31)
    page = shop.client.get("/shop/wallet").text.replace("\xa0", " ")

    assert "data-cashback-available>19.900 ₫" in page
    assert "data-cashback-pending>0 ₫" in page and 'id="pending"' not in page
    history = section(page, 'id="cashback-history"').split("data-points=")[0]
    assert re.findall(r'data-entry="(\w+)"', history) == ["credit", "earn"]


def test_the_wallet_is_the_signed_in_shopper_s_own(shop: Shop) -> None:
    assert shop.client.get("/shop/wallet", follow_redirects=False).headers[
        "location"].startswith("/shop/login")
    sign_in(shop.client, shop.cashier, app="shop")
    assert shop.client.get("/shop/wallet").status_code == 403


def test_the_account_page_and_the_tab_bar_lead_to_the_wallet(shop: Shop) -> None:
    shopper_signed_in(shop)
    account = shop.client.get("/shop/account").text
    assert account.count('href="/shop/wallet"') == 2  # the card and the tab bar
