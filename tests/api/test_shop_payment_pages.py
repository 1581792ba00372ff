"""The shop's payment and promotion screens over HTTP: each way to pay renders what a shopper
needs (a VietQR code with its amount and transfer content, a card form and its one-time
password, the wallet's page, instalment plans month by month, "pay at pickup"), a bank's
signed notification turns the page to paid, coupons re-price the summary or are refused in
Vietnamese, and product pages show the promoted price."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from o2o.catalog import service as catalog_service
from o2o.payments.models import PaymentIntent
from o2o.web.i18n import money
from tests.orders import Shop
from tests.payments import BANK, CHALLENGED, DECLINED, TOTAL, VISA, bank_credit, paying_shop
from tests.world import PASSWORD, World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def signed_in(shop: Shop) -> TestClient:
    answer = shop.client.post("/shop/login", follow_redirects=False, data={
        "username": "0900000001", "password": PASSWORD})
    assert answer.status_code == 303
    return shop.client


def key_of(page: str) -> str:
    match = re.search(r'name="key" value="([0-9a-f]+)"', page)
    assert match is not None, "the form carries no Idempotency-Key"
    return match.group(1)


def open_order(shop: Shop, **checkout: Any) -> tuple[TestClient, int]:
    """A pickup order of two shirts (398.000 ₫) placed by the customer, who is signed in."""
    order = shop.order(**checkout)
    return signed_in(shop), order["id"]


def pay(client: TestClient, order_id: int, method: str, **fields: str) -> Any:
    """Choose ``method`` on the order page and send its form with the page's key."""
    page = client.get(f"/shop/orders/{order_id}?pay={method}")
    assert page.status_code == 200, page.text
    return client.post(f"/shop/orders/{order_id}/pay", follow_redirects=False,
                       data={"method": method, "key": key_of(page.text), **fields})


def intents(shop: Shop) -> list[PaymentIntent]:
    with shop.world.db.session() as session:
        return list(session.scalars(select(PaymentIntent).order_by(PaymentIntent.id)))


def test_a_pickup_order_offers_every_way_to_pay_with_what_it_owes(shop: Shop) -> None:
    client, order_id = open_order(shop)

    page = client.get(f"/shop/orders/{order_id}").text

    assert "Bạn muốn thanh toán thế nào?" in page
    assert re.findall(r'data-method="(\w+)"', page) == [
        "vietqr", "card", "wallet", "instalment", "counter"]
    for label in ("Chuyển khoản VietQR", "Thẻ ngân hàng", "Ví điện tử", "Trả góp 0%",
                  "Trả khi nhận tại cửa hàng"):
        assert label in page
    assert money(TOTAL, "vi") in page
    assert "Cho đơn từ 3.000.000" in page  # instalments start at the banks' minimum


def test_vietqr_shows_the_code_amount_account_and_content_and_a_bank_notice_marks_it_paid(
    shop: Shop
) -> None:
    client, order_id = open_order(shop)

    started = pay(client, order_id, "vietqr")
    page = client.get(started.headers["location"]).text

    assert started.status_code == 303
    [intent] = intents(shop)
    assert f'src="/api/v1/payments/{intent.id}/qr.png"' in page
    assert money(TOTAL, "vi") in page
    assert "Vietcombank" in page and BANK["account_number"] in page
    assert BANK["account_name"] in page
    content = re.search(r"data-transfer-content>([^<]+)<", page)
    assert content is not None and content.group(1).startswith(intent.reference)
    assert re.search(r"data-countdown=\"(8\d\d|89\d|900)\"", page)  # 15 minutes to pay
    qr = client.get(f"/api/v1/payments/{intent.id}/qr.png")
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/png"
    waiting = f"/shop/orders/{order_id}/payment?waiting={intent.id}"
    assert f'hx-get="{waiting}" hx-trigger="every 2s"' in page
    assert client.get(waiting).status_code == 204  # nothing yet: the page keeps waiting

    notice = bank_credit(shop, {"reference": intent.reference, "amount": intent.amount,
                                "order_id": order_id}, "bank-evt-1")

    assert notice.status_code == 200, notice.text
    paid = client.get(waiting)
    assert paid.status_code == 200
    assert "Đã thanh toán" in paid.text and "Chuyển khoản VietQR" in paid.text
    assert "hx-trigger" not in paid.text  # paid: the page stops asking
    assert "data-paid" in client.get(f"/shop/orders/{order_id}").text


def test_a_double_click_on_a_payment_form_starts_one_payment(shop: Shop) -> None:
    client, order_id = open_order(shop)
    key = key_of(client.get(f"/shop/orders/{order_id}?pay=vietqr").text)
    form = {"method": "vietqr", "key": key}

    first = client.post(f"/shop/orders/{order_id}/pay", data=form, follow_redirects=False)
    second = client.post(f"/shop/orders/{order_id}/pay", data=form, follow_redirects=False)

    assert first.status_code == second.status_code == 303
    assert len(intents(shop)) == 1


