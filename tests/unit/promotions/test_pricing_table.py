"""Every case of the pricing table, through the engine alone."""

import pytest

from o2o.promotions.engine import evaluate
from tests.unit.promotions.cases import CASES, PricingCase


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_pricing_case(case: PricingCase) -> None:
    priced = evaluate(case.cart(), case.promotions)

    assert {line.line_id: line.discount for line in priced.lines if line.discount} == dict(
        case.discounts)
    assert (priced.subtotal, priced.total) == (case.subtotal, case.total)
    assert sum(line.total for line in priced.lines) == priced.total
    assert tuple(adjustment.promotion_id for adjustment in priced.applied) == case.applied
    assert {skip.promotion_id: skip.code for skip in priced.skipped} == dict(case.skipped)
    by_line = {line.line_id: line for line in priced.lines}
    for line_id, texts in case.explanations.items():
        assert tuple(a.explanation for a in by_line[line_id].adjustments) == texts


def test_case_names_are_unique() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
