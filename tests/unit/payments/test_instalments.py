"""0 % instalments: the schedule the shopper sees, and the fee the merchant bears."""

from calendar import monthrange
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o.payments.errors import InstalmentPlanUnavailable, InvalidAmount
from o2o.payments.instalments import (
    DEFAULT_FEES_BP,
    add_months,
    available_plans,
    merchant_fee,
    schedule,
)

JAN_31 = date(2027, 1, 31)


def test_plans_of_3_6_9_and_12_months_from_three_million_dong() -> None:
    assert available_plans(3_000_000) == [3, 6, 9, 12]
    assert available_plans(2_999_999) == []
    assert available_plans(1_500_000, minimum=1_000_000) == [3, 6, 9, 12]


def test_a_merchant_may_offer_fewer_plans() -> None:
    assert available_plans(5_000_000, fees_bp={6: 250, 12: 450}) == [6, 12]
    with pytest.raises(InstalmentPlanUnavailable):
        schedule(5_000_000, months=3, first_due=JAN_31, fees_bp={6: 250, 12: 450})


def test_remainder_goes_on_the_first_instalment() -> None:
    plan = schedule(10_000_001, months=3, first_due=date(2027, 3, 15))
    assert [i.amount for i in plan.instalments] == [3_333_335, 3_333_333, 3_333_333]
    assert [i.number for i in plan.instalments] == [1, 2, 3]
    assert [i.due for i in plan.instalments] == [
        date(2027, 3, 15), date(2027, 4, 15), date(2027, 5, 15)]


def test_due_dates_fall_on_month_ends_when_the_month_is_shorter() -> None:
    plan = schedule(12_000_000, months=6, first_due=JAN_31)
    assert [i.due for i in plan.instalments] == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31),
        date(2027, 4, 30), date(2027, 5, 31), date(2027, 6, 30),
    ]
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)  # across a year end


def test_the_shopper_pays_the_total_and_the_fee_is_the_merchants_cost() -> None:
    plan = schedule(25_990_000, months=12, first_due=JAN_31)
    assert sum(i.amount for i in plan.instalments) == plan.total == 25_990_000
    assert (plan.fee_bp, plan.merchant_fee) == (500, 1_299_500)


def test_fee_is_rounded_to_the_dong_halves_up() -> None:
    assert merchant_fee(3_000_050, 199) == 59_701  # 59,700.995
    assert merchant_fee(3_000_050, 150) == 45_001  # 45,000.75
    assert merchant_fee(3_000_100, 150) == 45_002  # 45,001.5: a half goes up
    assert merchant_fee(3_000_000, 0) == 0


@pytest.mark.parametrize("months", [1, 2, 4, 24])
def test_only_the_offered_lengths_can_be_chosen(months: int) -> None:
    with pytest.raises(InstalmentPlanUnavailable) as refused:
        schedule(5_000_000, months=months, first_due=JAN_31)
    assert refused.value.code == "instalment_plan_unavailable"


def test_an_order_under_the_minimum_gets_no_plan() -> None:
    with pytest.raises(InstalmentPlanUnavailable, match="3000000"):
        schedule(2_999_999, months=3, first_due=JAN_31)


@pytest.mark.parametrize("total", [0, -3_000_000, 3_000_000.0])
def test_totals_are_positive_whole_dong(total: object) -> None:
    with pytest.raises(InvalidAmount):
        available_plans(total)  # type: ignore[arg-type]


@given(
    total=st.integers(3_000_000, 10**11),
    months=st.sampled_from(sorted(DEFAULT_FEES_BP)),
    first_due=st.dates(date(2026, 1, 1), date(2040, 12, 31)),
)
def test_every_schedule_sums_to_the_total_in_whole_dong(
    total: int, months: int, first_due: date
) -> None:
    plan = schedule(total, months=months, first_due=first_due)
    amounts = [i.amount for i in plan.instalments]
    assert sum(amounts) == total and len(amounts) == months
    assert max(amounts[1:]) == min(amounts[1:]) <= amounts[0] < amounts[1] + months
    dues = [i.due for i in plan.instalments]
    assert [d.year * 12 + d.month for d in dues] == [
        first_due.year * 12 + first_due.month + n for n in range(months)]
    assert all(d.day == min(first_due.day, monthrange(d.year, d.month)[1]) for d in dues)
