"""A counter sale with everything that lowers its price, in a real browser: the cashier scans
a coupon, attaches a known customer by phone, redeems some of their points, and the payment
step asks for the reduced amount.

The sale spends a coupon and points, so it runs on a server and world of its own.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from o2o.auth import service as auth_service
from o2o.db import Database
from o2o.loyalty import service as loyalty_service
from o2o.loyalty.schemas import AdjustmentIn, LoyaltyProgrammeIn
from o2o.promotions import service as promotions_service
from o2o.promotions.schemas import PromotionTerms
from tests.e2e.conftest import TABLET, build_world, open_tab, serve
from tests.e2e.test_web_apps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@dataclass(frozen=True)
class Counter:
    cashier_email: str
    store_id: int
    shopper_phone: str


def _world(db: Database) -> Counter:
    """The shared world, with a 30.000 ₫ coupon and points worth 1.000 ₫ each, of which the
    shopper holds 80."""
    people = build_world(db)
    with db.session() as session:
        owner = auth_service._find_login(session, people.owner_email)
        assert owner is not None
        actor = auth_service.actor_of(session, owner)
    with db.session() as session:
        loyalty_service.set_programme(session, actor=actor, data=LoyaltyProgrammeIn(
            earn_dong_per_point=10_000, point_value=1_000))
    with db.session() as session:
        promotion = promotions_service.create_promotion(
            session, actor=actor, data=PromotionTerms.model_validate({
                "name": "Mã khai trương", "kind": "order_fixed", "amount": 30_000,
                "requires_coupon": True}))
    with db.session() as session:
        promotions_service.create_coupon(session, actor=actor, promotion_id=promotion.id,
                                         code="KHAITRUONG", max_uses=10)
    with db.session() as session:
        shopper = auth_service._find_login(session, people.shopper_phone)
        assert shopper is not None
    with db.session() as session:
        loyalty_service.adjust(session, actor=actor, customer_id=shopper.id,
                               data=AdjustmentIn(points=80, note="Quà khai trương"))
    return Counter(people.cashier_email, people.store_id, people.shopper_phone)


@pytest.fixture(scope="module")
def counter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Counter]]:
    folder: Path = tmp_path_factory.mktemp("e2e-promotions")
    with serve(folder, _world) as running:
        yield running


@pytest.fixture
def tab(browser: Browser, counter_server: tuple[str, Counter]) -> Iterator[Page]:
    with open_tab(browser, counter_server[0], TABLET) as tab:
        yield tab


def test_a_coupon_and_points_lower_what_the_counter_takes(
    tab: Page, counter_server: tuple[str, Counter]
) -> None:
    counter = counter_server[1]
    sign_in(tab, "pos", counter.cashier_email)
    tab.wait_for_url(re.compile(r"/pos/stores/"))
    tab.goto(f"/pos/stores/{counter.store_id}/sale")
    for _ in range(2):  # two red T-shirts, 129.000 ₫ each
        tab.get_by_label("Mã vạch hoặc SKU").fill("AT-DO-M")
        tab.get_by_label("Mã vạch hoặc SKU").press("Enter")
        tab.wait_for_load_state("networkidle")

    coupon = tab.get_by_placeholder("Quét hoặc nhập mã giảm giá")
    coupon.click()
    coupon.press_sequentially("khaitruong\n")  # as a scanner types it
    expect(tab.locator('[data-coupon="KHAITRUONG"]')).to_contain_text("30.000")
    expect(tab.locator("[data-total]")).to_have_text("228.000 ₫")

    tab.get_by_label("Số điện thoại khách hàng").fill(counter.shopper_phone)
    tab.get_by_label("Số điện thoại khách hàng").press("Enter")
    expect(tab.locator("[data-points-balance]")).to_have_text("80")
    tab.get_by_label("Số điểm đổi").fill("50")
    tab.get_by_role("button", name="Đổi điểm").click()
    expect(tab.locator('[data-redeemed="points"]')).to_contain_text("Đổi 50 điểm")
    expect(tab.locator("[data-total]")).to_have_text("178.000 ₫")

    tab.locator(".pay-button").click()
    expect(tab.locator("[data-owed]")).to_have_text("178.000 ₫")
