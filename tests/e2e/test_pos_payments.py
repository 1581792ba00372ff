"""Taking the money at the counter in a real browser: a sale paid half in cash (the change
shown as the banknotes are tapped) and half on the card terminal; a VietQR code on the
customer's screen that turns to "paid" by itself when the bank's signed notification comes.

These sales move stock and money, so they run on a server and world of their own.
"""

import json
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from o2o.auth import service as auth_service
from o2o.config import Settings
from o2o.db import Database
from o2o.orm import utcnow
from o2o.payments import service as payments_service
from o2o.payments.signing import sign_webhook
from tests.e2e.conftest import TABLET, build_world, open_tab, serve
from tests.e2e.test_web_apps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@dataclass(frozen=True)
class Counter:
    cashier_email: str
    store_id: int


def _world(db: Database) -> Counter:
    """The shared world, with the bank account Hoa Sen's VietQR codes pay into."""
    people = build_world(db)
    with db.session() as session:
        owner = auth_service._find_login(session, people.owner_email)
        assert owner is not None
        actor = auth_service.actor_of(session, owner)
    with db.session() as session:
        payments_service.set_account(session, actor=actor, bank_bin="970436",
                                     account_number="0011004268753",
                                     account_name="THOI TRANG HOA SEN")
    return Counter(people.cashier_email, people.store_id)


@pytest.fixture(scope="module")
def counter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Counter]]:
    folder: Path = tmp_path_factory.mktemp("e2e-payments")
    with serve(folder, _world) as running:
        yield running


@pytest.fixture
def tab(browser: Browser, counter_server: tuple[str, Counter]) -> Iterator[Page]:
    """The counter's tablet, in Vietnamese."""
    with open_tab(browser, counter_server[0], TABLET) as tab:
        yield tab


@pytest.fixture
def counter(counter_server: tuple[str, Counter]) -> Counter:
    return counter_server[1]


def ring_up(tab: Page, counter: Counter, units: int) -> None:
    """Sign in, scan ``units`` red T-shirts (129.000 ₫ each) and press Pay."""
    sign_in(tab, "pos", counter.cashier_email)
    tab.wait_for_url(re.compile(r"/pos/stores/"))
    tab.goto(f"/pos/stores/{counter.store_id}/sale")
    for _ in range(units):
        tab.get_by_label("Mã vạch hoặc SKU").fill("AT-DO-M")
        tab.get_by_label("Mã vạch hoặc SKU").press("Enter")
        tab.wait_for_load_state("networkidle")
    tab.locator(".pay-button").click()
    expect(tab.locator("[data-owed]")).to_have_text(f"{129 * units}.000 ₫")


def test_a_sale_paid_half_in_cash_and_half_by_card_is_paid(tab: Page, counter: Counter) -> None:
    ring_up(tab, counter, 2)

    cash = tab.locator("#pay-cash")
    cash.get_by_label("Thu tiền mặt").fill("129000")
    cash.locator('[data-tender="150000"]').click()
    expect(cash.locator("[data-change]")).to_have_text("21.000 ₫")
    cash.get_by_role("button", name="Nhận tiền mặt").click()
    expect(tab.locator(".change-banner")).to_contain_text("21.000 ₫")
    expect(tab.locator("[data-owed]")).to_have_text("129.000 ₫")

    tab.get_by_role("tab", name="Thẻ").click()
    card = tab.locator("#pay-card")
    expect(card.get_by_label("Số thẻ (máy đọc)")).to_have_value("4111 1111 1111 1111")
    card.get_by_role("button", name="Chạm thẻ").click()

    expect(tab.locator("[data-paid-in-full]")).to_have_text("Đã thanh toán đủ")
    rows = tab.locator("#payments .pay-list li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Tiền mặt")
    expect(rows.nth(1)).to_contain_text("•••• 1111")
    with tab.context.expect_page() as opened:
        tab.get_by_role("link", name="In hóa đơn").click()
    receipt = opened.value
    expect(receipt.locator("#receipt")).to_contain_text("HÓA ĐƠN BÁN HÀNG")
    expect(receipt.locator("#receipt .grand")).to_contain_text("258.000 ₫")


def _bank_notifies(url: str, reference: str, amount: int) -> dict[str, bool]:
    """The sandbox bank's signed notice that a transfer with ``reference`` arrived."""
    body = json.dumps({"event_id": f"e2e-{reference}", "amount": amount,
                       "reference": f"{reference} chuyen tien"})
    signature = sign_webhook(body, secret=Settings().payment_webhook_secret, at=utcnow())
    request = urllib.request.Request(
        f"{url}/api/v1/payments/webhooks/vietqr", data=body.encode(), method="POST",
        headers={"Content-Type": "application/json", "O2O-Signature": signature})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


def test_the_customer_screen_turns_to_paid_when_the_bank_notifies(
    tab: Page, counter: Counter, counter_server: tuple[str, Counter]
) -> None:
    ring_up(tab, counter, 1)
    tab.get_by_role("tab", name="VietQR").click()
    tab.get_by_role("button", name="Hiện mã QR").click()
    with tab.context.expect_page() as opened:
        tab.get_by_role("link", name="Hiện trên màn hình khách").click()
    screen = opened.value
    shown = screen.locator("#screen")
    expect(shown).to_have_attribute("data-state", "pending")
    expect(shown.locator(".amount").first).to_have_text("129.000 ₫")
    expect(screen.locator("#vietqr")).to_be_visible()
    expect(shown.locator("[data-countdown]")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    reference = shown.get_attribute("data-reference")
    assert reference is not None

    assert _bank_notifies(counter_server[0], reference, 129_000) == {
        "received": True, "duplicate": False}

    expect(shown).to_have_attribute("data-state", "captured")
    expect(shown.locator("[data-when=captured] h1")).to_have_text("Đã thanh toán")
    expect(tab.locator("[data-paid-in-full]")).to_have_text("Đã thanh toán đủ")
