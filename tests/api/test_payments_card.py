"""Cards, online and at the counter's terminal: approvals, holds captured later or voided,
declines, the issuer's one-time password, and a card number that is never kept."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from o2o.orm import load_all_models
from tests.orders import Shop, refused
from tests.payments import (
    CHALLENGED,
    DECLINED,
    TOTAL,
    VISA,
    counts,
    kinds,
    ledger,
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


def hold(shop: Shop) -> tuple[dict[str, Any], dict[str, Any]]:
    """A pickup order whose card is only authorized, to be captured at handover."""
    order = shop.order()
    return order, started(pay(shop, order, method="card", card_number=VISA, capture=False))


def staff_post(shop: Shop, intent: dict[str, Any], action: str, **body: Any) -> Any:
    return shop.client.post(f"/api/v1/payments/{intent['id']}/{action}", json=body or None,
                            headers=shop.as_(shop.cashier))


def test_an_approved_card_is_captured_at_once_and_pays_the_order(shop: Shop) -> None:
    order = shop.order()

    intent = started(pay(shop, order, method="card", card_number=VISA))

    assert (intent["status"], intent["captured"], intent["card_brand"], intent["card_last4"]) == (
        "captured", TOTAL, "visa", "1111")
    assert order_now(shop, order)["paid"] == TOTAL
    assert ledger(shop, intent["id"]) == [
        ("created", TOTAL, None), ("authorized", TOTAL, None), ("captured", TOTAL, None)]


def test_a_hold_is_captured_by_staff_in_part_and_only_once(shop: Shop) -> None:
    order, intent = hold(shop)
    assert (intent["status"], intent["captured"]) == ("authorized", 0)
    assert order_now(shop, order)["paid"] == 0
    refused(shop.client.post(f"/api/v1/payments/{intent['id']}/capture",
                             headers=shop.as_(shop.customer)), 403, "forbidden")
    refused(staff_post(shop, intent, "capture", amount=TOTAL + 1), 422,
            "capture_exceeds_authorized")

    taken = staff_post(shop, intent, "capture", amount=300_000)

    assert taken.status_code == 200, taken.text
    assert (taken.json()["status"], taken.json()["captured"]) == ("captured", 300_000)
    assert order_now(shop, order)["paid"] == 300_000
    refused(staff_post(shop, intent, "capture"), 409, "payment_status_conflict")
    assert order_now(shop, order)["paid"] == 300_000
    assert kinds(shop, intent["id"]).count("captured") == 1


def test_a_voided_hold_takes_nothing_and_cannot_be_captured_after(shop: Shop) -> None:
    order, intent = hold(shop)

    voided = staff_post(shop, intent, "cancel")

    assert voided.status_code == 200 and voided.json()["status"] == "cancelled"
    refused(staff_post(shop, intent, "capture"), 409, "payment_status_conflict")
    refused(staff_post(shop, intent, "cancel"), 409, "payment_status_conflict")
    assert order_now(shop, order)["paid"] == 0
    assert kinds(shop, intent["id"]) == ["created", "authorized", "voided"]


def test_a_captured_card_cannot_be_voided(shop: Shop) -> None:
    intent = started(pay(shop, shop.order(), method="card", card_number=VISA))

    refused(staff_post(shop, intent, "cancel"), 409, "payment_status_conflict")
    assert payment(shop, intent)["captured"] == TOTAL


@pytest.mark.parametrize(("number", "reason"), [
    (DECLINED, "insufficient_funds"), ("4000000000000002", "do_not_honour"),
    ("9704000000000034", "do_not_honour"), ("4242424242424242", "not_a_test_card")])
def test_a_declined_card_fails_with_its_reason_in_the_ledger(
    shop: Shop, number: str, reason: str
) -> None:
    order = shop.order()

    intent = started(pay(shop, order, method="card", card_number=number))

    assert (intent["status"], intent["captured"]) == ("failed", 0)
    assert ledger(shop, intent["id"])[-1] == ("declined", TOTAL, reason)
    assert order_now(shop, order)["paid"] == 0
    assert started(pay(shop, order, method="card", card_number=VISA))["status"] == "captured"


@pytest.mark.parametrize(("number", "code"), [
    ("4111111111111112", "card_number_invalid"), ("378282246310005", "card_brand_unsupported")])
def test_a_mistyped_or_foreign_card_is_refused_and_nothing_is_written(
    shop: Shop, number: str, code: str
) -> None:
    order = shop.order()
    before = counts(shop)

    answer = refused(pay(shop, order, method="card", card_number=number), 422, code)

    assert number not in str(answer)
    assert counts(shop) == before


def test_a_card_payment_without_a_number_asks_for_it(shop: Shop) -> None:
    details = refused(pay(shop, shop.order(), method="card"), 422, "payment_details_missing")
    assert details["field"] == "card_number"


def answer(shop: Shop, intent: dict[str, Any], otp: str) -> Any:
    return shop.client.post(f"/api/v1/payments/{intent['id']}/challenge", json={"otp": otp},
                            headers=shop.as_(shop.customer))


def test_the_right_one_time_password_captures_a_challenged_card(shop: Shop) -> None:
    order = shop.order()
    intent = started(pay(shop, order, method="card", card_number=CHALLENGED))
    assert intent["status"] == "challenge_required" and intent["challenge_id"]
    assert order_now(shop, order)["paid"] == 0

    done = answer(shop, intent, "123456")

    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["captured"]) == ("captured", TOTAL)
    assert order_now(shop, order)["paid"] == TOTAL
    refused(answer(shop, intent, "123456"), 409, "payment_status_conflict")
    assert kinds(shop, intent["id"]) == [
        "created", "challenge_required", "authorized", "captured"]


def test_three_wrong_passwords_fail_the_payment(shop: Shop) -> None:
    order = shop.order()
    intent = started(pay(shop, order, method="card", card_number="9704000000000026"))

    first, second, third = (answer(shop, intent, "000000") for _ in range(3))

    assert [r.json()["status"] for r in (first, second, third)] == [
        "challenge_required", "challenge_required", "failed"]
    refused(answer(shop, intent, "123456"), 409, "payment_status_conflict")
    assert payment(shop, intent)["captured"] == 0
    assert order_now(shop, order)["paid"] == 0
    assert [(kind, reason) for kind, _, reason in ledger(shop, intent["id"])][-3:] == [
        ("challenge_failed", "wrong_otp"), ("challenge_failed", "wrong_otp"),
        ("declined", "authentication_failed")]


def test_the_full_card_number_is_stored_nowhere(shop: Shop) -> None:
    order = shop.order()
    started(pay(shop, order, method="card", card_number=CHALLENGED, key="pan-1"))
    held = started(pay(shop, order, method="card", card_number=VISA, capture=False,
                       amount=100_000, key="pan-2"))
    started(pay(shop, order, method="card", card_number=DECLINED))
    staff_post(shop, held, "capture")

    with shop.world.db.session() as session:
        everything = " ".join(
            repr(tuple(row)) for table in load_all_models().sorted_tables
            for row in session.execute(select(table)))
        last4 = [tuple(row) for row in session.execute(
            select(load_all_models().tables["payment_intents"].c.card_last4))]
    digits = everything.replace(" ", "").replace("-", "")
    for number in (VISA, CHALLENGED, DECLINED):
        assert number.replace(" ", "") not in digits
        assert number.replace(" ", "")[:12] not in digits
    assert sorted(last4) == [("1111",), ("3220",), ("9995",)]
