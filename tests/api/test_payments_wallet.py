"""E-wallets: the shopper goes to the wallet's page and comes back with signed parameters;
the wallet also notifies by webhook. Whichever arrives first pays, once; nothing forged or
late undoes it."""

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from o2o.payments import signing
from tests.orders import Shop, refused
from tests.payments import (
    SECRET,
    TOTAL,
    counts,
    kinds,
    notify,
    order_now,
    pay,
    paying_shop,
    payment,
    started,
)
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def wallet_payment(shop: Shop) -> tuple[dict[str, Any], dict[str, Any]]:
    order = shop.order()
    return order, started(pay(shop, order, method="wallet"))


def at_the_wallet(shop: Shop, intent: dict[str, Any], outcome: str = "succeeded") -> str:
    """The shopper confirms (or cancels) on the wallet's page; where the wallet sends them."""
    confirmed = shop.client.post(intent["redirect_url"], data={"outcome": outcome},
                                 follow_redirects=False)
    assert confirmed.status_code == 303, confirmed.text
    return str(confirmed.headers["location"])


def come_back(shop: Shop, location: str) -> Any:
    return shop.client.get(location, follow_redirects=False)


def wallet_webhook(shop: Shop, intent: dict[str, Any], status: str = "succeeded",
                   event_id: str = "wal-hook-1") -> Any:
    ref = intent["redirect_url"].rsplit("/", 1)[1]
    return notify(shop.client, "wallet", {"event_id": event_id, "payment_ref": ref,
                                          "status": status, "amount": intent["amount"]})


def test_the_wallet_page_shows_the_amount_to_confirm(shop: Shop) -> None:
    order, intent = wallet_payment(shop)
    assert intent["status"] == "pending"
    assert intent["redirect_url"].startswith("/sandbox/wallet/wal_")

    page = shop.client.get(intent["redirect_url"])

    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "398.000 ₫" in page.text and f"#{order['id']}" in page.text


def test_confirming_at_the_wallet_pays_and_brings_the_shopper_back_to_the_order(
    shop: Shop
) -> None:
    order, intent = wallet_payment(shop)

    location = at_the_wallet(shop, intent)
    back = come_back(shop, location)

    assert urlsplit(location).path == "/api/v1/payments/wallet/return"
    assert set(dict(parse_qsl(urlsplit(location).query))) == {
        "event_id", "payment_ref", "status", "amount", "signature"}
    assert back.status_code == 303
    assert back.headers["location"] == f"/shop/orders/{order['id']}?payment={intent['id']}"
    paid = payment(shop, intent)
    assert (paid["status"], paid["captured"], paid["redirect_url"]) == ("captured", TOTAL, None)
    assert order_now(shop, order)["paid"] == TOTAL
    assert shop.client.get(intent["redirect_url"]).status_code == 404  # nothing waits now


def tampered(location: str, **changes: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{urlencode(dict(parse_qsl(parts.query)) | changes)}"


@pytest.mark.parametrize("changes", [{"amount": "1000"}, {"status": "succeeded"},
                                     {"signature": "0" * 64}, {"signature": ""}])
def test_tampered_return_parameters_are_refused_and_nothing_is_captured(
    shop: Shop, changes: dict[str, str]
) -> None:
    order, intent = wallet_payment(shop)
    location = at_the_wallet(shop, intent, "failed")
    before = counts(shop)

    answer = come_back(shop, tampered(location, **changes))

    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] in ("signature_mismatch", "signature_missing")
    assert counts(shop) == before
    assert payment(shop, intent)["status"] == "pending"
    assert order_now(shop, order)["paid"] == 0


def test_cancelling_at_the_wallet_fails_the_payment(shop: Shop) -> None:
    order, intent = wallet_payment(shop)

    come_back(shop, at_the_wallet(shop, intent, "failed"))

    assert payment(shop, intent)["status"] == "failed"
    assert order_now(shop, order)["paid"] == 0
    assert started(pay(shop, order, method="wallet"))["status"] == "pending"  # try again


@pytest.mark.parametrize("webhook_first", [True, False])
def test_the_webhook_and_the_return_in_either_order_capture_once(
    shop: Shop, webhook_first: bool
) -> None:
    order, intent = wallet_payment(shop)
    location = at_the_wallet(shop, intent)

    if webhook_first:
        assert wallet_webhook(shop, intent).status_code == 200
        assert come_back(shop, location).status_code == 303
    else:
        assert come_back(shop, location).status_code == 303
        assert wallet_webhook(shop, intent).status_code == 200

    assert payment(shop, intent)["captured"] == TOTAL
    assert order_now(shop, order)["paid"] == TOTAL
    assert kinds(shop, intent["id"]).count("captured") == 1
    assert "flagged" not in kinds(shop, intent["id"])


def test_a_failure_notified_after_the_success_changes_nothing(shop: Shop) -> None:
    order, intent = wallet_payment(shop)
    wallet_webhook(shop, intent, "succeeded", "wal-ok")
    before = kinds(shop, intent["id"])

    late = wallet_webhook(shop, intent, "failed", "wal-late-failure")

    assert late.status_code == 200
    assert payment(shop, intent)["status"] == "captured"
    assert order_now(shop, order)["paid"] == TOTAL
    assert kinds(shop, intent["id"]) == [*before, "notified"]


def test_a_success_notified_after_a_failure_is_flagged_not_paid(shop: Shop) -> None:
    order, intent = wallet_payment(shop)
    wallet_webhook(shop, intent, "failed", "wal-no")

    wallet_webhook(shop, intent, "succeeded", "wal-yes-after-all")

    after = payment(shop, intent)
    assert (after["status"], after["review"]) == ("failed", "money arrived for a failed payment")
    assert order_now(shop, order)["paid"] == 0


def test_a_return_signed_with_another_secret_is_refused(shop: Shop) -> None:
    _, intent = wallet_payment(shop)
    ref = intent["redirect_url"].rsplit("/", 1)[1]
    forged = signing.sign_params({"event_id": "x", "payment_ref": ref, "status": "succeeded",
                                  "amount": str(intent["amount"])}, secret=SECRET + "!")

    refused(come_back(shop, "/api/v1/payments/wallet/return?" + urlencode(forged)), 400,
            "signature_mismatch")
    assert payment(shop, intent)["status"] == "pending"
