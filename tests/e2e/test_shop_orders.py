"""A shopper orders in the browser: into the cart, a store chosen, the order placed once, the
pickup code on screen, and the status turning "ready" by itself when the store marks it so.

The world (``conftest.build_world``): the red T-shirt M (129.000 ₫) has 3 at Hoàn Kiếm
(pickup, try-on) and 12 at Quận 1 (pickup). Other browser tests read those levels, so every
order made here is cancelled before the test ends and its units go back on sale.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, People
from tests.e2e.test_web_apps import sign_in
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HOAN_KIEM = "Hoa Sen Hoàn Kiếm"


@dataclass
class Counter:
    """The Hoàn Kiếm cashier on the API, and the orders to cancel once the test ends."""

    client: httpx.Client
    placed: list[str]

    def move(self, order_id: str, to: str) -> None:
        answer = self.client.post(f"/api/v1/orders/{order_id}/transitions", json={"to": to})
        assert answer.status_code == 200, answer.text


@pytest.fixture
def staff(live_server: LiveServer, people: People) -> Iterator[Counter]:
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        token = client.post("/api/v1/auth/token", data={
            "username": people.cashier_email, "password": PASSWORD}).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        counter = Counter(client, [])
        yield counter
        for order_id in counter.placed:  # whatever state it reached: its stock comes back
            client.post(f"/api/v1/orders/{order_id}/transitions", json={"to": "cancelled"})


def my_orders(page: Page) -> int:
    page.goto("/shop/orders")
    return page.locator("[data-order]").count()


def shopper(page: Page, people: People) -> None:
    sign_in(page, "shop", people.shopper_phone)
    page.wait_for_url(re.compile(r"/shop$"))


def to_checkout(page: Page, people: People) -> None:
    """The red T-shirt M into the cart, and on to the checkout."""
    page.goto(f"/shop/products/{people.product_id}")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    added = page.get_by_role("status").filter(has_text="Đã thêm vào giỏ")
    expect(added).to_contain_text("Áo thun cotton Hoa Sen · Đỏ / M")
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.locator(".cart-link").click()
    expect(page.locator(".cart-line")).to_contain_text("Áo thun cotton Hoa Sen")
    page.get_by_role("link", name="Thanh toán").click()
    expect(page.get_by_role("heading", name="Thanh toán")).to_be_visible()


def place(page: Page, staff: Counter) -> str:
    """Place the order on the summary page (a double click); the order's number."""
    expect(page.get_by_role("heading", name="Xác nhận đơn hàng")).to_be_visible()
    page.get_by_role("button", name="Đặt hàng").dblclick()
    page.wait_for_url(re.compile(r"/shop/orders/\d+$"))
    order_id = page.url.rsplit("/", 1)[1]
    staff.placed.append(order_id)
    return order_id


def test_shopper_picks_up_at_a_store_and_sees_the_order_turn_ready_live(
    page: Page, people: People, staff: Counter
) -> None:
    shopper(page, people)
    before = my_orders(page)
    to_checkout(page, people)
    page.get_by_role("link", name="Hà Nội").click()
    choice = page.locator(".store-choice", has_text=HOAN_KIEM)
    expect(choice).to_contain_text("Có đủ hàng")
    expect(choice.locator(".distance")).to_have_text(re.compile(r"\d+\s*m$"))
    choice.click()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator("[data-total]")).to_have_text("129.000 ₫")

    order_id = place(page, staff)

    expect(page.locator(".status-card .order-status")).to_have_text("Đã đặt")
    expect(page.locator(".pickup-code")).to_have_text(re.compile(r"^\d{3}\s*\d{3}$"))
    expect(page.locator(".code-qr svg")).to_be_visible()
    expect(page.locator("main")).to_contain_text(HOAN_KIEM)
    expect(page.locator("[data-cart-count]")).to_have_count(0)  # the cart became the order
    page.evaluate("window.stayedOnThePage = true")

    staff.move(order_id, "accepted")
    staff.move(order_id, "ready")

    expect(page.locator(".status-card .order-status")).to_have_text("Sẵn sàng")
    expect(page.locator(".status-text")).to_contain_text("Đơn hàng đã sẵn sàng")
    expect(page.locator(".timeline li.current")).to_contain_text("Sẵn sàng")
    assert page.evaluate("window.stayedOnThePage") is True  # live, not reloaded
    assert my_orders(page) == before + 1  # the double click placed one order
    expect(page.locator(f"[data-order='{order_id}'] .order-status")).to_have_text("Sẵn sàng")


def test_shopper_reserves_to_try_on_and_cancels_from_the_order_page(
    page: Page, people: People, staff: Counter
) -> None:
    shopper(page, people)
    to_checkout(page, people)
    page.get_by_role("tab", name="Giữ hàng và thử").click()
    stores = page.locator(".store-choice")
    expect(stores).to_have_count(1)  # only Hoàn Kiếm has fitting rooms
    expect(stores.first).to_contain_text(HOAN_KIEM)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".fulfilment-card")).to_contain_text("Giữ hàng cho bạn đến")
    expect(page.locator(".order-summary")).to_contain_text("Chưa cần trả tiền")

    place(page, staff)

    expect(page.locator(".status-card .order-status")).to_have_text("Đã đặt")
    expect(page.locator(".status-text")).to_contain_text("Cửa hàng đang để riêng hàng cho bạn.")
    expect(page.locator(".pickup-code")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Huỷ đơn").click()
    expect(page.locator(".status-card .order-status")).to_have_text("Đã huỷ")
    expect(page.locator(".pickup-code")).to_have_count(0)
    expect(page.get_by_role("button", name="Huỷ đơn")).to_have_count(0)
