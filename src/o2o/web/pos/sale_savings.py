"""What the counter sale takes off the price besides the promotions that apply by themselves:
coupon codes, and the attached customer's loyalty points and network cashback.

The checkout service prices all of it (``o2o.orders.pricing``); this module only reads the
customer's balances for the screen and works out the most the cashier can redeem, so that
the form shows its limits before anything is asked.
"""

from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError

from o2o.auth.models import User
from o2o.errors import NotFound
from o2o.loyalty import service as loyalty_service
from o2o.orders.checkout import PricedCheckout
from o2o.promotions.schemas import CouponCode
from o2o.web.views import Page

#: Codes the checkout service refuses for what the customer holds: shown by the loyalty form.
LOYALTY_PROBLEMS = frozenset({"insufficient_points", "insufficient_cashback",
                              "loyalty_not_offered", "cashback_not_offered",
                              "redemption_needs_customer"})
#: Codes the coupon field answers.
COUPON_PROBLEMS = frozenset({"coupon_invalid", "coupon_exhausted"})
#: A checkout takes at most this many codes (``CheckoutCreate.coupons``).
MAX_COUPONS = 5
_CODE: TypeAdapter[str] = TypeAdapter(CouponCode)


@dataclass(frozen=True)
class Balances:
    """The attached customer's balances here and the most this sale can take of them.

    ``points`` is None when the shop runs no points programme or the customer has no account
    yet; ``cashback`` is None when the shop does not take the network's cashback."""

    points: int | None
    point_value: int
    tier: str | None
    benefit: str | None
    cashback: int | None
    #: The most this sale can redeem: never more than the balance nor the goods' total.
    max_points: int
    max_cashback: int
    #: What the sale redeems now.
    points_used: int
    cashback_used: int


def goods_total(sale: PricedCheckout) -> int:
    """What the goods cost after the promotions, before points and cashback."""
    priced = sale.priced
    return (sum(line.total for line in priced.lines)
            + sum(item["amount"] for item in priced.redemptions))


def balances_of(page: Page, customer: User | None, sale: PricedCheckout | None
                ) -> Balances | None:
    """The customer's balances as the counter sees them (the loyalty service's lookup)."""
    if customer is None or sale is None:
        return None
    try:
        found = loyalty_service.counter_lookup(page.session, actor=page.signed_in,
                                               customer_id=customer.id)
    except NotFound:
        return None
    account = found["points"]
    goods = goods_total(sale)
    used = {item["kind"]: item for item in sale.priced.redemptions}
    points_used = used["points"]["points"] if "points" in used else 0
    cashback_used = used["cashback"]["amount"] if "cashback" in used else 0
    max_points = 0
    if account is not None and account["point_value"]:
        max_points = min(account["balance"], goods // account["point_value"])
    cashback = found["cashback_available"]
    points_amount = used["points"]["amount"] if "points" in used else 0
    max_cashback = min(cashback or 0, goods - points_amount)
    return Balances(
        points=account["balance"] if account else None,
        point_value=account["point_value"] if account else 0,
        tier=account["tier"] if account else None,
        benefit=account["benefit"] if account else None,
        cashback=cashback, max_points=max_points, max_cashback=max_cashback,
        points_used=points_used, cashback_used=cashback_used)


def coupon_problem(typed: str, codes: list[str]) -> str | None:
    """Why ``typed`` cannot join ``codes``, said before the checkout is asked, if it cannot."""
    if not typed:
        return "coupon_missing"
    try:
        _CODE.validate_python(typed)
    except ValidationError:
        return "coupon_format"
    if typed not in codes and len(codes) >= MAX_COUPONS:
        return "coupon_limit"
    return None


def redeemable(page: Page, sale: PricedCheckout | None, points: int,
               cashback: int) -> tuple[int, int]:
    """``points`` and ``cashback`` brought down to what the goods are worth (points first),
    so that the sale asks for what it will take; the balances are the service's to check."""
    if sale is None:
        return points, cashback
    goods = goods_total(sale)
    programme = loyalty_service.programme_of(page.session, sale.checkout.merchant_id)
    if programme is not None and programme.point_value:
        points = min(points, goods // programme.point_value)
        goods -= points * programme.point_value
    return points, min(cashback, goods)