def test_an_approved_card_pays_the_order_at_once(shop: Shop) -> None:
    client, order_id = open_order(shop)
    form = client.get(f"/shop/orders/{order_id}?pay=card").text
    assert 'name="card_number"' in form and "Thẻ thử nghiệm" in form
    assert "4111 1111 1111 1111" in form  # the sandbox's numbers, to try

    answer = pay(client, order_id, "card", card_number=VISA)
    page = client.get(answer.headers["location"]).text

    assert "Đã thanh toán" in page and "Visa •••• 1111" in page
    assert "Bạn muốn thanh toán thế nào?" not in page


def test_a_challenged_card_asks_for_the_one_time_password_then_is_paid(shop: Shop) -> None:
    client, order_id = open_order(shop)

    page = client.get(pay(client, order_id, "card", card_number=CHALLENGED)
                      .headers["location"]).text
    [intent] = intents(shop)
    assert "Xác thực với ngân hàng" in page
    assert f'action="/shop/payments/{intent.id}/otp"' in page
    wrong = client.post(f"/shop/payments/{intent.id}/otp", data={"otp": "000000"})
    assert "Sai mã. Còn 2 lần thử." in wrong.text

    right = client.post(f"/shop/payments/{intent.id}/otp", data={"otp": "123456"})

    assert "Đã thanh toán" in right.text
    [paid] = intents(shop)
    assert paid.captured == TOTAL


def test_a_declined_card_says_so_and_the_card_form_comes_back(shop: Shop) -> None:
    client, order_id = open_order(shop)

    page = client.get(pay(client, order_id, "card", card_number=DECLINED)
                      .headers["location"]).text

    assert "Ngân hàng đã từ chối thẻ này" in page
    assert 'name="card_number"' in page  # try another card, with a fresh key
    assert "Đã thanh toán" not in page


def test_a_mistyped_card_number_is_refused_under_the_field(shop: Shop) -> None:
    client, order_id = open_order(shop)

    answer = pay(client, order_id, "card", card_number="4111 1111 1111 1112")

    assert answer.status_code == 422
    assert "Số thẻ không hợp lệ" in answer.text
    assert intents(shop) == []


def test_the_e_wallet_sends_the_shopper_to_the_wallet_and_back_to_a_paid_order(
    shop: Shop
) -> None:
    client, order_id = open_order(shop)

    to_wallet = pay(client, order_id, "wallet")
    assert to_wallet.status_code == 303
    wallet = to_wallet.headers["location"]
    assert wallet.startswith("/sandbox/wallet/wal_")
    assert "Xác nhận thanh toán" in client.get(wallet).text
    back = client.post(wallet, data={"outcome": "succeeded"})

    assert back.status_code == 200
    assert str(back.url.path) == f"/shop/orders/{order_id}"
    assert "Đã thanh toán" in client.get(f"/shop/orders/{order_id}").text


def test_instalment_plans_show_each_month_and_pay_by_card(shop: Shop) -> None:
    big = [{"variant_id": shop.shirt, "quantity": 5}, {"variant_id": shop.jeans, "quantity": 5}]
    client, order_id = open_order(shop, lines=big)  # 3.245.000 ₫, over the minimum

    page = client.get(f"/shop/orders/{order_id}?pay=instalment").text

    assert re.findall(r'name="months" value="(\d+)"', page) == ["3", "6", "9", "12"]
    three = page.split('data-months="3"')[1].split("</ol>")[0]
    assert three.count("<li>") == 3
    assert money(1_081_668, "vi") in three and money(1_081_666, "vi") in three
    answer = pay(client, order_id, "instalment", months="6", card_number=VISA)
    paid = client.get(answer.headers["location"]).text
    assert "Trả góp 0%, 6 tháng" in paid
    assert paid.split("Các kỳ trả góp")[1].split("</ol>")[0].count("<li>") == 6


def test_pay_at_pickup_says_it_is_paid_at_the_counter(shop: Shop) -> None:
    client, order_id = open_order(shop)

    part = client.get(f"/shop/orders/{order_id}/payment?pay=counter").text

    assert "Bạn thanh toán tại quầy khi nhận hàng" in part
    assert 'action="/shop/orders' not in part  # nothing to send
    assert intents(shop) == []


def test_an_order_to_try_on_is_paid_in_store_for_what_is_kept(shop: Shop) -> None:
    client, order_id = open_order(shop, fulfilment={"type": "reserve_and_try",
                                                    "store_id": shop.store.id})

    page = client.get(f"/shop/orders/{order_id}").text

    assert 'id="payment"' not in page


# --- coupons and promotions ---------------------------------------------------------------

def promote(shop: Shop, **terms: object) -> dict[str, Any]:
    body = {"name": "Giảm 10% áo thun", "kind": "items_percent", "percent": 10,
            "target": {"variant_ids": [shop.shirt]}} | terms
    made = shop.client.post("/api/v1/promotions", json=body,
                            headers=shop.as_(shop.world.owner(shop.merchant)))
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


