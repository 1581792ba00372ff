"""Who owes whom for the network's cashback over a period of local days.

Cashback is funded when it is credited (the order can no longer come back): the merchant
where it was earned pays its share into the pool, the operator the rest. When customers
spend it at a merchant, the pool pays that merchant. The pool's own net is what customers
received and have not spent yet, so the nets of all parties add up to zero.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor
from o2o.errors import InvalidInput, PermissionDenied
from o2o.loyalty import cashback
from o2o.loyalty.models import CashbackEntry, CashbackKind

K = CashbackKind
MAX_DAYS = 366


class PeriodInvalid(InvalidInput):
    """A settlement period ends before it starts or spans more than a year."""

    code = "settlement_period_invalid"


def _instant(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(tz))


def settle(session: Session, *, actor: Actor, start: date, end: date,
           timezone: str) -> dict[str, Any]:
    """The operator's settlement of ``start`` to ``end`` (local days, both included)."""
    if not actor.is_operator:
        raise PermissionDenied("Only the network operator settles the cashback.")
    if end < start or (end - start).days >= MAX_DAYS:
        raise PeriodInvalid("A period runs from its start to its end, within a year.",
                            start=start.isoformat(), end=end.isoformat())
    since, until = _instant(start, timezone), _instant(end + timedelta(days=1), timezone)
    in_period = (CashbackEntry.created_at >= since, CashbackEntry.created_at < until)
    funded = {row.merchant_id: (row.merchant, row.operator) for row in session.execute(
        select(CashbackEntry.merchant_id,
               func.sum(CashbackEntry.merchant_funded).label("merchant"),
               func.sum(CashbackEntry.operator_funded).label("operator"))
        .where(CashbackEntry.kind == K.CREDIT, *in_period)
        .group_by(CashbackEntry.merchant_id))}
    spent = dict(session.execute(
        select(CashbackEntry.merchant_id, -func.sum(CashbackEntry.available_delta))
        .where(CashbackEntry.kind.in_([K.SPEND, K.REFUND]), *in_period)
        .group_by(CashbackEntry.merchant_id)).all())
    merchants = {m.id: m for m in cashback.participants(session)}
    merchants |= cashback.merchant_names(session, [*funded, *spent])
    parties = []
    for merchant in sorted(merchants.values(), key=lambda m: (m.name, m.id)):
        paid_in = int(funded.get(merchant.id, (0, 0))[0])
        paid_out = int(spent.get(merchant.id, 0))
        parties.append({"party": "merchant", "merchant_id": merchant.id, "name": merchant.name,
                        "funded": paid_in, "spent": paid_out, "net": paid_out - paid_in})
    operator = sum(int(op) for _, op in funded.values())
    credited = operator + sum(int(m) for m, _ in funded.values())
    total_spent = sum(int(s) for s in spent.values())
    parties.append({"party": "operator", "merchant_id": None, "name": "Nhà vận hành mạng",
                    "funded": operator, "spent": 0, "net": -operator})
    parties.append({"party": "pool", "merchant_id": None, "name": "Quỹ hoàn tiền (khách chưa dùng)",
                    "funded": 0, "spent": 0, "net": credited - total_spent})
    return {"start": start, "end": end, "credited": credited, "spent": total_spent,
            "parties": parties}
