"""The one rule every payment amount obeys, checked where money enters the payments core."""

from typing import Any

from o2o.payments.errors import InvalidAmount

#: VietQR's amount field holds 13 characters; no payment of ours comes near it.
MAX_AMOUNT = 9_999_999_999_999


def positive_amount(amount: Any, *, what: str = "amount") -> int:
    """``amount`` if it is a whole, positive number of đồng; raises InvalidAmount otherwise.

    A bool or a float (even 100.0) is refused: đồng have no fractions, and a float amount is
    a bug upstream that rounding here would hide.
    """
    if type(amount) is not int or not 0 < amount <= MAX_AMOUNT:
        raise InvalidAmount(
            f"The {what} must be a whole, positive number of đồng, not {amount!r}.",
            field=what,
        )
    return amount
