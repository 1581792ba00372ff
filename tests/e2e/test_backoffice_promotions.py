"""The back office's promotions in a browser: an owner writes "Giảm 10% áo thun", watches
the live preview price a sample cart before saving, then makes a batch of single-use codes
and opens their print sheet.

Other browser tests price the world's T-shirts, so the promotion is saved paused: it never
changes a price they expect.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import People
from tests.e2e.test_web_apps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SHIRT = "Áo thun cotton Hoa Sen"


def test_owner_previews_a_promotion_then_prints_a_batch_of_codes(
    page: Page, people: People
) -> None:
    sign_in(page, "admin", people.owner_email)
    page.get_by_role("link", name="Khuyến mãi").first.click()
    page.get_by_role("link", name="Khuyến mãi mới").first.click()

    page.get_by_label("Tên").fill("Giảm 10% áo thun")
    page.get_by_text("Giảm phần trăm sản phẩm").click()
    page.get_by_label("Phần trăm giảm").fill("10")
    products = page.get_by_role("group", name="Sản phẩm")
    products.get_by_label(SHIRT, exact=True).check()
    page.get_by_label("Sản phẩm mẫu 1", exact=True).select_option(
        label=f"{SHIRT} · Đỏ / M · 129.000\xa0₫")
    page.get_by_label("Số lượng sản phẩm mẫu 1").fill("2")

    preview = page.locator("#preview")
    expect(preview).to_contain_text("Khuyến mãi này giảm 25.800")  # 10% of 2 × 129.000
    expect(preview).to_contain_text("Giảm 10% cho Áo thun cotton Hoa Sen")
    expect(preview.locator("[data-preview-total]")).to_have_text("232.200\xa0₫")

    page.get_by_label("Đang bật").uncheck()  # paused: the other browser tests' prices stay
    page.locator(".save-bar").get_by_role("button", name="Tạo khuyến mãi").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tạo khuyến mãi")
    expect(page.locator("h2", has_text="Giảm 10% áo thun")).to_be_visible()

    page.get_by_role("link", name="Mã giảm giá").click()
    page.get_by_label("Số lượng").fill("5")
    page.get_by_label("Tiền tố").fill("ao")
    page.get_by_role("button", name="Tạo mã").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tạo lô mã")
    batch = page.locator("#batches tbody tr").first
    expect(batch.locator("td.num")).to_have_text("5")

    with page.context.expect_page() as opened:
        batch.get_by_role("link", name="Trang in").click()
    sheet = opened.value
    expect(sheet).to_have_url(re.compile(r"/batches/\d+/print$"))
    cards = sheet.locator(".qr-card")
    expect(cards).to_have_count(5)
    expect(cards.first.locator("svg")).to_be_visible()
    expect(cards.first.locator(".qr-code-text")).to_have_text(re.compile(r"^AO[A-Z2-9]{8}$"))
