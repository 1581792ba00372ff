"""VietQR end to end: the code the shopper scans, the bank's notification that pays the order,
and every notification that must not (wrong amount, duplicate, unknown, forged, late)."""

import io
from datetime import timedelta

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from o2o.orders.models import Order
from o2o.orm import utcnow
from o2o.payments import service as payments_service
from o2o.payments import vietqr
from tests.orders import Shop, refused
from tests.payments import (
    BANK,
    TOTAL,
    bank_credit,
    counts,
    kinds,
    notify,
    order_now,
    pay,
    paying_shop,
    payment,
    settlement,
    started,
    today,
)
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def qr_payment(shop: Shop) -> tuple[dict[str, object], dict[str, object]]:
    order = shop.order()
    return order, started(pay(shop, order, method="vietqr"))


def test_the_code_carries_the_merchant_account_the_amount_and_the_order_reference(
    shop: Shop
) -> None:
    order, intent = qr_payment(shop)
    payload = str(intent["qr_payload"])

    code = vietqr.parse_payload(payload)
    assert code == vietqr.VietQR(
        bank_bin=BANK["bank_bin"], account=BANK["account_number"], service="account",
        amount=TOTAL, dynamic=True, reference=str(intent["reference"]),
        purpose=f"{intent['reference']} Don hang {order['id']}"[:25],
        merchant_name="HOA SEN FASHION")
    assert payload.startswith("000201" "010212" "38")  # format 01, dynamic (one payment)
    assert "0010A000000727" in payload and "0208QRIBFTTA" in payload  # NAPAS, to an account
    assert f"5303704540{len(str(TOTAL))}{TOTAL}5802VN" in payload  # đồng, amount, Việt Nam
    assert payload[-8:-4] == "6304" and payload[-4:] == vietqr.crc16(payload[:-4])
    assert intent["status"] == "pending" and intent["expires_at"] is not None


def test_the_png_scans_back_to_the_same_payload(shop: Shop) -> None:
    _, intent = qr_payment(shop)

    png = shop.client.get(str(intent["qr_image_url"]), headers=shop.as_(shop.customer))

    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert [(f.format, f.text) for f in found] == [
        (zxingcpp.BarcodeFormat.QRCode, intent["qr_payload"])]


def test_the_bank_notification_with_the_reference_and_amount_pays_the_order(
    shop: Shop
) -> None:
    order, intent = qr_payment(shop)

    # The shopper's bank app keeps the reference, lower-cased and spaced, in the content.
    content = f"ck {str(intent['reference']).lower()} thanh toan"
    answer = bank_credit(shop, intent, "bank-1", content=content)

    assert answer.status_code == 200 and answer.json() == {"received": True, "duplicate": False}
    paid = payment(shop, intent)
    assert (paid["status"], paid["captured"], paid["review"]) == ("captured", TOTAL, None)
    assert order_now(shop, order)["paid"] == order_now(shop, order)["total"] == TOTAL
    assert kinds(shop, int(intent["id"])) == ["created", "notified", "captured"]


def test_a_wrong_amount_is_flagged_for_review_and_never_paid(shop: Shop) -> None:
    order, intent = qr_payment(shop)

    bank_credit(shop, intent, "bank-short", amount=300_000)

    flagged = payment(shop, intent)
    assert flagged["status"] == "pending" and flagged["captured"] == 0
    assert "300000 does not match 398000" in flagged["review"]
    assert order_now(shop, order)["paid"] == 0
    assert kinds(shop, int(intent["id"])) == ["created", "notified", "flagged"]
    mismatches = settlement(shop, today()).json()["mismatches"]
    assert [(m["kind"], m["intent_id"], m["amount"]) for m in mismatches] == [
        ("flagged", intent["id"], 300_000)]


def test_the_same_notification_twice_changes_nothing(shop: Shop) -> None:
    order, intent = qr_payment(shop)
    bank_credit(shop, intent, "bank-1")
    before = counts(shop)

    again = bank_credit(shop, intent, "bank-1")

    assert again.status_code == 200 and again.json() == {"received": True, "duplicate": True}
    assert counts(shop) == before
    assert order_now(shop, order)["paid"] == TOTAL
    assert payment(shop, intent)["captured"] == TOTAL


