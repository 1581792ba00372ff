"""The back office's money over HTTP: a day's payments and refunds by method and status, the
daily settlement per method with fees and net, the mismatches to review marked as such, and
the bank account VietQR codes pay into. Owners and managers only; a bad account changes
nothing."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.payments import listing
from tests.api.test_pos_order_pages import sign_in
from tests.orders import Shop
from tests.payments import (
    BANK,
    DECLINED,
    VISA,
    bank_credit,
    counter_order,
    pay,
    paying_shop,
    started,
    today,
)
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def listed(text: str, attribute: str = "data-payment") -> list[int]:
    """Ids of a table's rows, top to bottom."""
    return [int(part.split('"', 1)[0]) for part in text.split(f'{attribute}="')[1:]]


def a_busy_day(shop: Shop) -> dict[str, Any]:
    """One order paid half in cash and half by card, a declined card on another, and a
    refund of part of the card payment."""
    order, other = counter_order(shop), counter_order(shop)
    cash = started(pay(shop, order, shop.cashier, method="cash", amount=198_000,
                       tendered=200_000))
    card = started(pay(shop, order, shop.cashier, method="card", card_number=VISA))
    declined = started(pay(shop, other, shop.cashier, method="card", card_number=DECLINED))
    refund = shop.client.post(f"/api/v1/payments/{card['id']}/refunds",
                              json={"amount": 50_000}, headers=shop.as_(shop.cashier))
    assert refund.status_code == 201, refund.text
    return {"cash": cash["id"], "card": card["id"], "declined": declined["id"],
            "refund": refund.json()["id"], "order": order["id"]}


def test_the_owner_lists_the_day_s_payments_and_refunds_by_method_and_status(
    shop: Shop
) -> None:
    made = a_busy_day(shop)
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")

    def ids(**filters: str) -> list[int]:
        answer = shop.client.get("/admin/payments", params=filters)
        assert answer.status_code == 200
        return listed(answer.text)

    everything = shop.client.get("/admin/payments")
    assert listed(everything.text) == [made["declined"], made["card"], made["cash"]]
    assert listed(everything.text, "data-refund") == [made["refund"]]
    assert "khách đưa 200.000" in everything.text and "visa" in everything.text.lower()
    assert ids(method="cash") == [made["cash"]]
    assert ids(status="failed") == [made["declined"]]
    assert ids(method="card", status="captured") == [made["card"]]
    assert ids(method="gold", status="?", day="hôm qua") == ids()  # junk is ignored
    yesterday = shop.client.get("/admin/payments",
                                params={"day": (today() - timedelta(days=1)).isoformat()})
    assert listed(yesterday.text) == [] and "Không có thanh toán nào trong ngày" in \
        yesterday.text


def test_the_daily_settlement_sums_each_method_with_its_fees_and_net(shop: Shop) -> None:
    a_busy_day(shop)
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")

    page = shop.client.get("/admin/payments/settlement", params={"day": today().isoformat()})

    assert page.status_code == 200 and "Không có chênh lệch" in page.text
    card = page.text[page.text.index('data-method="card"'):]
    card = card[:card.index("</tr>")]
    assert "200.000" in card and "−50.000" in card and "150.000" in card
    cash = page.text[page.text.index('data-method="cash"'):]
    assert "198.000" in cash[:cash.index("</tr>")]
    assert "348.000" in page.text  # net of the day: 398.000 captured, 50.000 refunded


def test_a_transfer_of_the_wrong_amount_is_marked_for_review(shop: Shop) -> None:
    order = shop.order()
    intent = started(pay(shop, order, method="vietqr"))
    assert bank_credit(shop, intent, "bank-9", amount=100_000).status_code == 200
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")

    page = shop.client.get("/admin/payments/settlement")
    listing_page = shop.client.get("/admin/payments")

    review = page.text[page.text.index('id="mismatches"'):]
    assert "1 chênh lệch cần kiểm tra" in review and "Thông báo bị gắn cờ" in review
    assert "amount 100000 does not match 398000" in review
    assert f'href="/admin/orders/{order["id"]}"' in review
    assert "Không có chênh lệch" not in page.text
    assert 'class="needs-review"' in listing_page.text


def test_the_owner_sets_the_bank_account_vietqr_codes_pay_into(
    world: World, client: TestClient
) -> None:
    shop = paying_shop(world, client, account=False)
    owner = shop.world.owner(shop.merchant)
    sign_in(shop.client, owner, app="admin")
    assert "Chưa có tài khoản ngân hàng" in shop.client.get("/admin/payments/account").text

    saved = shop.client.post("/admin/payments/account", data={
        "bank_bin": "970436", "account_number": "0011 0042 68753",
        "account_name": "  HOA SEN   FASHION "})

    assert saved.status_code == 200 and "Đã lưu." in saved.text
    assert "0011004268753" in saved.text and "Vietcombank" in saved.text
    with shop.world.db.session() as session:
        account = listing.account_of(session, actor=shop.world.actor(owner))
        assert account is not None
        assert (account.bank_bin, account.account_number, account.account_name) == (
            "970436", "0011004268753", "HOA SEN FASHION")


def test_a_bank_account_a_bank_app_could_not_read_changes_nothing(shop: Shop) -> None:
    owner = shop.world.owner(shop.merchant)
    sign_in(shop.client, owner, app="admin")

    bad_bank = shop.client.post("/admin/payments/account", data={
        "bank_bin": "12", "account_number": "123", "account_name": "X"})
    bad_number = shop.client.post("/admin/payments/account", data={
        "bank_bin": "970436", "account_number": "12-34", "account_name": "X"})
    no_name = shop.client.post("/admin/payments/account", data={
        "bank_bin": "970436", "account_number": "123", "account_name": "   "})

    assert bad_bank.status_code == 422 and "không đọc được mã" in bad_bank.text
    assert 'value="12-34"' in bad_number.text and bad_number.status_code == 422
    assert no_name.status_code == 422 and "Nhập tên chủ tài khoản" in no_name.text
    with shop.world.db.session() as session:
        account = listing.account_of(session, actor=shop.world.actor(owner))
        assert account is not None and account.account_number == BANK["account_number"]


def test_payment_pages_are_for_the_owner_and_managers(shop: Shop) -> None:
    pages = ("/admin/payments", "/admin/payments/settlement", "/admin/payments/account")
    manager = shop.world.staff(shop.merchant, "manager", [])

    sign_in(shop.client, manager, app="admin")
    assert [shop.client.get(url).status_code for url in pages] == [200, 200, 200]
    sign_in(shop.client, shop.world.operator, app="admin")
    assert [shop.client.get(url).status_code for url in pages] == [403, 403, 403]
    sign_in(shop.client, shop.cashier, app="pos")
    assert [shop.client.get(url).status_code for url in pages] == [403, 403, 403]
    refused = shop.client.post("/admin/payments/account", data={
        "bank_bin": "970407", "account_number": "999", "account_name": "KẺ GIAN"})
    assert refused.status_code == 403
    with shop.world.db.session() as session:
        account = listing.account_of(session, actor=shop.world.actor(manager))
        assert account is not None and account.account_number == BANK["account_number"]
