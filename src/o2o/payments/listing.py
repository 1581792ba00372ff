"""What the back office reads of a merchant's payments: the intents and refunds of a day,
filtered, and the bank account its VietQR codes pay into. Reads only, owner or manager."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor, manager_merchant
from o2o.payments.models import Method, PaymentAccount, PaymentIntent, PaymentStatus, Refund


def _day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), ZoneInfo(timezone))
    return start, start + timedelta(days=1)


def list_payments(session: Session, *, actor: Actor, day: date, timezone: str,
                  method: Method | None = None, status: PaymentStatus | None = None,
                  limit: int = 50, offset: int = 0) -> tuple[list[PaymentIntent], int]:
    """The merchant's payment intents started on ``day`` (local), newest first, and how
    many there are."""
    start, end = _day_bounds(day, timezone)
    where = [PaymentIntent.merchant_id == manager_merchant(actor),
             PaymentIntent.created_at >= start, PaymentIntent.created_at < end]
    if method is not None:
        where.append(PaymentIntent.method == method)
    if status is not None:
        where.append(PaymentIntent.status == status)
    total = session.scalar(select(func.count(PaymentIntent.id)).where(*where)) or 0
    found = session.scalars(select(PaymentIntent).where(*where)
                            .order_by(PaymentIntent.id.desc()).limit(limit).offset(offset))
    return list(found), total


def list_refunds(session: Session, *, actor: Actor, day: date, timezone: str,
                 method: Method | None = None, limit: int = 200) -> list[Refund]:
    """The merchant's refunds given on ``day`` (local), newest first."""
    start, end = _day_bounds(day, timezone)
    where = [Refund.merchant_id == manager_merchant(actor), Refund.created_at >= start,
             Refund.created_at < end]
    if method is not None:
        where.append(Refund.method == method)
    return list(session.scalars(select(Refund).where(*where).order_by(Refund.id.desc())
                                .limit(limit)))


def account_of(session: Session, *, actor: Actor) -> PaymentAccount | None:
    """The bank account the merchant's VietQR codes pay into, if it set one."""
    return session.get(PaymentAccount, manager_merchant(actor))