def test_money_for_an_unknown_reference_is_kept_and_flagged_for_the_merchant(
    shop: Shop
) -> None:
    answer = notify(shop.client, "vietqr", {
        "event_id": "bank-stray", "amount": 150_000, "reference": "chuyen tien O2OZZZZZZZZZZ",
        "account": BANK["account_number"]})

    assert answer.status_code == 200 and answer.json()["duplicate"] is False
    report = settlement(shop, today()).json()
    assert [(m["kind"], m["intent_id"], m["amount"]) for m in report["mismatches"]] == [
        ("flagged", None, 150_000)]
    assert "No payment has this reference" in report["mismatches"][0]["detail"]
    assert report["captured"] == 0


@pytest.mark.parametrize(("signature", "at", "code"), [
    ("t=1,v1=deadbeef", None, "signature_mismatch"),
    ("sign", utcnow() - timedelta(minutes=10), "signature_expired"),
    (None, None, "signature_missing"),
    ("v1=abc", None, "signature_missing"),
])
def test_a_forged_stale_or_unsigned_notification_is_refused_and_nothing_is_stored(
    shop: Shop, signature: str | None, at: object, code: str
) -> None:
    order, intent = qr_payment(shop)
    before = counts(shop)

    answer = notify(shop.client, "vietqr", {"event_id": "bank-x", "amount": TOTAL,
                                            "reference": intent["reference"]},
                    signature=signature, at=at)  # type: ignore[arg-type]

    refused(answer, 400, code)
    assert counts(shop) == before
    assert payment(shop, intent)["status"] == "pending"
    assert order_now(shop, order)["paid"] == 0


@pytest.mark.parametrize("body", ['{"hello": "world"}', "not json", '{"event_id": "e", '
                                  '"reference": "O2O", "amount": -5}', "[]"])
def test_a_signed_body_that_is_not_a_notification_is_refused(shop: Shop, body: str) -> None:
    before = counts(shop)

    refused(notify(shop.client, "vietqr", body), 422, "notification_invalid")
    assert counts(shop) == before


def expire_pending(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run the payments sweeper 16 minutes from now: the QR codes shown now have expired."""
    later = utcnow() + payments_service.PENDING_TTL + timedelta(minutes=1)
    with monkeypatch.context() as patched:
        patched.setattr(payments_service, "utcnow", lambda: later)
        with shop.world.db.session() as session:
            return payments_service.expire_due(session)


def test_money_after_the_code_expired_still_pays_an_order_that_is_payable(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    order, intent = qr_payment(shop)
    assert expire_pending(shop, monkeypatch) == 1
    assert payment(shop, intent)["status"] == "expired"
    assert expire_pending(shop, monkeypatch) == 0  # once

    bank_credit(shop, intent, "bank-late")

    assert payment(shop, intent)["status"] == "captured"
    assert order_now(shop, order)["paid"] == TOTAL
    assert kinds(shop, int(intent["id"])) == [
        "created", "expired", "notified", "captured"]


def test_money_after_the_code_expired_for_a_cancelled_order_is_flagged(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    order, intent = qr_payment(shop)
    expire_pending(shop, monkeypatch)
    assert shop.move(int(str(order["id"])), "cancelled", shop.customer).status_code == 200

    bank_credit(shop, intent, "bank-late")

    late = payment(shop, intent)
    assert (late["status"], late["captured"]) == ("expired", 0)
    assert late["review"] == "money arrived for a closed order"
    assert order_now(shop, order)["paid"] == 0
    assert kinds(shop, int(intent["id"]))[-1] == "flagged"


def test_money_after_the_code_expired_for_an_order_paid_meanwhile_is_flagged(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    order, intent = qr_payment(shop)
    expire_pending(shop, monkeypatch)
    started(pay(shop, order, method="card", card_number="4111111111111111"))

    bank_credit(shop, intent, "bank-late")

    assert payment(shop, intent)["review"] == "the order is already paid"
    assert order_now(shop, order)["paid"] == TOTAL


def test_a_merchant_without_a_bank_account_offers_no_vietqr(
    world: World, client: TestClient
) -> None:
    shop = paying_shop(world, client, account=False)
    order = shop.order()
    before = counts(shop)

    refused(pay(shop, order, method="vietqr"), 422, "method_unavailable")
    assert counts(shop) == before
    with world.db.session() as session:
        assert session.get(Order, order["id"]).paid == 0  # type: ignore[union-attr]
