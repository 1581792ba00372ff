"""The back office's stock screens in a browser: an owner receives and writes off stock with
reasons the ledger keeps, counts a location from a CSV file after previewing the
differences, and moves stock between locations with a transfer.

Other browser tests read the world's stock (``conftest.build_world``), so every test here
leaves each level as it found it: what it adds it takes away again, the same way a shop would.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import People
from tests.e2e.test_web_apps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WAREHOUSE = "Kho Long Biên"
SAIGON = "Hoa Sen Quận 1"


def location_id(page: Page, name: str) -> str:
    page.goto("/admin/stock")
    value = page.locator("select[name=location] option", has_text=name).get_attribute("value")
    assert value is not None
    return value


def on_hand(page: Page, location: str, sku: str) -> int:
    """On hand of ``sku`` at ``location`` as the stock list shows it (0 when not listed)."""
    page.goto(f"/admin/stock?location={location_id(page, location)}&q={sku}")
    row = page.locator(f"#stock tbody tr[data-sku='{sku}']")
    return int(row.locator("td.num").first.inner_text()) if row.count() else 0


def open_level(page: Page, location: str, sku: str) -> None:
    page.goto(f"/admin/stock?location={location_id(page, location)}")
    page.fill("input[name=q]", sku)  # htmx searches as the owner types
    expect(page).to_have_url(re.compile(rf"q={sku}"))
    page.locator(f"#stock tbody tr[data-sku='{sku}']").get_by_role("link").click()
    expect(page.locator("#ledger")).to_be_visible()


def adjust(page: Page, kind: str, units: str, reason: str) -> None:
    form = page.locator("#adjust")
    form.locator("label.btn-kind", has_text=kind).click()
    form.get_by_label("Số lượng").fill(units)
    form.get_by_label("Lý do").fill(reason)
    form.get_by_role("button", name="Ghi nhận thay đổi").click()


def send(page: Page, source: str, destination: str, sku: str, units: int) -> str:
    """Send a transfer from the new-transfer form; its number."""
    page.goto("/admin/transfers/new")
    page.select_option("#from_location_id", label=source)
    page.select_option("#to_location_id", label=destination)
    page.locator("input[name=code]").first.fill(sku.lower())
    expect(page.locator(".line-lookup").first).to_contain_text("Áo thun cotton Hoa Sen")
    page.locator("input[name=quantity]").first.fill(str(units))
    page.get_by_role("button", name="Gửi phiếu chuyển").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi phiếu chuyển")
    match = re.search(r"[?&]id=(\d+)", page.url)
    assert match is not None
    return match.group(1)


def receive(page: Page, transfer: str) -> None:
    row = page.locator(f"#transfers tr[data-transfer='{transfer}']")
    expect(row).to_contain_text("Đang chuyển")
    row.get_by_role("button", name="Nhận hàng").click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã nhận phiếu chuyển #{transfer}")


def test_owner_receives_stock_with_a_reason_and_sees_it_in_the_ledger(
    page: Page, people: People
) -> None:
    sign_in(page, "admin", people.owner_email)
    page.get_by_role("link", name="Tồn kho").first.click()
    page.get_by_label("Địa điểm").select_option(label=WAREHOUSE)
    page.fill("input[name=q]", "AT-DO-L")  # the red L has never been in the warehouse

    expect(page.locator("#stock")).to_contain_text("AT-DO-L chưa từng có tồn tại đây")
    page.get_by_role("link", name="Nhập hàng tại đây").click()
    expect(page.locator("[data-tally=on_hand] .tally-value")).to_have_text("0")
    expect(page.locator("#ledger")).to_contain_text("Chưa có biến động")

    adjust(page, "Nhập hàng", "6", "Hàng về từ xưởng, phiếu 0042")

    expect(page.get_by_role("status")).to_contain_text("Đã điều chỉnh tồn kho")
    expect(page.locator("[data-tally=on_hand] .tally-value")).to_have_text("6")
    newest = page.locator("#ledger tbody tr").first
    expect(newest).to_contain_text("Nhập hàng")
    expect(newest.locator(".delta")).to_have_text("+6")
    expect(newest.locator(".delta")).to_have_class(re.compile(r"\bdelta-up\b"))
    expect(newest).to_contain_text("Hàng về từ xưởng, phiếu 0042")
    expect(newest).to_contain_text("Chủ hoasen")
    expect(newest.locator("td").first).to_have_text(re.compile(r"\d+ thg \d+, \d{4} \d\d:\d\d"))

    adjust(page, "Hư hỏng", "-6", "Lỗi đường may, trả xưởng")  # and back to none

    expect(page.locator("[data-tally=on_hand] .tally-value")).to_have_text("0")
    expect(page.locator("#ledger tbody tr").first.locator(".delta")).to_have_class(
        re.compile(r"\bdelta-down\b"))


def test_a_count_file_previews_the_difference_and_applying_it_sets_on_hand(
    page: Page, people: People
) -> None:
    sign_in(page, "admin", people.owner_email)
    before = on_hand(page, WAREHOUSE, "QJ-30")
    page.goto("/admin/counts")
    page.select_option("#location_id", label=WAREHOUSE)
    page.set_input_files("#file", files=[{
        "name": "kiem-kho.csv", "mimeType": "text/csv",
        "buffer": "sku;tên;counted\nQJ-30;Quần jean 30;37\nKHONG-CO;;1\n".encode(),
    }])
    page.get_by_role("button", name="Xem trước chênh lệch").click()

    expect(page.locator("#row-errors")).to_contain_text("Không có sản phẩm nào có SKU")
    expect(page.get_by_role("button", name="Áp dụng kiểm kho")).to_be_disabled()

    page.get_by_role("link", name="Tải tệp khác").click()
    page.select_option("#location_id", label=WAREHOUSE)
    page.set_input_files("#file", files=[{
        "name": "kiem-kho.csv", "mimeType": "text/csv",
        "buffer": "sku;tên;counted\nQJ-30;Quần jean 30;37\n".encode(),
    }])
    page.get_by_role("button", name="Xem trước chênh lệch").click()

    line = page.locator("#differences tr[data-sku='QJ-30']")
    expect(line.locator("td.num").nth(1)).to_have_text(str(before))
    expect(line.locator("td.num").nth(2)).to_have_text("37")
    expect(line.locator(".delta")).to_have_text(f"+{37 - before}")
    page.get_by_role("button", name="Áp dụng kiểm kho").click()

    expect(page.get_by_role("heading", name=re.compile(r"Đã áp dụng kiểm kho #\d+"))) \
        .to_be_visible()
    assert on_hand(page, WAREHOUSE, "QJ-30") == 37

    open_level(page, WAREHOUSE, "QJ-30")  # counted back, as the world had it
    page.locator("#count").get_by_label("Đếm được").fill(str(before))
    page.locator("#count").get_by_role("button", name="Lưu số đếm").click()
    expect(page.locator("[data-tally=on_hand] .tally-value")).to_have_text(str(before))


def test_a_transfer_leaves_the_source_at_once_and_arrives_when_received(
    page: Page, people: People
) -> None:
    sign_in(page, "admin", people.owner_email)
    warehouse, saigon = on_hand(page, WAREHOUSE, "AT-DO-M"), on_hand(page, SAIGON, "AT-DO-M")

    sent = send(page, WAREHOUSE, SAIGON, "AT-DO-M", 5)

    assert on_hand(page, WAREHOUSE, "AT-DO-M") == warehouse - 5
    assert on_hand(page, SAIGON, "AT-DO-M") == saigon
    page.goto("/admin/transfers")
    receive(page, sent)
    assert on_hand(page, SAIGON, "AT-DO-M") == saigon + 5

    back = send(page, SAIGON, WAREHOUSE, "AT-DO-M", 5)  # and home again
    receive(page, back)
    assert on_hand(page, WAREHOUSE, "AT-DO-M") == warehouse
    assert on_hand(page, SAIGON, "AT-DO-M") == saigon
