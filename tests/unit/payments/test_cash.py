"""Cash at the counter: the change the cashier hands back and the tenders offered as buttons."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o.payments.cash import change, suggested_tenders
from o2o.payments.errors import InvalidAmount, TenderTooSmall


def test_change_for_a_500k_note() -> None:
    assert change(187_000, 500_000) == 313_000


def test_exact_cash_needs_no_change() -> None:
    assert change(187_000, 187_000) == 0


def test_too_little_cash_says_how_much_is_missing() -> None:
    with pytest.raises(TenderTooSmall) as refused:
        change(187_000, 100_000)
    assert refused.value.details == {"amount": 187_000, "tendered": 100_000, "short": 87_000}
    assert refused.value.code == "tender_too_small"


@pytest.mark.parametrize(("amount", "tendered"), [(0, 10_000), (10_000, 0), (1.5, 10), (10, 1.5)])
def test_cash_amounts_are_positive_whole_dong(amount: object, tendered: object) -> None:
    with pytest.raises(InvalidAmount):
        change(amount, tendered)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "tenders"),
    [
        (187_000, [190_000, 200_000, 500_000]),
        (23_000, [30_000, 50_000, 100_000, 500_000]),
        (1_234_000, [1_240_000, 1_250_000, 1_300_000, 1_500_000]),
        (200_000, [500_000]),
        (500_000, [1_000_000]),  # one more big note is still a likely tender
        (8_500, [10_000, 50_000, 100_000, 500_000]),
    ],
)
def test_suggested_tenders_are_the_round_sums_people_hand_over(
    amount: int, tenders: list[int]
) -> None:
    assert suggested_tenders(amount) == tenders


def test_fewer_suggestions_when_the_screen_is_small() -> None:
    assert suggested_tenders(23_000, limit=2) == [30_000, 50_000]


@given(st.integers(1, 10**10))
def test_every_suggestion_is_above_the_amount_and_in_round_tens_of_thousands(amount: int) -> None:
    tenders = suggested_tenders(amount)
    assert tenders, "there is always at least one larger tender"
    assert tenders == sorted(set(tenders))
    assert all(t > amount and t % 10_000 == 0 for t in tenders)
    assert all(change(amount, t) == t - amount for t in tenders)
