"""A shopper with points and cashback opens the wallet in the browser and sees both.

Runs its own server (a counter sale changes stock other browser tests read): the small world
of ``conftest.build_world``, with Hoa Sen's points programme, the network's 5 % cashback, a
welcome gift of points and a red T-shirt (129.000 ₫) bought at the Hoàn Kiếm counter and
paid in cash. The server's background loop delivers the sale's events: 12 points earned and
6.450 ₫ of cashback pending until the return window closes.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from o2o.auth import service as auth_service
from o2o.auth.permissions import Actor
from o2o.catalog import service as catalog_service
from o2o.config import Settings
from o2o.db import Database
from o2o.loyalty import cashback
from o2o.loyalty import service as loyalty_service
from o2o.loyalty.schemas import AdjustmentIn, CashbackProgrammeIn, LoyaltyProgrammeIn
from o2o.orders import checkout
from o2o.orders.schemas import CheckoutCreate
from o2o.payments import service as payments_service
from o2o.payments.schemas import PaymentCreate
from tests.e2e.conftest import PHONE, People, build_world, open_tab, serve
from tests.e2e.test_web_apps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _actor(db: Database, login: str) -> Actor:
    with db.session() as session:
        user = auth_service._find_login(session, login)
        assert user is not None
        return auth_service.actor_of(session, user)


def loyal_world(db: Database) -> People:
    people = build_world(db)
    settings = Settings(database_url=str(db.engine.url))
    owner, operator = _actor(db, people.owner_email), _actor(db, people.operator_email)
    cashier = _actor(db, people.cashier_email)
    shopper = _actor(db, "+84901234567")
    assert owner.merchant_id is not None
    with db.session() as session:
        loyalty_service.set_programme(session, actor=owner, data=LoyaltyProgrammeIn.model_validate({
            "earn_dong_per_point": 10_000, "point_value": 1_000, "expiry_months": 12,
            "tiers": [{"name": "Thành viên", "threshold": 0},
                      {"name": "Vàng", "threshold": 2_000_000, "multiplier_percent": 150,
                       "benefit": "Miễn phí giao hàng"}]}))
        cashback.set_programme(session, actor=operator, data=CashbackProgrammeIn.model_validate(
            {"rate_bp": 500, "funding": "merchant"}))
        cashback.set_participant(session, actor=operator, merchant_id=owner.merchant_id,
                                 active=True)
        loyalty_service.adjust(session, actor=owner, customer_id=shopper.user_id,
                               data=AdjustmentIn(points=50, note="Quà chào mừng"))
        red_m = catalog_service.get_product(session, product_id=people.product_id,
                                            actor=owner).variants[0].id
    with db.session() as session:
        made = checkout.create_checkout(session, actor=cashier, settings=settings,
                                        data=CheckoutCreate.model_validate({
                                            "lines": [{"variant_id": red_m, "quantity": 1}],
                                            "fulfilment": {"type": "in_store",
                                                           "store_id": people.store_id},
                                            "customer_phone": people.shopper_phone}))
    with db.session() as session:
        order = checkout.complete_checkout(session, actor=cashier, checkout_id=made.checkout.id,
                                           idempotency_key=None, settings=settings)
    with db.session() as session:
        payments_service.start_payment(session, actor=cashier, order_id=order.id,
                                       data=PaymentCreate.model_validate(
                                           {"method": "cash", "tendered": 200_000}),
                                       idempotency_key=None, settings=settings)
    return people


@pytest.fixture(scope="module")
def wallet_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("O2O_SWEEP_SECONDS", "0.5")  # the sale's events go out at once
        with serve(Path(tmp_path_factory.mktemp("e2e-wallet")), loyal_world) as (url, _):
            yield url


@pytest.fixture
def phone(browser: Browser, wallet_server: str) -> Iterator[Page]:
    with open_tab(browser, wallet_server, PHONE, timeout_ms=15_000) as tab:
        yield tab


def test_a_shopper_with_points_and_cashback_sees_both_in_the_wallet(phone: Page) -> None:
    sign_in(phone, "shop", "0901 234 567")
    phone.wait_for_url(re.compile(r"/shop$"))
    phone.locator(".tabbar").get_by_role("link", name="Ví").click()
    phone.wait_for_url(re.compile(r"/shop/wallet$"))
    expect(phone.get_by_role("heading", name="Ví của tôi")).to_be_visible()

    card = phone.locator("[data-points='hoasen']")
    # The sale's 12 points come once the background loop has delivered its events.
    for _ in range(20):
        if card.locator("[data-balance]").inner_text().strip() == "62":
            break
        phone.wait_for_timeout(500)
        phone.reload()
    expect(card.locator("[data-balance]")).to_have_text("62")  # 50 given + 12 earned
    expect(card).to_contain_text("Thành viên")
    expect(card).to_contain_text("để lên Vàng")
    expect(card.locator("[data-entry='earn'] a")).to_contain_text("Đơn hàng #")

    expect(phone.locator("[data-cashback-pending]")).to_have_text(re.compile(r"^6\.450\s₫$"))
    expect(phone.locator("[data-cashback-available]")).to_have_text(re.compile(r"^0\s₫$"))
    expect(phone.locator("#pending")).to_contain_text("Có thể dùng từ")
    expect(phone.locator("#cashback-history [data-entry='earn']")).to_contain_text("6.450")
