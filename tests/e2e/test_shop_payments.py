"""A shopper pays in the browser: by a card the bank challenges (the one-time password typed,
then "Đã thanh toán"), and by VietQR, the page turning to paid by itself when the bank's
signed notification arrives.

The module runs its own server (``conftest.serve``): the shared world plus the bank account
Hoa Sen's VietQR codes pay into, so its orders leave the other browser tests' stock alone.
"""

import json
import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from o2o.config import Settings
from o2o.db import Database
from o2o.orm import utcnow
from o2o.payments import service as payments_service
from o2o.payments import signing
from o2o.stores import service as stores_service
from tests.e2e.conftest import PHONE, People, build_world, open_tab, serve
from tests.e2e.test_web_apps import sign_in
from tests.world import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def with_bank_account(db: Database) -> People:
    people = build_world(db)
    world = World(db)
    with db.session() as session:
        hoasen = stores_service.get_merchant(session, slug="hoasen")
    with db.session() as session:
        payments_service.set_account(session, actor=world.actor(world.owner(hoasen)),
                                     bank_bin="970436", account_number="0011001234567",
                                     account_name="THOI TRANG HOA SEN")
    return people


@pytest.fixture(scope="module")
def paying_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, People]]:
    with serve(tmp_path_factory.mktemp("e2e-pay"), with_bank_account) as (url, people):
        yield url, people


@pytest.fixture
def tab(browser: Browser, paying_server: tuple[str, People]) -> Iterator[Page]:
    """A phone-sized tab of the paying server, in Vietnamese."""
    with open_tab(browser, paying_server[0], PHONE) as tab:
        yield tab


def an_order(url: str, people: People) -> int:
    """A pickup order of the red T-shirt M (129.000 ₫) placed by the shopper on the API."""
    with httpx.Client(base_url=url, timeout=10) as client:
        token = client.post("/api/v1/auth/token", data={
            "username": people.shopper_phone, "password": PASSWORD}).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        product = client.get(f"/api/v1/products/{people.product_id}").json()
        red_m = next(v["id"] for v in product["variants"] if v["sku"] == "AT-DO-M")
        made = client.post("/api/v1/checkouts", json={
            "lines": [{"variant_id": red_m, "quantity": 1}],
            "fulfilment": {"type": "pickup", "store_id": people.store_id}})
        assert made.status_code == 201, made.text
        order = client.post(f"/api/v1/checkouts/{made.json()['id']}/complete")
        assert order.status_code == 201, order.text
        return int(order.json()["id"])


def order_page(tab: Page, people: People, order_id: int) -> None:
    sign_in(tab, "shop", people.shopper_phone)
    tab.wait_for_url(re.compile(r"/shop$"))
    tab.goto(f"/shop/orders/{order_id}")
    expect(tab.get_by_role("heading", name="Bạn muốn thanh toán thế nào?")).to_be_visible()


def test_shopper_pays_by_a_challenged_card_with_the_otp_and_sees_it_paid(
    tab: Page, paying_server: tuple[str, People]
) -> None:
    url, people = paying_server
    order_page(tab, people, an_order(url, people))

    tab.locator("[data-method=card]").click()
    expect(tab.locator(".sandbox-cards")).to_contain_text("Thẻ thử nghiệm")
    tab.get_by_role("button", name="4000 0000 0000 3220").click()
    expect(tab.locator("#card-number")).to_have_value("4000 0000 0000 3220")
    tab.get_by_role("button", name="Thanh toán 129.000 ₫").dblclick()

    expect(tab.get_by_text("Xác thực với ngân hàng")).to_be_visible()
    tab.locator("#otp").fill("123456")
    tab.get_by_role("button", name="Xác nhận và thanh toán").click()

    expect(tab.locator("[data-paid]")).to_have_text("Đã thanh toán")
    expect(tab.locator("#payment")).to_contain_text("Visa •••• 3220")
    expect(tab.locator("#payment")).to_contain_text("129.000 ₫")


def test_a_vietqr_page_turns_to_paid_by_itself_when_the_bank_notifies(
    tab: Page, paying_server: tuple[str, People]
) -> None:
    url, people = paying_server
    order_id = an_order(url, people)
    order_page(tab, people, order_id)

    tab.locator("[data-method=vietqr]").click()
    tab.get_by_role("button", name="Hiện mã VietQR").click()
    code = tab.locator("img[data-vietqr]")
    expect(code).to_be_visible()
    # The image arrives after the page: wait for it, then check it really is a drawn code.
    tab.wait_for_function("document.querySelector('img[data-vietqr]').complete")
    assert tab.evaluate("document.querySelector('img[data-vietqr]').naturalWidth") > 100
    expect(tab.locator("[data-left]")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    expect(tab.locator("[data-account-name]")).to_have_text("THOI TRANG HOA SEN")
    content = tab.locator("[data-transfer-content]").inner_text()
    assert content.endswith(f"Don hang {order_id}")
    tab.evaluate("window.stayedOnThePage = true")

    body = json.dumps({"event_id": f"bank-{order_id}", "amount": 129_000,
                       "reference": content})
    signature = signing.sign_webhook(body, secret=Settings().payment_webhook_secret,
                                     at=utcnow())
    notified = httpx.post(f"{url}/api/v1/payments/webhooks/vietqr", content=body,
                          headers={"Content-Type": "application/json",
                                   "O2O-Signature": signature})
    assert notified.status_code == 200, notified.text

    expect(tab.locator("[data-paid]")).to_have_text("Đã thanh toán")
    expect(tab.locator("#payment")).to_contain_text("Chuyển khoản VietQR")
    assert tab.evaluate("window.stayedOnThePage") is True  # by itself, not reloaded
