"""The sandbox card acquirer: what the cashier's terminal and the shopper's card form answer."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from o2o.payments.card import (
    OTP_ATTEMPTS,
    SANDBOX_OTP,
    TEST_CARDS,
    Card,
    CardPayment,
    ProviderEvent,
    authorize,
    capture,
    complete_challenge,
    read_card,
    refund,
    void,
)
from o2o.payments.errors import (
    CaptureExceedsAuthorized,
    CardBrandUnsupported,
    CardNumberInvalid,
    ChallengeUnknown,
    InvalidAmount,
    PaymentStatusConflict,
    RefundExceedsCaptured,
)

VISA = "4111 1111 1111 1111"
CHALLENGE = "4000 0000 0000 3220"


def authorized(amount: int = 500_000) -> CardPayment:
    payment, _ = authorize(VISA, amount=amount)
    return payment


def captured(amount: int = 500_000) -> CardPayment:
    payment, _ = capture(authorized(amount))
    return payment


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("4111 1111 1111 1111", Card("visa", "1111")),
        ("5555-5555-5555-4444", Card("mastercard", "4444")),
        ("2223003122003222", Card("mastercard", "3222")),
        ("3530111333300000", Card("jcb", "0000")),
        ("9704 1985 2619 1432 198", Card("napas", "2198")),
        ("9704000000000018", Card("napas", "0018")),
    ],
)
def test_brand_and_last_four_are_read_from_the_number(number: str, shown: Card) -> None:
    assert read_card(number) == shown


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "4111", "", "4111 1111 1111 111a"])
def test_a_mistyped_number_is_refused_without_being_repeated(number: str) -> None:
    with pytest.raises(CardNumberInvalid) as refused:
        read_card(number)
    assert "1111" not in refused.value.message


def test_other_schemes_are_refused() -> None:
    with pytest.raises(CardBrandUnsupported):
        read_card("378282246310005")  # American Express


@given(st.from_regex(r"\A(4[0-9]{14}|5[1-5][0-9]{13}|9704[0-9]{11})\Z"))
def test_any_number_with_a_valid_check_digit_is_read_and_any_other_refused(body: str) -> None:
    number = body + luhn.calc_check_digit(body)
    assert read_card(number).last4 == number[-4:]
    wrong = body + str((int(luhn.calc_check_digit(body)) + 1) % 10)
    with pytest.raises(CardNumberInvalid):
        read_card(wrong)


def test_an_approved_card_is_authorized_for_the_amount() -> None:
    payment, event = authorize(VISA, amount=500_000)
    assert (payment.status, payment.amount, payment.card) == (
        "authorized", 500_000, Card("visa", "1111"))
    assert event == ProviderEvent("authorized", payment.reference, 500_000)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000002", "do_not_honour"),
        ("9704000000000034", "do_not_honour"),
        ("4242424242424242", "not_a_test_card"),
    ],
)
def test_declines_say_why(number: str, reason: str) -> None:
    payment, event = authorize(number, amount=500_000)
    assert payment.status == "declined"
    assert (event.kind, event.reason) == ("declined", reason)
    with pytest.raises(PaymentStatusConflict):
        capture(payment)


def test_the_full_card_number_is_never_kept() -> None:
    for number in TEST_CARDS:
        payment, event = authorize(number, amount=1_000)
        assert number not in repr(payment) + repr(event)
        assert payment.card.last4 == number[-4:]


def test_challenge_with_the_right_otp_authorizes() -> None:
    pending, event = authorize(CHALLENGE, amount=2_000_000)
    assert (pending.status, event.kind) == ("challenge_required", "challenge_required")
    assert pending.challenge_id
    payment, event = complete_challenge(pending, challenge_id=pending.challenge_id, otp=SANDBOX_OTP)
    assert (payment.status, event.kind, event.amount) == ("authorized", "authorized", 2_000_000)
    assert capture(payment)[0].captured == 2_000_000


def test_a_pending_challenge_cannot_be_captured() -> None:
    pending, _ = authorize("9704000000000026", amount=100_000)
    with pytest.raises(PaymentStatusConflict) as refused:
        capture(pending)
    assert refused.value.details == {"status": "challenge_required"}


def test_wrong_otps_leave_retries_then_decline() -> None:
    payment, _ = authorize(CHALLENGE, amount=100_000)
    challenge = payment.challenge_id or ""
    for attempt in range(1, OTP_ATTEMPTS):
        payment, event = complete_challenge(payment, challenge_id=challenge, otp="000000")
        assert (event.kind, event.reason) == ("challenge_failed", "wrong_otp")
        assert payment.otp_attempts_left == OTP_ATTEMPTS - attempt
    payment, event = complete_challenge(payment, challenge_id=challenge, otp="000000")
    assert (payment.status, event.kind, event.reason) == (
        "declined", "declined", "authentication_failed")
    with pytest.raises(PaymentStatusConflict):
        complete_challenge(payment, challenge_id=challenge, otp=SANDBOX_OTP)


def test_another_payments_challenge_id_is_refused() -> None:
    payment, _ = authorize(CHALLENGE, amount=100_000)
    other, _ = authorize(CHALLENGE, amount=100_000)
    with pytest.raises(ChallengeUnknown):
        complete_challenge(payment, challenge_id=other.challenge_id or "", otp=SANDBOX_OTP)


def test_partial_capture_takes_part_of_the_hold() -> None:
    payment, event = capture(authorized(500_000), amount=450_000)
    assert (payment.status, payment.captured) == ("captured", 450_000)
    assert (event.kind, event.amount) == ("captured", 450_000)
    with pytest.raises(PaymentStatusConflict):
        capture(payment, amount=50_000)  # one capture per authorization


def test_capturing_more_than_authorized_is_refused() -> None:
    with pytest.raises(CaptureExceedsAuthorized) as refused:
        capture(authorized(500_000), amount=500_001)
    assert refused.value.details == {"authorized": 500_000, "requested": 500_001}


@pytest.mark.parametrize("amount", [0, -5, 1.0])
def test_capture_and_refund_amounts_are_positive_whole_dong(amount: object) -> None:
    with pytest.raises(InvalidAmount):
        capture(authorized(), amount=amount)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        refund(captured(), amount=amount)  # type: ignore[arg-type]


def test_void_releases_the_hold_and_ends_the_payment() -> None:
    payment, event = void(authorized(300_000))
    assert (payment.status, event.kind, event.amount) == ("voided", "voided", 300_000)
    with pytest.raises(PaymentStatusConflict):
        capture(payment)


def test_captured_money_cannot_be_voided_only_refunded() -> None:
    with pytest.raises(PaymentStatusConflict):
        void(captured())


def test_refunds_add_up_to_at_most_what_was_captured() -> None:
    payment, event = refund(captured(500_000), amount=200_000)
    assert (payment.status, payment.refunded, event.kind, event.amount) == (
        "captured", 200_000, "refunded", 200_000)
    with pytest.raises(RefundExceedsCaptured) as refused:
        refund(payment, amount=300_001)
    assert refused.value.details == {"refundable": 300_000, "requested": 300_001}
    payment, _ = refund(payment, amount=300_000)
    assert (payment.status, payment.refunded) == ("refunded", 500_000)
    with pytest.raises(RefundExceedsCaptured):
        refund(payment, amount=1)


def test_an_uncaptured_payment_cannot_be_refunded() -> None:
    with pytest.raises(PaymentStatusConflict):
        refund(authorized(), amount=1_000)


def test_a_partially_captured_payment_refunds_only_the_captured_part() -> None:
    payment, _ = capture(authorized(500_000), amount=100_000)
    with pytest.raises(RefundExceedsCaptured):
        refund(payment, amount=100_001)


@given(st.lists(st.integers(1, 200_000), max_size=12))
def test_refunds_never_exceed_the_capture_whatever_their_sequence(amounts: list[int]) -> None:
    payment = captured(500_000)
    for amount in amounts:
        with contextlib.suppress(RefundExceedsCaptured, PaymentStatusConflict):
            payment, _ = refund(payment, amount=amount)
        assert 0 <= payment.refunded <= payment.captured
        assert (payment.status == "refunded") == (payment.refunded == payment.captured)


def test_each_payment_gets_its_own_reference() -> None:
    assert authorized().reference != authorized().reference
