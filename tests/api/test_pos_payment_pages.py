"""The counter's payment step over HTTP: cash with its change, the card terminal (declines and
the OTP challenge), VietQR on the customer's screen until the bank pays, several methods for
one order, the receipt, payment at handover and the cash to hand back on a return. A payment
the rules refuse is explained on the page and writes nothing."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_pos_order_pages import scan, sign_in
from tests.orders import Shop
from tests.payments import bank_credit, counter_order, counts, order_now, paying_shop
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def pay_url(shop: Shop, order: dict[str, Any]) -> str:
    return f"/pos/stores/{shop.store.id}/orders/{order['id']}/pay"


def key_of(page: Any) -> str:
    found = re.search(r'name="key" value="(\w+)"', page.text)
    assert found is not None, page.text
    return found[1]


def pay(shop: Shop, order: dict[str, Any], key: str | None = None, **form: str) -> Any:
    """Send one of the payment step's forms (a fresh key from the page unless ``key``)."""
    url = pay_url(shop, order)
    return shop.client.post(url, data={"key": key or key_of(shop.client.get(url)), **form})


def payment_id(answer: Any) -> int:
    return int(answer.url.params["payment"])


def test_a_counter_sale_paid_half_in_cash_half_by_card_is_paid(shop: Shop) -> None:
    sign_in(shop.client, shop.cashier)
    scan(shop, "ao-thun-cotton-1")
    sale = scan(shop, "ao-thun-cotton-1")
    step = shop.client.post(f"/pos/stores/{shop.store.id}/sale/complete",
                            data={"key": key_of(sale)})
    order = {"id": int(step.url.path.split("/")[-2])}
    assert step.url.path == pay_url(shop, order) and "Còn phải thu" in step.text
    assert "398.000" in step.text and 'data-tender="400000"' in step.text

    cash = pay(shop, order, method="cash", amount="199.000", tendered="200k")
    assert cash.status_code == 200
    assert "Tiền thối lại cho khách" in cash.text and "1.000" in cash.text
    assert order_now(shop, order)["paid"] == 199_000

    card = pay(shop, order, method="card", amount="", card_number="4111 1111 1111 1111")
    assert card.status_code == 200 and "Đã thanh toán đủ" in card.text
    assert "In hóa đơn" in card.text
    after = order_now(shop, order)
    assert after["paid"] == after["total"] == 398_000

    receipt = shop.client.get(f"/pos/stores/{shop.store.id}/orders/{order['id']}/receipt")
    assert receipt.status_code == 200 and "HÓA ĐƠN BÁN HÀNG" in receipt.text
    assert "Tiền khách đưa" in receipt.text and "200.000" in receipt.text
    assert "••1111" in receipt.text and f"O2O-{order['id']}" in receipt.text
    assert "pos-receipt.css" in receipt.text  # the 80 mm print styles


def test_the_same_payment_form_sent_twice_takes_the_money_once(shop: Shop) -> None:
    order = counter_order(shop)
    sign_in(shop.client, shop.cashier)
    key = key_of(shop.client.get(pay_url(shop, order)))

    first = pay(shop, order, key=key, method="cash", amount="100000", tendered="100000")
    again = pay(shop, order, key=key, method="cash", amount="100000", tendered="100000")

    assert payment_id(first) == payment_id(again)
    assert order_now(shop, order)["paid"] == 100_000


def test_refused_payments_are_explained_and_write_nothing(shop: Shop) -> None:
    order = counter_order(shop)
    sign_in(shop.client, shop.cashier)
    before = counts(shop)

    short = pay(shop, order, method="cash", amount="", tendered="300000")
    mistyped = pay(shop, order, method="card", amount="", card_number="4111 1111 1111 1112")
    too_much = pay(shop, order, method="cash", amount="500000", tendered="500000")
    not_money = pay(shop, order, method="vietqr", amount="hai trăm")
    no_method = pay(shop, order, method="gold", amount="")

    assert short.status_code == 422 and "Chưa đủ tiền mặt." in short.text
    assert mistyped.status_code == 422 and "Số thẻ bị nhập sai." in mistyped.text
    assert too_much.status_code == 422 and "Chỉ thu tối đa 398.000" in too_much.text
    assert not_money.status_code == 422 and "ví dụ 200000 hoặc 200k" in not_money.text
    assert 'value="hai trăm"' in not_money.text  # what was typed stays
    assert no_method.status_code == 422
    assert counts(shop) == before and order_now(shop, order)["paid"] == 0


def test_a_declined_card_takes_nothing_and_the_order_still_owes(shop: Shop) -> None:
    order = counter_order(shop)
    sign_in(shop.client, shop.cashier)

    answer = pay(shop, order, method="card", amount="", card_number="4000000000009995")

    assert answer.status_code == 200 and "Thẻ bị từ chối." in answer.text
    assert "Còn phải thu" in answer.text and order_now(shop, order)["paid"] == 0


def test_a_challenged_card_is_taken_once_the_customer_reads_the_otp(shop: Shop) -> None:
    order = counter_order(shop)
    sign_in(shop.client, shop.cashier)
    asked = pay(shop, order, method="card", amount="", card_number="4000 0000 0000 3220")
    assert "Ngân hàng của thẻ yêu cầu mã OTP" in asked.text
    otp = f"/pos/stores/{shop.store.id}/payments/{payment_id(asked)}/otp"

    malformed = shop.client.post(otp, data={"otp": "12a"})
    wrong = shop.client.post(otp, data={"otp": "000000"})
    right = shop.client.post(otp, data={"otp": "123456"})

    assert malformed.status_code == 422 and "Mã gồm 4 đến 8 chữ số" in malformed.text
    assert "Sai mã. Còn 2 lần thử." in wrong.text
    assert right.status_code == 200 and "Đã thanh toán đủ" in right.text
    assert order_now(shop, order)["paid"] == 398_000


