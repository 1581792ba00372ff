"""The app's background loop expires the payments nobody completed in time (a QR code not
scanned, a wallet never confirmed), once."""

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from o2o.app import create_app
from o2o.background import BackgroundLoop
from o2o.config import Settings
from o2o.orm import utcnow
from o2o.payments import service as payments_service
from tests.orders import Shop
from tests.payments import kinds, pay, paying_shop, payment, started
from tests.world import World

ROUND_SECONDS = 0.05


@pytest.fixture
def shop(settings: Settings) -> Iterator[Shop]:
    """A shop served by an app whose background loop runs every 50 ms."""
    fast = settings.model_copy(update={"sweep_seconds": ROUND_SECONDS})
    with TestClient(create_app(fast)) as client:
        yield paying_shop(World(client.app.state.db), client)  # type: ignore[attr-defined]


def test_an_unpaid_qr_code_and_an_unconfirmed_wallet_expire_by_themselves(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = shop.order()
    qr = started(pay(shop, order, method="vietqr"))
    wallet = started(pay(shop, order, method="wallet"))
    card = started(pay(shop, order, method="card", card_number="4111111111111111",
                       capture=False))
    time.sleep(5 * ROUND_SECONDS)
    assert payment(shop, qr)["status"] == "pending"  # not due yet

    later = utcnow() + payments_service.PENDING_TTL + timedelta(minutes=1)
    monkeypatch.setattr(payments_service, "utcnow", lambda: later)

    deadline = time.monotonic() + 10
    while payment(shop, wallet)["status"] != "expired" or payment(shop, qr)["status"] != "expired":
        assert time.monotonic() < deadline, "the background loop did not expire them"
        time.sleep(ROUND_SECONDS)
    time.sleep(5 * ROUND_SECONDS)
    assert kinds(shop, qr["id"]).count("expired") == 1
    assert payment(shop, card)["status"] == "authorized"  # a hold is not the loop's to end


def test_a_round_reports_the_payments_it_expired(
    world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = paying_shop(world, client)  # an app whose own loop does not run
    started(pay(shop, shop.order(), method="vietqr"))
    loop = BackgroundLoop(world.db, interval_seconds=3600)
    assert loop.run_round().payments_expired == 0

    later = utcnow() + payments_service.PENDING_TTL + timedelta(minutes=1)
    monkeypatch.setattr(payments_service, "utcnow", lambda: later)

    assert loop.run_round().payments_expired == 1
    assert loop.run_round().payments_expired == 0
