"""The daily settlement of a merchant: what each method brought in and gave back, summed
from the payments ledger, beside every mismatch a person must look at."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor, manager_merchant
from o2o.payments.models import Method, PaymentEvent, PaymentIntent
from o2o.payments.schemas import Mismatch, Settlement, SettlementLine


def settlement(session: Session, *, actor: Actor, day: date, timezone: str) -> Settlement:
    """The merchant's ``day`` (local time): per method, payments captured, captured and
    refunded sums, instalment fees and the net; and the mismatches: notifications flagged
    for review, and intents whose columns disagree with the sum of their ledger."""
    merchant_id = manager_merchant(actor)
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(), zone)
    end = start + timedelta(days=1)
    in_day = (PaymentEvent.merchant_id == merchant_id, PaymentEvent.created_at >= start,
              PaymentEvent.created_at < end)
    sums = session.execute(
        select(PaymentIntent.method, PaymentEvent.kind, func.count(PaymentEvent.id),
               func.sum(PaymentEvent.amount))
        .join(PaymentIntent, PaymentIntent.id == PaymentEvent.intent_id)
        .where(*in_day, PaymentEvent.kind.in_(["captured", "refunded"]))
        .group_by(PaymentIntent.method, PaymentEvent.kind)
    ).all()
    fees: dict[Method, int] = dict(session.execute(
        select(PaymentIntent.method, func.sum(PaymentIntent.merchant_fee))
        .join(PaymentEvent, PaymentEvent.intent_id == PaymentIntent.id)
        .where(*in_day, PaymentEvent.kind == "captured")
        .group_by(PaymentIntent.method)
    ).all())  # type: ignore[arg-type]
    by_method: dict[Method, dict[str, int]] = {}
    for method, kind, count, amount in sums:
        row = by_method.setdefault(method, {"payments": 0, "captured": 0, "refunded": 0})
        row[kind] += int(amount or 0)
        if kind == "captured":
            row["payments"] += count
    lines = [
        SettlementLine(method=method, payments=row["payments"], captured=row["captured"],
                       refunded=row["refunded"], fees=int(fees.get(method) or 0),
                       net=row["captured"] - row["refunded"] - int(fees.get(method) or 0))
        for method, row in sorted(by_method.items())
    ]
    return Settlement(
        merchant_id=merchant_id, day=day, lines=lines,
        captured=sum(line.captured for line in lines),
        refunded=sum(line.refunded for line in lines),
        fees=sum(line.fees for line in lines), net=sum(line.net for line in lines),
        mismatches=_flagged(session, in_day) + _disagreeing(session, merchant_id, start, end),
    )


def _flagged(session: Session, in_day: tuple) -> list[Mismatch]:  # type: ignore[type-arg]
    return [
        Mismatch(kind="flagged", intent_id=event.intent_id, event_id=event.id,
                 amount=event.amount, detail=event.reason or "")
        for event in session.scalars(
            select(PaymentEvent).where(*in_day, PaymentEvent.kind == "flagged")
            .order_by(PaymentEvent.id))
    ]


def _disagreeing(session: Session, merchant_id: int, start: datetime,
                 end: datetime) -> list[Mismatch]:
    """Intents touched that day whose captured/refunded columns are not their ledger's sum."""
    ledger = (
        select(PaymentEvent.intent_id,
               func.sum(PaymentEvent.amount).filter(PaymentEvent.kind == "captured")
               .label("captured"),
               func.sum(PaymentEvent.amount).filter(PaymentEvent.kind == "refunded")
               .label("refunded"))
        .where(PaymentEvent.merchant_id == merchant_id)
        .group_by(PaymentEvent.intent_id).subquery()
    )
    rows = session.execute(
        select(PaymentIntent.id, PaymentIntent.captured, PaymentIntent.refunded,
               func.coalesce(ledger.c.captured, 0), func.coalesce(ledger.c.refunded, 0))
        .outerjoin(ledger, ledger.c.intent_id == PaymentIntent.id)
        .where(PaymentIntent.merchant_id == merchant_id,
               func.coalesce(PaymentIntent.updated_at, PaymentIntent.created_at) >= start,
               func.coalesce(PaymentIntent.updated_at, PaymentIntent.created_at) < end)
    ).all()
    return [
        Mismatch(kind="ledger", intent_id=intent_id, event_id=None,
                 amount=captured - refunded - (ledger_captured - ledger_refunded),
                 detail=f"captured {captured}/{ledger_captured}, "
                        f"refunded {refunded}/{ledger_refunded} (columns/ledger)")
        for intent_id, captured, refunded, ledger_captured, ledger_refunded in rows
        if (captured, refunded) != (ledger_captured, ledger_refunded)
    ]
