"""Cash at the counter: the change to give back, and tenders the cashier taps instead of typing.

Shoppers hand over round sums of banknotes, so for 187,000 đồng the likely tenders are
190,000, 200,000 and 500,000; offering them as buttons saves typing on the POS.
"""

from o2o.payments.errors import TenderTooSmall
from o2o.payments.money import positive_amount

#: The round sums a shopper makes up: to the next ten, fifty, hundred or five hundred thousand.
ROUNDING_STEPS = (10_000, 50_000, 100_000, 500_000)
#: The largest banknote: one more of it is always a likely tender.
LARGEST_NOTE = 500_000


def change(amount: int, tendered: int) -> int:
    """The change owed for ``tendered`` đồng against ``amount``; raises TenderTooSmall."""
    positive_amount(amount)
    positive_amount(tendered, what="tendered amount")
    if tendered < amount:
        raise TenderTooSmall(
            f"{tendered} đồng is {amount - tendered} short of the {amount} due.",
            amount=amount, tendered=tendered, short=amount - tendered,
        )
    return tendered - amount


def suggested_tenders(amount: int, *, limit: int = 4) -> list[int]:
    """Up to ``limit`` likely tenders strictly above ``amount``, smallest first.

    The exact amount is not among them: the POS offers "exact" on its own.
    """
    positive_amount(amount)
    rounded = {-(-amount // step) * step for step in ROUNDING_STEPS}
    rounded.add((amount // LARGEST_NOTE + 1) * LARGEST_NOTE)
    return sorted(tender for tender in rounded if tender > amount)[:limit]
