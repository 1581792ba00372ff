"""0 % instalment plans: what the shopper pays each month, and what the plan costs the merchant.

The shopper pays exactly the order total, split into whole-đồng monthly amounts; the bank's
fee for carrying the credit is the merchant's cost, recorded apart and never added to the
shopper's instalments.
"""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from o2o.payments.errors import InstalmentPlanUnavailable
from o2o.payments.money import positive_amount

#: Orders below this total (đồng) are not offered instalments, as banks require.
DEFAULT_MINIMUM = 3_000_000
#: Merchant fee per plan length (months -> basis points of the total), sandbox defaults.
DEFAULT_FEES_BP: Mapping[int, int] = {3: 200, 6: 300, 9: 400, 12: 500}


@dataclass(frozen=True)
class Instalment:
    """The ``number``-th payment (from 1) of ``amount`` đồng, due on ``due``."""

    number: int
    due: date
    amount: int


@dataclass(frozen=True)
class Schedule:
    """A plan as shown to the shopper, with the merchant's fee alongside."""

    total: int
    months: int
    instalments: list[Instalment]
    merchant_fee: int
    fee_bp: int


def available_plans(
    total: int, *, minimum: int = DEFAULT_MINIMUM, fees_bp: Mapping[int, int] = DEFAULT_FEES_BP
) -> list[int]:
    """The plan lengths (months, shortest first) offered for an order of ``total`` đồng."""
    positive_amount(total, what="total")
    return sorted(fees_bp) if total >= minimum else []


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day: Jan 31 + 1 -> Feb 28 (or 29)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def merchant_fee(total: int, fee_bp: int) -> int:
    """``fee_bp`` basis points of ``total``, rounded to the đồng, halves up."""
    return (total * fee_bp + 5_000) // 10_000


def schedule(
    total: int,
    *,
    months: int,
    first_due: date,
    minimum: int = DEFAULT_MINIMUM,
    fees_bp: Mapping[int, int] = DEFAULT_FEES_BP,
) -> Schedule:
    """The monthly amounts of a ``months``-long plan, summing exactly to ``total``.

    Amounts are whole đồng; the remainder of the division goes on the first instalment, so
    the later ones are equal. Each falls due on ``first_due``'s day of the month, or on the
    month's last day when it is shorter. Raises InstalmentPlanUnavailable when the plan is
    not offered for this total.
    """
    if months not in available_plans(total, minimum=minimum, fees_bp=fees_bp):
        raise InstalmentPlanUnavailable(
            f"No {months}-month plan for {total} đồng: plans of "
            f"{', '.join(str(m) for m in sorted(fees_bp))} months start at {minimum} đồng.",
            months=months, minimum=minimum,
        )
    each, remainder = divmod(total, months)
    instalments = [
        Instalment(i + 1, due=add_months(first_due, i), amount=each + (remainder if i == 0 else 0))
        for i in range(months)
    ]
    fee_bp = fees_bp[months]
    return Schedule(
        total=total,
        months=months,
        instalments=instalments,
        merchant_fee=merchant_fee(total, fee_bp),
        fee_bp=fee_bp,
    )
