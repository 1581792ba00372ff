"""Points and cashback as a discount at checkout, online and at the counter alike.

``quote`` prices them after the promotions (never more than the goods cost), ``check``
refuses a checkout that asks for more than the customer holds, and ``take`` spends them
when the order is placed, by conditional updates in the order's transaction: however many
checkouts spend one balance at once, it never goes below zero.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from o2o.loyalty import cashback, service
from o2o.loyalty.errors import (
    CashbackNotOffered,
    InsufficientCashback,
    InsufficientPoints,
    LoyaltyNotOffered,
    RedemptionNeedsCustomer,
)
from o2o.promotions.engine import allocate


@dataclass(frozen=True)
class Redeemed:
    #: Lines of the totals: [{kind, label, points, amount}] (``RedemptionRead``).
    items: list[dict[str, Any]] = field(default_factory=list)
    #: Per cart line, the adjustments explaining its share of them.
    per_line: list[list[dict[str, Any]]] = field(default_factory=list)


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def quote(session: Session, *, merchant_id: int, customer_id: int | None, points: int,
          cashback_amount: int, line_totals: Sequence[int]) -> Redeemed:
    """What ``points`` and ``cashback_amount`` take off lines costing ``line_totals``: whole
    points only, never more than the goods. Balances are not read here (see ``check`` and
    ``take``); a programme stopped meanwhile takes nothing off."""
    goods = sum(line_totals)
    items: list[dict[str, Any]] = []
    if points and customer_id is not None:
        programme = service.programme_of(session, merchant_id)
        used = min(points, goods // programme.point_value) if programme else 0
        if programme and used:
            items.append({"kind": "points", "label": f"Đổi {used} điểm", "points": used,
                          "amount": used * programme.point_value})
    left = goods - sum(item["amount"] for item in items)
    if cashback_amount and customer_id is not None and left and cashback.takes_cashback(
            session, merchant_id):
        amount = min(cashback_amount, left)
        items.append({"kind": "cashback", "label": f"Dùng {_money(amount)} hoàn tiền",
                      "points": 0, "amount": amount})
    per_line: list[list[dict[str, Any]]] = [[] for _ in line_totals]
    room = list(line_totals)
    for item in items:  # each share fits in what the line still costs
        for i, share in enumerate(allocate(item["amount"], room)):
            room[i] -= share
            if share:
                per_line[i].append({"promotion_id": None, "kind": item["kind"],
                                    "name": item["label"], "amount": share,
                                    "explanation": f"{item['label']}: −{_money(share)}"})
    return Redeemed(items, per_line)


def check(session: Session, *, merchant_id: int, customer_id: int | None, points: int,
          cashback_amount: int) -> None:
    """Refuse a checkout asking for points or cashback the customer cannot spend here."""
    if (points or cashback_amount) and customer_id is None:
        raise RedemptionNeedsCustomer("Points and cashback are spent by a known customer.")
    if points:
        if service.programme_of(session, merchant_id) is None:
            raise LoyaltyNotOffered("This shop runs no loyalty programme.")
        account = service.find_account(session, merchant_id, customer_id or 0)
        balance = account.balance if account else 0
        if balance < points:
            raise InsufficientPoints(f"Không đủ điểm: cần {points}, còn {balance}.",
                                     points=points, balance=balance)
    if cashback_amount:
        if not cashback.takes_cashback(session, merchant_id):
            raise CashbackNotOffered("This shop does not take the network's cashback.")
        available = cashback.available(session, customer_id or 0)
        if available < cashback_amount:
            raise InsufficientCashback(
                f"Không đủ hoàn tiền: cần {_money(cashback_amount)}, còn {_money(available)}.",
                amount=cashback_amount, available=available)


def take(session: Session, *, merchant_id: int, customer_id: int | None, order_id: int,
         redemptions: Sequence[dict[str, Any]], user_id: int | None) -> None:
    """Spend what the order's price took off (caller's transaction); raises
    InsufficientPoints or InsufficientCashback if a balance fell short meanwhile."""
    for item in redemptions:
        assert customer_id is not None, "quote redeems nothing for a walk-in"
        if item["kind"] == "points":
            service.spend(session, merchant_id=merchant_id, customer_id=customer_id,
                          order_id=order_id, points=item["points"], user_id=user_id)
        else:
            cashback.spend(session, merchant_id=merchant_id, customer_id=customer_id,
                           order_id=order_id, amount=item["amount"])
