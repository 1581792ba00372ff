"""The counter's side of an order in a real browser: a pickup taken from the queue through
accept, ready and the handover by its code; a reserve-and-try customer who buys one of two
items; an order collected in one store returned in another.

These journeys move stock, so they run on a server and world of their own (the shared
world's counts stay what the other browser tests expect).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from o2o.auth import service as auth_service
from o2o.auth.models import User
from o2o.catalog import service as catalog_service
from o2o.config import Settings
from o2o.db import Database
from o2o.orders import checkout, service
from o2o.orders.models import Order
from o2o.orders.schemas import CheckoutCreate
from o2o.stores import service as stores_service
from tests.e2e.conftest import TABLET, build_world, open_tab, serve
from tests.e2e.test_web_apps import sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@dataclass(frozen=True)
class Counter:
    cashier_email: str  # Hoàn Kiếm
    saigon_cashier_email: str  # Quận 1
    store_id: int
    pickup: tuple[int, str]  # placed: (order id, pickup code)
    try_on: int  # one red T-shirt M and one pair of jeans held at Hoàn Kiếm
    collected: int  # one red T-shirt M, collected at Hoàn Kiếm


def _user(db: Database, login: str) -> User:
    with db.session() as session:
        user = auth_service._find_login(session, login)
    assert user is not None
    return user


def _orders(db: Database) -> Counter:
    """The shared world, plus a cashier in Saigon, jeans at Hoàn Kiếm and three orders of
    the shopper there, placed, held for a try-on and collected."""
    people = build_world(db)
    world = World(db)
    owner = world.actor(_user(db, people.owner_email))
    with db.session() as session:
        merchant = stores_service.get_merchant(session, slug="hoasen")
        places = {loc.code: loc for loc in stores_service.list_locations(session, actor=owner)}
        sku = {code: catalog_service.find_variant(session, actor=owner, code=code).id
               for code in ("AT-DO-M", "QJ-30")}
    saigon_cashier = world.staff(merchant, "cashier", [places["q1"]])
    world.stock(merchant, places["hk"], sku["QJ-30"], 4)
    shopper = world.actor(_user(db, people.shopper_phone))
    cashier = world.actor(_user(db, people.cashier_email))
    settings = Settings()

    def order(kind: str, lines: dict[str, int]) -> Order:
        body: dict[str, Any] = {
            "lines": [{"variant_id": sku[code], "quantity": n} for code, n in lines.items()],
            "fulfilment": {"type": kind, "store_id": people.store_id}}
        with db.session() as session:
            made = checkout.create_checkout(session, actor=shopper, settings=settings,
                                            data=CheckoutCreate.model_validate(body))
        with db.session() as session:
            return checkout.complete_checkout(session, actor=shopper, settings=settings,
                                              checkout_id=made.checkout.id,
                                              idempotency_key=None)

    pickup = order("pickup", {"AT-DO-M": 1})
    try_on = order("reserve_and_try", {"AT-DO-M": 1, "QJ-30": 1})
    collected = order("pickup", {"AT-DO-M": 1})
    for step in ("accepted", "ready"):
        with db.session() as session:
            ready = service.transition(session, actor=cashier, order_id=collected.id,
                                       to=service.OrderStatus(step), note="",
                                       settings=settings)
    assert ready.pickup_code is not None and pickup.pickup_code is not None
    with db.session() as session:
        service.handover(session, actor=cashier, store_id=people.store_id,
                         code=ready.pickup_code)
    return Counter(people.cashier_email, saigon_cashier.email or "", people.store_id,
                   (pickup.id, pickup.pickup_code), try_on.id, collected.id)


@pytest.fixture(scope="module")
def counter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Counter]]:
    folder: Path = tmp_path_factory.mktemp("e2e-orders")
    with serve(folder, _orders) as running:
        yield running


@pytest.fixture
def tab(browser: Browser, counter_server: tuple[str, Counter]) -> Iterator[Page]:
    """A counter tablet, in Vietnamese."""
    with open_tab(browser, counter_server[0], TABLET) as tab:
        yield tab


@pytest.fixture
def counter(counter_server: tuple[str, Counter]) -> Counter:
    return counter_server[1]


def test_a_pickup_goes_from_the_queue_through_ready_to_handover_by_its_code(
    tab: Page, counter: Counter
) -> None:
    order_id, code = counter.pickup
    sign_in(tab, "pos", counter.cashier_email)
    tab.wait_for_url(re.compile(r"/pos/stores/"))
    tab.get_by_role("link", name="Đơn hàng").click()

    card = tab.locator(f'.queue-card[data-order="{order_id}"]')
    expect(tab.locator('.queue-col[data-status="placed"]').locator(card)).to_be_visible()
    expect(tab.locator("#handover-code")).to_be_focused()  # ready for the scanner
    card.get_by_role("button", name="Nhận đơn").click()
    accepted = tab.locator('.queue-col[data-status="accepted"]').locator(card)
    expect(accepted).to_be_visible()
    accepted.get_by_role("button", name="Báo sẵn sàng").click()
    ready = tab.locator('.queue-col[data-status="ready"]').locator(card)
    expect(ready).to_contain_text("Chờ mã của khách")

    tab.locator("#handover-code").fill(code)
    tab.locator("#handover-code").press("Enter")

    expect(tab.locator('[role="status"]')).to_contain_text(f"Đã giao đơn #{order_id}")
    expect(tab.locator(".order-head .status")).to_have_text("Đã nhận hàng")
    expect(tab.locator(".order-timeline .what")).to_have_text(
        ["Đã đặt", "Đã nhận đơn", "Sẵn sàng", "Đã nhận hàng"])
    tab.get_by_role("link", name="Về danh sách đơn").click()
    expect(tab.locator(f'.queue-card[data-order="{order_id}"]')).to_have_count(0)


def test_a_try_on_customer_buys_one_of_the_two_items_held(tab: Page, counter: Counter) -> None:
    sign_in(tab, "pos", counter.cashier_email)
    tab.wait_for_url(re.compile(r"/pos/stores/"))
    tab.goto(f"/pos/stores/{counter.store_id}/orders")
    tab.locator(f'.queue-card[data-order="{counter.try_on}"] a.stretched').click()

    outcome = tab.locator("#try")
    expect(outcome).to_contain_text("Khách lấy những gì?")
    outcome.get_by_label("Số lượng mua của Quần jean ống suông · 30").fill("0")
    outcome.get_by_role("button", name="Ghi nhận hàng khách mua").click()

    expect(tab.locator('[role="status"]')).to_contain_text("hàng khách lấy đã bán")
    expect(tab.locator(".order-head .status")).to_have_text("Hoàn tất")
    expect(tab.locator(".order-totals .grand")).to_contain_text("129.000 ₫")
    sold = tab.locator(".order-lines tbody tr")
    expect(sold.nth(0).locator("td").nth(3)).to_have_text("1")
    expect(sold.nth(1).locator("td").nth(3)).to_have_text("0")


def test_an_order_collected_in_hanoi_is_returned_in_saigon(tab: Page, counter: Counter) -> None:
    sign_in(tab, "pos", counter.saigon_cashier_email)
    tab.wait_for_url(re.compile(r"/pos/stores/"))
    expect(tab.locator(".pos-bar")).to_contain_text("Hoa Sen Quận 1")
    tab.get_by_role("link", name="Đổi trả").click()

    tab.get_by_label("Số đơn hàng").fill(f"#{counter.collected}")
    tab.get_by_label("Số đơn hàng").press("Enter")
    found = tab.locator("#return-order")
    expect(found).to_contain_text("Hoa Sen Hoàn Kiếm")
    found.get_by_label(re.compile("^Số lượng .* trả lại$")).fill("1")
    expect(tab.locator("[data-refund]")).to_have_text("129.000 ₫")  # before anything is done
    found.get_by_label("Lý do").fill("Khách đổi ý")
    found.get_by_role("button", name="Nhận lại và hoàn tiền").click()

    expect(tab.locator('[role="status"]')).to_contain_text(
        "Đã nhận hàng trả. Hoàn cho khách: 129.000 ₫")
    row = tab.locator("#return-order tbody tr").first
    expect(row.locator("td").nth(2)).to_have_text("1")  # returned
