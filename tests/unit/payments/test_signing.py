"""Signed webhooks and wallet returns: only the provider's own, recent messages are believed."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o.payments.errors import SignatureExpired, SignatureMismatch, SignatureMissing
from o2o.payments.signing import sign_params, sign_webhook, verify_params, verify_webhook

SECRET = "whsec_sandbox"
SENT = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
BODY = b'{"reference":"DH000123","amount":187000,"content":"DH000123 Don hang"}'


def test_a_fresh_webhook_is_believed_and_says_when_it_was_signed() -> None:
    header = sign_webhook(BODY, secret=SECRET, at=SENT)
    assert header.startswith(f"t={int(SENT.timestamp())},v1=")
    assert verify_webhook(BODY, header, secret=SECRET, now=SENT + timedelta(seconds=5)) == SENT


def test_the_signature_covers_timestamp_and_body_as_stripe_does() -> None:
    # printf '1795402800.{}' | openssl dgst -sha256 -hmac whsec_sandbox
    assert sign_webhook("{}", secret=SECRET, at=SENT) == (
        "t=1795402800,v1=716fd586fb873ee297b7e372b63a73433cbfc6a0"
        "6dbe4ff7f4cae34c6e588b65"
    )


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=1795402800", "t=soon,v1=abc"])
def test_a_webhook_without_a_readable_signature_is_refused(header: str | None) -> None:
    with pytest.raises(SignatureMissing) as refused:
        verify_webhook(BODY, header, secret=SECRET, now=SENT)
    assert refused.value.code == "signature_missing"


def test_an_altered_body_is_refused() -> None:
    header = sign_webhook(BODY, secret=SECRET, at=SENT)
    with pytest.raises(SignatureMismatch):
        verify_webhook(BODY.replace(b"187000", b"18700"), header, secret=SECRET, now=SENT)


def test_a_webhook_signed_with_another_secret_is_refused() -> None:
    header = sign_webhook(BODY, secret="whsec_other", at=SENT)
    with pytest.raises(SignatureMismatch):
        verify_webhook(BODY, header, secret=SECRET, now=SENT)


def test_a_moved_timestamp_breaks_the_signature() -> None:
    header = sign_webhook(BODY, secret=SECRET, at=SENT)
    later = header.replace(str(int(SENT.timestamp())), str(int(SENT.timestamp()) + 60))
    with pytest.raises(SignatureMismatch):
        verify_webhook(BODY, later, secret=SECRET, now=SENT)


def test_one_matching_signature_is_enough_while_secrets_rotate() -> None:
    old = sign_webhook(BODY, secret="whsec_old", at=SENT).split(",")[1]
    header = f"{sign_webhook(BODY, secret=SECRET, at=SENT)},{old}"
    assert verify_webhook(BODY, header, secret=SECRET, now=SENT) == SENT
    assert verify_webhook(BODY, header, secret="whsec_old", now=SENT) == SENT


def test_a_non_ascii_signature_is_a_mismatch_not_a_crash() -> None:
    with pytest.raises(SignatureMismatch):
        verify_webhook(BODY, "t=1795402800,v1=chữký", secret=SECRET, now=SENT)


@pytest.mark.parametrize(
    ("delay", "believed"),
    [(300, True), (301, False), (-300, True), (-301, False), (86_400, False)],
)
def test_replays_outside_five_minutes_are_refused(delay: int, believed: bool) -> None:
    header = sign_webhook(BODY, secret=SECRET, at=SENT)
    now = SENT + timedelta(seconds=delay)
    if believed:
        assert verify_webhook(BODY, header, secret=SECRET, now=now) == SENT
    else:
        with pytest.raises(SignatureExpired, match="replay"):
            verify_webhook(BODY, header, secret=SECRET, now=now)


def test_the_tolerance_window_can_be_tightened() -> None:
    header = sign_webhook(BODY, secret=SECRET, at=SENT)
    with pytest.raises(SignatureExpired):
        verify_webhook(BODY, header, secret=SECRET, now=SENT + timedelta(seconds=31),
                       tolerance=timedelta(seconds=30))


Tamper = Callable[[dict[str, str]], dict[str, str]]
RETURN = {"order": "DH000123", "amount": "187000", "status": "paid", "note": "Đơn hàng & quà"}


def test_the_wallets_return_is_believed_whatever_the_parameter_order() -> None:
    signed = sign_params(RETURN, secret=SECRET)
    reordered = dict(reversed(list(signed.items())))
    assert verify_params(reordered, secret=SECRET) == RETURN


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: {**p, "status": "failed"},
        lambda p: {**p, "amount": "18700"},
        lambda p: {k: v for k, v in p.items() if k != "note"},
        lambda p: {**p, "extra": "1"},
    ],
)
def test_a_changed_return_parameter_is_refused(tamper: Tamper) -> None:
    with pytest.raises(SignatureMismatch):
        verify_params(tamper(sign_params(RETURN, secret=SECRET)), secret=SECRET)


def test_parameters_cannot_be_smuggled_inside_another_value() -> None:
    signature = sign_params({"amount": "187000", "order": "DH1"}, secret=SECRET)["signature"]
    smuggled = {"amount": "187000&order=DH1", "signature": signature}
    with pytest.raises(SignatureMismatch):
        verify_params(smuggled, secret=SECRET)


def test_an_unsigned_return_is_refused() -> None:
    with pytest.raises(SignatureMissing):
        verify_params(RETURN, secret=SECRET)


@given(st.dictionaries(st.text(min_size=1).filter(lambda k: k != "signature"), st.text()))
def test_any_parameters_verify_with_their_own_signature_only(params: dict[str, str]) -> None:
    signed = sign_params(params, secret=SECRET)
    assert verify_params(signed, secret=SECRET) == params
    with pytest.raises(SignatureMismatch):
        verify_params(signed, secret=SECRET + "x")
