"""The daily settlement: a merchant's takings per method for its local day, summed from the
ledger, beside every mismatch to review; only the merchant's managers see it."""

from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from o2o.payments.models import PaymentEvent, PaymentIntent
from tests.orders import Shop, refused
from tests.payments import (
    BANK,
    TOTAL,
    VISA,
    bank_credit,
    counter_order,
    notify,
    pay,
    paying_shop,
    settlement,
    started,
    today,
)
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return paying_shop(world, client)


def test_the_day_sums_each_method_captured_refunded_fees_and_net(shop: Shop) -> None:
    card = started(pay(shop, shop.order(), method="card", card_number=VISA))
    shop.client.post(f"/api/v1/payments/{card['id']}/refunds", json={"amount": 98_000},
                     headers=shop.as_(shop.cashier))
    started(pay(shop, counter_order(shop), shop.cashier, method="cash", tendered=TOTAL))
    qr = started(pay(shop, shop.order(lines=[{"variant_id": shop.jeans, "quantity": 1}]),
                     method="vietqr"))
    bank_credit(shop, qr, "bank-1")
    started(pay(shop, shop.order(lines=[{"variant_id": shop.jeans, "quantity": 1}]),
                method="wallet"))  # never confirmed: not takings

    report = settlement(shop, today())

    assert report.status_code == 200, report.text
    body = report.json()
    assert [(line["method"], line["payments"], line["captured"], line["refunded"],
             line["fees"], line["net"]) for line in body["lines"]] == [
        ("card", 1, TOTAL, 98_000, 0, TOTAL - 98_000),
        ("cash", 1, TOTAL, 0, 0, TOTAL),
        ("vietqr", 1, 450_000, 0, 0, 450_000),
    ]
    assert (body["captured"], body["refunded"], body["fees"], body["net"]) == (
        2 * TOTAL + 450_000, 98_000, 0, 2 * TOTAL + 450_000 - 98_000)
    assert body["mismatches"] == []
    assert body["day"] == today().isoformat() and body["merchant_id"] == shop.merchant.id
    yesterday = settlement(shop, today() - timedelta(days=1)).json()
    assert (yesterday["lines"], yesterday["captured"]) == ([], 0)


def test_the_day_is_the_merchants_local_day_not_utc(shop: Shop) -> None:
    card = started(pay(shop, shop.order(), method="card", card_number=VISA))
    day = today()
    # 17:30 UTC is half past midnight the next day in Hà Nội (UTC+7).
    late = datetime.combine(day, time(17, 30), UTC)
    with shop.world.db.session() as session, session.begin():
        session.execute(update(PaymentEvent).where(PaymentEvent.intent_id == card["id"])
                        .values(created_at=late))
        session.execute(update(PaymentIntent).where(PaymentIntent.id == card["id"])
                        .values(created_at=late, updated_at=late))

    assert settlement(shop, day).json()["lines"] == []
    assert settlement(shop, day + timedelta(days=1)).json()["captured"] == TOTAL


def test_cashiers_and_shoppers_do_not_see_the_settlement(shop: Shop) -> None:
    refused(settlement(shop, today(), shop.cashier), 403, "forbidden")
    refused(settlement(shop, today(), shop.customer), 403, "staff_only")
    manager = shop.world.staff(shop.merchant, "manager", [])
    assert settlement(shop, today(), manager).status_code == 200


def test_another_merchant_sees_only_its_own_takings(shop: Shop) -> None:
    started(pay(shop, shop.order(), method="card", card_number=VISA))
    bank_credit(shop, started(pay(shop, shop.order(), method="vietqr")), "bank-short",
                amount=1_000)
    other = shop.world.merchant("phoco", trade="cafe")

    theirs = settlement(shop, today(), shop.world.owner(other)).json()

    assert (theirs["merchant_id"], theirs["lines"], theirs["mismatches"]) == (other.id, [], [])
    ours = settlement(shop, today()).json()
    assert ours["captured"] == TOTAL and len(ours["mismatches"]) == 1


def test_every_mismatch_is_listed(shop: Shop) -> None:
    short = started(pay(shop, shop.order(), method="vietqr"))
    bank_credit(shop, short, "bank-short", amount=200_000)
    notify(shop.client, "vietqr", {"event_id": "bank-stray", "amount": 75_000,
                                   "reference": "O2OAAAAAAAAAA", "account": BANK["account_number"]})
    card = started(pay(shop, shop.order(), method="card", card_number=VISA))
    with shop.world.db.session() as session, session.begin():  # a column the ledger disowns
        session.execute(update(PaymentIntent).where(PaymentIntent.id == card["id"])
                        .values(captured=TOTAL - 1))

    mismatches = settlement(shop, today()).json()["mismatches"]

    assert [(m["kind"], m["intent_id"], m["amount"]) for m in mismatches] == [
        ("flagged", short["id"], 200_000), ("flagged", None, 75_000), ("ledger", card["id"], -1)]
    assert "does not match" in mismatches[0]["detail"]
    assert mismatches[2]["detail"] == f"captured {TOTAL - 1}/{TOTAL}, refunded 0/0 " \
                                      "(columns/ledger)"
