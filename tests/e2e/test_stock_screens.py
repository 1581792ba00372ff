"""One stock for every channel, on screen: the cashier sees what this store and the other
locations hold of a scanned item; the shopper sees which stores near them have it.

The world (``conftest.build_world``): the red T-shirt M has 3 at Hoàn Kiếm (the cashier's
counter), 12 at Quận 1 (Saigon) and 40 at the Long Biên warehouse; the red L, sold in store
only, has 2 at Quận 1 and none in Hà Nội.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, LiveServer, People, open_tab
from tests.e2e.test_web_apps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

#: By Hồ Hoàn Kiếm, about 600 m from the Hoàn Kiếm store.
BY_THE_LAKE = {"latitude": 21.0285, "longitude": 105.8542}


def scan(page: Page, code: str) -> None:
    page.fill("input[name=code]", code)
    page.press("input[name=code]", "Enter")


def test_cashier_scans_and_sees_this_store_s_count_and_other_locations_with_km(
    page: Page, people: People
) -> None:
    sign_in(page, "pos", people.cashier_email)
    page.wait_for_url(re.compile(rf"/pos/stores/{people.store_id}$"))

    scan(page, "8935049500018")

    here = page.locator(".stock-here")
    expect(here).to_contain_text("Tại cửa hàng này")
    expect(here.locator(".stock-figure")).to_have_text("3")
    expect(here.locator(".stock-counts")).to_contain_text("Tồn kho")
    expect(here).not_to_have_class(re.compile(r"\bout\b"))
    rows = page.locator(".stock-elsewhere tbody tr")
    expect(rows).to_have_count(2)  # nearest first: the Long Biên warehouse, then Saigon
    expect(rows.nth(0)).to_contain_text("Kho Long Biên")
    expect(rows.nth(0)).to_contain_text("Kho")
    expect(rows.nth(0).locator(".dist")).to_have_text(re.compile(r"^3,4\s*km$"))
    expect(rows.nth(0).locator(".qty")).to_have_text("40")
    expect(rows.nth(1)).to_contain_text("Hoa Sen Quận 1")
    expect(rows.nth(1).locator(".dist")).to_have_text(re.compile(r"^1\.144\s*km$"))
    expect(rows.nth(1).locator(".qty")).to_have_text("12")


def test_an_item_out_of_stock_here_says_so_and_where_to_send_the_customer(
    page: Page, people: People
) -> None:
    sign_in(page, "pos", people.cashier_email)
    page.wait_for_url(re.compile(r"/pos/stores/"))

    scan(page, "at-do-l")

    here = page.locator(".stock-here")
    expect(here).to_have_class(re.compile(r"\bout\b"))
    expect(here).to_contain_text("Hết hàng")
    expect(here).to_contain_text("Mời khách đến một điểm gần đây còn hàng.")
    expect(page.locator(".stock-elsewhere tbody tr")).to_have_count(1)
    expect(page.locator(".stock-elsewhere")).to_contain_text("Hoa Sen Quận 1")

    scan(page, "QJ-30")  # the jeans are nowhere

    expect(page.locator(".stock-here")).to_contain_text("Quầy này không còn hàng để bán.")
    expect(page.locator(".stock-elsewhere")).to_contain_text("Không điểm nào khác còn hàng.")


def test_shopper_picks_a_city_and_sees_nearby_stores_with_a_band_and_map_markers(
    page: Page, people: People
) -> None:
    page.goto(f"/shop/products/{people.product_id}")
    nearby = page.locator("#nearby")
    expect(nearby).to_contain_text("Chia sẻ vị trí hoặc chọn thành phố")

    nearby.get_by_role("button", name="TP. Hồ Chí Minh").click()

    rows = nearby.locator(".nearby-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Hoa Sen Quận 1")
    expect(rows.first.locator(".band")).to_have_text("Còn nhiều")  # 12 units
    expect(rows.first.locator(".distance")).to_have_text(re.compile(r"\d+\s*m$"))
    expect(rows.first.locator(".badge-open, .badge-closed")).to_be_visible()
    expect(nearby.locator(".nearby-map .map-pin")).to_have_count(1)
    expect(nearby.locator(".nearby-map .you-pin")).to_have_count(1)

    nearby.get_by_role("button", name="Hà Nội").click()

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Hoa Sen Hoàn Kiếm")
    expect(rows.first.locator(".band")).to_have_text("Còn ít")  # 3 units
    expect(nearby.locator(".nearby-map .map-pin")).to_be_visible()

    nearby.get_by_label("Chọn phân loại").select_option(label="Đỏ · L")

    expect(nearby).to_contain_text("Chưa có ở cửa hàng gần bạn")  # L only in Saigon
    expect(nearby.locator(".nearby-map")).to_have_count(0)


def test_the_chosen_city_is_remembered_for_the_next_visit(page: Page, people: People) -> None:
    page.goto(f"/shop/products/{people.product_id}")
    page.locator("#nearby").get_by_role("button", name="Hà Nội").click()
    expect(page.locator("#nearby .nearby-row")).to_have_count(1)

    page.reload()

    expect(page.locator("#nearby .nearby-row")).to_contain_text("Hoa Sen Hoàn Kiếm")
    expect(page.locator("#nearby").get_by_role("button", name="Hà Nội")) \
        .to_have_class(re.compile(r"\bactive\b"))


@pytest.fixture
def shopper_by_the_lake(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone whose owner lets the shop know where they are."""
    with open_tab(browser, live_server.url, PHONE, geolocation=BY_THE_LAKE,
                  permissions=["geolocation"]) as tab:
        yield tab


def test_shopper_shares_their_position_and_sees_the_nearest_store(
    shopper_by_the_lake: Page, people: People
) -> None:
    page = shopper_by_the_lake
    page.goto(f"/shop/products/{people.product_id}")

    page.locator("#nearby").get_by_role("button", name="Dùng vị trí của tôi").click()

    row = page.locator("#nearby .nearby-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Hoa Sen Hoàn Kiếm")
    # Measured from the position kept to ~100 m (21.029, 105.854): 590 m rather than 620 m.
    expect(row.locator(".distance")).to_have_text(re.compile(r"^\s*590\s*m$"))
    expect(page.locator("#nearby .nearby-map .you-pin")).to_be_visible()


def test_a_refused_position_offers_the_city_picker(page: Page, people: People) -> None:
    page.context.grant_permissions([])  # the shopper said no
    page.goto(f"/shop/products/{people.product_id}")

    page.locator("#nearby").get_by_role("button", name="Dùng vị trí của tôi").click()

    expect(page.locator("#nearby [data-locate-failed]")).to_be_visible()
    expect(page.locator("#nearby").get_by_role("button", name="Đà Nẵng")).to_be_visible()
