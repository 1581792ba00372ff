"""The three web apps in a real browser: sign in, land on your page, find things, switch
language."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import People
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page: Page, app: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"/{app}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_shop_home_shows_the_network_merchants_and_products(page: Page) -> None:
    page.goto("/shop")

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Mua online, nhận tại cửa hàng")).to_be_visible()
    expect(page.locator(".merchant-tile")).to_have_count(2)
    expect(page.locator(".product-card")).to_have_count(3)
    expect(page.locator(".product-card", has_text="Áo thun cotton")).to_contain_text("129.000 ₫")


def test_shopper_signs_in_with_their_phone_and_sees_the_shops_they_follow(
    page: Page, people: People
) -> None:
    sign_in(page, "shop", people.shopper_phone)
    page.goto("/shop/account")

    expect(page.get_by_role("heading", name="Nguyễn Thị Lan")).to_be_visible()
    expect(page.locator("main")).to_contain_text("0901 234 567")
    followed = page.locator(".card-o2o", has_text="Thời trang Hoa Sen")
    expect(followed.locator(".consents li.yes")).to_have_count(2)  # SMS and Zalo


def test_signed_out_shopper_is_sent_to_sign_in_and_back_to_the_account(
    page: Page, people: People
) -> None:
    page.goto("/shop/account")
    expect(page).to_have_url(re.compile(r"/shop/login\?next=/shop/account$"))

    page.fill("#username", people.shopper_phone)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")

    expect(page).to_have_url(re.compile(r"/shop/account$"))


def test_wrong_password_shows_a_friendly_error_on_the_form(page: Page, people: People) -> None:
    sign_in(page, "pos", people.cashier_email, password="not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("Sai email hoặc mật khẩu")
    expect(page.locator("#username")).to_have_value(people.cashier_email)
    expect(page).to_have_url(re.compile(r"/pos/login$"))


def test_cashier_signs_in_lands_at_their_counter_and_scans_a_barcode(
    page: Page, people: People
) -> None:
    sign_in(page, "pos", people.cashier_email)

    expect(page).to_have_url(re.compile(rf"/pos/stores/{people.store_id}$"))
    expect(page.locator(".pos-bar")).to_contain_text("Hoa Sen Hoàn Kiếm")
    page.fill("input[name=code]", "8935049500018")
    page.press("input[name=code]", "Enter")
    scanned = page.locator("#scanned")
    expect(scanned).to_contain_text("Áo thun cotton Hoa Sen")
    expect(scanned).to_contain_text("129.000 ₫")
    expect(scanned).to_contain_text("AT-DO-M")


def test_cashier_finds_a_customer_by_part_of_the_phone_number(
    page: Page, people: People
) -> None:
    sign_in(page, "pos", people.cashier_email)

    page.fill("#customer-q", "0901 234")
    page.press("#customer-q", "Enter")

    expect(page.locator("#customer-results")).to_contain_text("Nguyễn Thị Lan")


def test_cashier_cannot_open_the_back_office(page: Page, people: People) -> None:
    sign_in(page, "pos", people.cashier_email)
    page.wait_for_url(re.compile(r"/pos/stores/"))

    response = page.goto("/admin")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Trang này không dành cho tài khoản của bạn")) \
        .to_be_visible()
    expect(page.get_by_role("button", name="Đăng nhập bằng tài khoản khác")).to_be_visible()
    page.get_by_role("link", name="Đến máy bán hàng").click()
    expect(page).to_have_url(re.compile(rf"/pos/stores/{people.store_id}$"))


def test_owner_signs_in_to_a_dashboard_of_real_counts_and_a_chart(
    page: Page, people: People
) -> None:
    sign_in(page, "admin", people.owner_email)

    expect(page).to_have_url(re.compile(r"/admin$"))
    counts = {key: page.locator(f"[data-count={key}] .stat-value").inner_text()
              for key in ("stores", "warehouses", "products", "variants", "customers", "staff")}
    assert counts == {"stores": "2", "warehouses": "1", "products": "2", "variants": "3",
                      "customers": "1", "staff": "2"}
    expect(page.locator("canvas[data-chart]")).to_be_visible()
    page.click("text=Sản phẩm >> nth=0")
    expect(page.locator("#products tbody tr")).to_have_count(2)


def test_operator_sees_the_merchants_of_the_network(page: Page, people: People) -> None:
    sign_in(page, "admin", people.operator_email)

    merchants = page.locator("#merchants tbody tr")
    expect(merchants).to_have_count(2)
    expect(merchants.filter(has_text="Điện máy Sao Việt")).to_contain_text("1")  # one store
    expect(merchants.filter(has_text="Thời trang Hoa Sen")).to_contain_text("2")


def test_language_switch_turns_the_page_english_and_is_remembered(page: Page) -> None:
    page.goto("/shop")
    page.get_by_role("link", name="EN").first.click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Shop online, pick up in store")).to_be_visible()
    expect(page.locator(".product-card", has_text="Áo thun cotton")).to_contain_text("₫129,000")
    page.goto("/shop/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_shopper_searches_without_accents_and_opens_a_product(page: Page) -> None:
    page.goto("/shop")
    page.locator(".hero input[name=q]").fill("ao thun")
    page.locator(".hero input[name=q]").press("Enter")

    results = page.locator(".product-card")
    expect(results).to_have_count(1)
    results.first.click()
    expect(page.get_by_role("heading", name="Áo thun cotton Hoa Sen")).to_be_visible()
    expect(page.locator(".product-price-lg")).to_contain_text("159.000 ₫")  # struck through
    expect(page.locator(".variant-table")).to_contain_text("Chỉ bán tại cửa hàng")


def test_store_page_shows_today_hours_and_the_store_on_a_map(
    page: Page, people: People
) -> None:
    page.goto(f"/shop/stores/{people.store_id}")

    expect(page.get_by_role("heading", name="Hoa Sen Hoàn Kiếm")).to_be_visible()
    expect(page.locator(".hours-table tr.today")).to_contain_text("08:00–22:00")
    expect(page.locator(".store-map .map-pin")).to_be_visible()


def test_new_shopper_signs_up_and_lands_on_their_account(page: Page) -> None:
    page.goto("/shop/signup")
    page.fill("#full_name", "Trần Minh Đức")
    page.fill("#phone", "0912 345 678")
    page.fill("#password", "short")
    page.click("button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text("ít nhất 8 ký tự")

    page.fill("#password", "mat-khau-du-dai")
    page.click("button[type=submit]")

    expect(page).to_have_url(re.compile(r"/shop/account$"))
    expect(page.get_by_role("heading", name="Trần Minh Đức")).to_be_visible()
    expect(page.locator("main")).to_contain_text("0912 345 678")


def test_owner_filters_products_by_status_and_searches_customers(
    page: Page, people: People
) -> None:
    sign_in(page, "admin", people.owner_email)

    page.goto("/admin/products?q=quan")
    expect(page.locator("#products tbody tr")).to_have_count(1)
    expect(page.locator("#products")).to_contain_text("Quần jean ống suông")
    page.get_by_role("link", name=re.compile("Bản nháp")).click()
    expect(page.locator("#products")).to_contain_text("Không có sản phẩm nào khớp với “quan”")

    page.goto("/admin/customers")
    page.fill("input[name=q]", "nguyen lan")
    page.press("input[name=q]", "Enter")
    expect(page.locator("#customers tbody tr")).to_have_count(1)
    expect(page.locator("#customers")).to_contain_text("0901 234 567")


def test_a_mistyped_address_gets_a_page_with_a_way_back(page: Page) -> None:
    response = page.goto("/shop/san-pham-khong-co")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy trang này")).to_be_visible()
    page.get_by_role("link", name="Về trang đầu").click()
    expect(page).to_have_url(re.compile(r"/shop$"))


def test_api_docs_render_without_internet(page: Page) -> None:
    page.goto("/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("o2o")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
