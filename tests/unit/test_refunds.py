"""What a return refunds: each visit its share of the line, all visits exactly the line."""

from hypothesis import given
from hypothesis import strategies as st

from o2o.orders.returns import refund_of


def refunds(unit_price: int, discount: int, sold: int, visits: list[int]) -> list[int]:
    """The amounts of returns of ``visits`` units each, as create_return computes them."""
    amounts, returned = [], 0
    for quantity in visits:
        amounts.append(refund_of(unit_price, discount, returned + quantity, sold)
                       - refund_of(unit_price, discount, returned, sold))
        returned += quantity
    return amounts


def test_a_discount_that_does_not_divide_is_spread_to_the_last_dong() -> None:
    assert refunds(99_999, 10_000, 3, [1, 1, 1]) == [96_665, 96_666, 96_666]
    assert sum(refunds(99_999, 10_000, 3, [1, 1, 1])) == 3 * 99_999 - 10_000


def test_a_whole_line_returned_at_once_refunds_its_total() -> None:
    assert refund_of(33_333, 1, 7, 7) == 7 * 33_333 - 1
    assert refund_of(33_333, 1, 0, 7) == 0


@st.composite
def lines_and_visits(draw: st.DrawFn) -> tuple[int, int, int, list[int]]:
    sold = draw(st.integers(1, 50))
    unit_price = draw(st.integers(0, 50_000_000))
    discount = draw(st.integers(0, unit_price * sold))
    visits: list[int] = []
    while sum(visits) < sold:
        visits.append(draw(st.integers(1, sold - sum(visits))))
    return unit_price, discount, sold, visits


@given(lines_and_visits())
def test_partial_returns_add_up_to_exactly_the_line_total(
    case: tuple[int, int, int, list[int]]
) -> None:
    unit_price, discount, sold, visits = case
    amounts = refunds(unit_price, discount, sold, visits)
    line_total = unit_price * sold - discount
    assert sum(amounts) == line_total
    for quantity, amount in zip(visits, amounts, strict=True):
        assert amount >= 0
        assert abs(amount - line_total * quantity / sold) < 1  # its share, to the đồng