def coupon(shop: Shop, code: str, max_uses: int | None = None) -> None:
    promotion = promote(shop, name="Mã giảm 50.000", kind="order_fixed", amount=50_000,
                        percent=0, target={}, requires_coupon=True)
    made = shop.client.post(f"/api/v1/promotions/{promotion['id']}/coupons",
                            headers=shop.as_(shop.world.owner(shop.merchant)),
                            json={"code": code, "max_uses": max_uses})
    assert made.status_code == 201, made.text


def summary(shop: Shop) -> str:
    """The shirts (2) in the cart, pickup chosen: the summary page's address."""
    client = signed_in(shop)
    client.post("/shop/cart", data={"variant": str(shop.shirt), "quantity": "2"})
    chosen = client.post("/shop/checkout", follow_redirects=False, data={
        "shop": str(shop.merchant.id), "type": "pickup", "store": str(shop.store.id)})
    assert chosen.status_code == 303, chosen.text
    return chosen.headers["location"]  # type: ignore[no-any-return]


def total_of(page: str) -> str:
    match = re.search(r"data-total>([^<]+)<", page)
    assert match is not None
    return match.group(1)


def test_a_coupon_lowers_the_summary_with_its_explanation_and_can_be_removed(
    shop: Shop
) -> None:
    coupon(shop, "TET2026")
    address = summary(shop)

    applied = shop.client.post(f"{address}/coupons", data={"code": " tet2026 "})

    assert applied.status_code == 200
    assert total_of(applied.text) == money(TOTAL - 50_000, "vi")
    assert "đơn hàng (mã TET2026)" in applied.text  # "Giảm 50.000 ₫ đơn hàng (mã TET2026)"
    assert 'data-coupon="TET2026"' in applied.text
    removed = shop.client.post(f"{address}/coupons", data={"remove": "TET2026"})
    assert total_of(removed.text) == money(TOTAL, "vi")
    assert 'data-coupon="TET2026"' not in removed.text


def test_an_unknown_coupon_is_refused_under_the_field_and_the_price_stays(shop: Shop) -> None:
    address = summary(shop)

    refused = shop.client.post(f"{address}/coupons", data={"code": "NOPE123"})

    assert refused.status_code == 422
    assert 'id="coupon-error"' in refused.text
    assert "Mã NOPE123 không hợp lệ hoặc đã hết hạn." in refused.text
    assert total_of(refused.text) == money(TOTAL, "vi")


def test_a_used_up_coupon_is_refused_in_vietnamese(shop: Shop) -> None:
    coupon(shop, "ONCE50", max_uses=1)
    shop.order(shop.world.customer("+84900000002", "Trần Văn Bình"), coupons=["ONCE50"])
    address = summary(shop)

    refused = shop.client.post(f"{address}/coupons", data={"code": "once50"})

    assert refused.status_code == 409
    assert "Mã ONCE50 đã hết lượt sử dụng." in refused.text
    assert total_of(refused.text) == money(TOTAL, "vi")


def test_a_coupon_used_up_before_the_order_is_placed_is_taken_off_and_said(
    shop: Shop
) -> None:
    coupon(shop, "LAST50", max_uses=1)
    address = summary(shop)
    shop.client.post(f"{address}/coupons", data={"code": "LAST50"})
    shop.order(shop.world.customer("+84900000002", "Trần Văn Bình"), coupons=["LAST50"])

    page = shop.client.get(address)

    assert page.status_code == 409
    assert "Mã LAST50 đã hết lượt sử dụng." in page.text
    assert total_of(page.text) == money(TOTAL, "vi")


def test_the_product_page_cart_and_summary_show_the_promotion_and_its_reason(
    shop: Shop
) -> None:
    promote(shop)
    with shop.world.db.session() as session:
        variant = catalog_service.get_variant(session, variant_id=shop.shirt)
        assert variant is not None
        product_id = variant.product_id

    page = shop.client.get(f"/shop/products/{product_id}").text

    promoted = re.search(r"data-promoted-price>([^<]+)<", page)
    original = re.search(r"data-original-price>([^<]+)<", page)
    assert promoted is not None and promoted.group(1) == money(179_100, "vi")
    assert original is not None and original.group(1) == money(199_000, "vi")
    assert "-10%" in page
    assert "Giảm 10% cho Áo thun cotton" in page
    address = summary(shop)
    cart = shop.client.get("/shop/cart").text
    assert "Giảm 10% cho Áo thun cotton" in cart and money(39_800, "vi") in cart
    review = shop.client.get(address).text
    assert review.count("Giảm 10% cho Áo thun cotton") == 1
    assert 'aria-label="Khuyến mãi đã áp dụng"' in review
    assert total_of(review) == money(TOTAL - 39_800, "vi")