def test_a_vietqr_code_on_the_customer_screen_turns_paid_when_the_bank_notifies(
    shop: Shop
) -> None:
    order = counter_order(shop)
    sign_in(shop.client, shop.cashier)
    cash = pay(shop, order, method="cash", amount="98000", tendered="100000")
    assert cash.status_code == 200

    waiting = pay(shop, order, method="vietqr", amount="")
    intent = shop.client.get(f"/api/v1/payments/{payment_id(waiting)}",
                             headers=shop.as_(shop.cashier)).json()
    screen_url = f"/pos/stores/{shop.store.id}/payments/{intent['id']}/screen"
    assert intent["status"] == "pending" and intent["amount"] == 300_000
    assert "Đang chờ chuyển khoản 300.000" in waiting.text and screen_url in waiting.text
    screen = shop.client.get(screen_url)
    assert screen.status_code == 200 and 'data-state="pending"' in screen.text
    assert intent["reference"] in screen.text and intent["qr_image_url"] in screen.text

    assert bank_credit(shop, intent, "bank-77").status_code == 200

    assert 'data-state="captured"' in shop.client.get(screen_url).text
    assert "Đã thanh toán đủ" in shop.client.get(pay_url(shop, order)).text
    assert order_now(shop, order)["paid"] == 398_000


def test_a_qr_nobody_scanned_is_cancelled_and_another_method_takes_over(shop: Shop) -> None:
    order = counter_order(shop)
    sign_in(shop.client, shop.cashier)
    waiting = pay(shop, order, method="vietqr", amount="")

    cancelled = shop.client.post(
        f"/pos/stores/{shop.store.id}/payments/{payment_id(waiting)}/cancel")
    cash = pay(shop, order, method="cash", amount="", tendered="400000")

    assert "Đã hủy khoản thanh toán đang chờ." in cancelled.text
    assert "Tiền thối lại cho khách" in cash.text and "2.000" in cash.text
    assert order_now(shop, order)["paid"] == 398_000


def test_vietqr_without_the_shop_s_bank_account_is_explained(
    world: World, client: TestClient
) -> None:
    shop = paying_shop(world, client, account=False)
    order = counter_order(shop)
    sign_in(shop.client, shop.cashier)
    before = counts(shop)

    answer = pay(shop, order, method="vietqr", amount="")

    assert answer.status_code == 422 and "cần tài khoản ngân hàng" in answer.text
    assert counts(shop) == before


def test_a_pickup_is_paid_in_cash_when_it_is_handed_over(shop: Shop) -> None:
    order = shop.order()  # placed online, to be paid at the counter
    sign_in(shop.client, shop.cashier)

    page = shop.client.get(f"/pos/stores/{shop.store.id}/orders/{order['id']}")
    assert "Thu tiền · 398.000" in page.text and "Chưa có thanh toán nào." in page.text
    pay(shop, order, method="cash", amount="", tendered="500000")
    page = shop.client.get(f"/pos/stores/{shop.store.id}/orders/{order['id']}")

    assert "Thu tiền ·" not in page.text and "Tiền mặt" in page.text
    assert "khách đưa 500.000" in page.text and "thối 102.000" in page.text


def test_payment_pages_are_for_staff_of_the_order_s_store(shop: Shop) -> None:
    order = counter_order(shop)
    url = pay_url(shop, order)
    assert shop.client.get(url, follow_redirects=False).status_code == 303

    sign_in(shop.client, shop.other_cashier)
    assert shop.client.get(url).status_code == 403  # not their store
    other = shop.client.get(f"/pos/stores/{shop.other.id}/orders/{order['id']}/pay")
    assert other.status_code == 404  # their store, not their order
    refused = shop.client.post(f"/pos/stores/{shop.other.id}/orders/{order['id']}/pay",
                               data={"method": "cash", "amount": "", "tendered": "400000"})
    assert refused.status_code == 404 and order_now(shop, order)["paid"] == 0

    sign_in(shop.client, shop.customer, app="shop")
    assert shop.client.get(url).status_code == 403


def test_a_return_of_a_cash_sale_shows_the_cash_to_hand_back(shop: Shop) -> None:
    order = counter_order(shop)
    sign_in(shop.client, shop.cashier)
    pay(shop, order, method="cash", amount="", tendered="400000")
    sign_in(shop.client, shop.other_cashier)
    url = f"/pos/stores/{shop.other.id}/returns"

    answer = shop.client.post(f"{url}/{order['id']}", data={
        "line": str(order["lines"][0]["id"]), "quantity": "1", "condition": "resellable"})

    assert answer.status_code == 200
    assert "Trả lại khách bằng tiền mặt từ két" in answer.text
    banner = answer.text[answer.text.index("data-cash-back"):]
    assert "199.000" in banner[:400]
    assert "Các khoản đã hoàn" in answer.text and "trả tiền mặt từ két" in answer.text
    assert order_now(shop, order)["refunded"] == 199_000
