"""The network's cashback (the GoWoW model): earned at any participating store on paid,
handed-over orders, pending while the order may come back, then credited; spendable at any
participating merchant.

A wallet's ``pending`` and ``available`` change only through ``_move``: a conditional update
that refuses to go below zero, beside its ledger entry, in the caller's transaction. An
order's earning is one row whose status moves pending -> credited once (a conditional
update), so two background loops never credit it twice.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor
from o2o.db import transaction
from o2o.errors import NotFound, PermissionDenied
from o2o.loyalty.errors import InsufficientCashback
from o2o.loyalty.models import (
    CashbackEarning,
    CashbackEntry,
    CashbackKind,
    CashbackParticipant,
    CashbackProgramme,
    CashbackWallet,
    EarningStatus,
    Funding,
    kept_reference,
)
from o2o.loyalty.schemas import CashbackProgrammeIn
from o2o.orders import service as orders_service
from o2o.orm import utcnow
from o2o.stores.models import Merchant

K = CashbackKind
PROGRAMME_ID = 1
HISTORY = 20


def _operator(actor: Actor) -> None:
    if not actor.is_operator:
        raise PermissionDenied("Only the network operator runs the cashback programme.")


# --- the programme ---------------------------------------------------------------------------

def programme(session: Session) -> CashbackProgramme | None:
    """The network's programme if it runs."""
    found = session.get(CashbackProgramme, PROGRAMME_ID)
    return found if found is not None and found.is_active else None


def takes_cashback(session: Session, merchant_id: int) -> bool:
    """Whether the merchant's stores earn and take cashback now."""
    if programme(session) is None:
        return False
    joined = session.get(CashbackParticipant, merchant_id)
    return joined is not None and joined.is_active


def participants(session: Session) -> list[Merchant]:
    return list(session.scalars(
        select(Merchant).join(CashbackParticipant,
                              CashbackParticipant.merchant_id == Merchant.id)
        .where(CashbackParticipant.is_active, Merchant.is_active).order_by(Merchant.name)))


def get_programme(session: Session) -> tuple[CashbackProgramme, list[Merchant]]:
    """The programme and its merchants, as anyone may read them."""
    found = session.get(CashbackProgramme, PROGRAMME_ID)
    if found is None:
        raise NotFound("The network runs no cashback programme.")
    return found, participants(session)


def set_programme(session: Session, *, actor: Actor,
                  data: CashbackProgrammeIn) -> tuple[CashbackProgramme, list[Merchant]]:
    """Start or change the programme; orders earn on the terms of the day they are handed
    over."""
    _operator(actor)
    share = {Funding.MERCHANT: 10_000, Funding.OPERATOR: 0}.get(
        data.funding, data.merchant_share_bp or 0)
    with transaction(session):
        found = session.get(CashbackProgramme, PROGRAMME_ID)
        if found is None:
            found = CashbackProgramme(id=PROGRAMME_ID)
            session.add(found)
        found.name, found.rate_bp, found.funding = data.name, data.rate_bp, data.funding
        found.merchant_share_bp, found.is_active = share, data.is_active
        found.updated_by, found.updated_at = actor.user_id, utcnow()
        session.flush()
        return found, participants(session)


def set_participant(session: Session, *, actor: Actor, merchant_id: int,
                    active: bool) -> list[Merchant]:
    """A merchant joins (or leaves) the programme; the participants after."""
    _operator(actor)
    with transaction(session):
        merchant = session.get(Merchant, merchant_id)
        if merchant is None:
            raise NotFound("Merchant not found.", merchant_id=merchant_id)
        joined = session.get(CashbackParticipant, merchant_id)
        if joined is None:
            if not active:
                raise NotFound("This merchant is not in the programme.",
                               merchant_id=merchant_id)
            session.add(CashbackParticipant(merchant_id=merchant_id, is_active=True))
        else:
            joined.is_active, joined.updated_at = active, utcnow()
        session.flush()
        return participants(session)


# --- the wallet and its ledger ---------------------------------------------------------------

def _ensure_wallet(session: Session, customer_id: int) -> None:
    new_row = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
               else sqlite.insert)
    session.execute(new_row(CashbackWallet).on_conflict_do_nothing(),
                    {"customer_id": customer_id, "pending": 0, "available": 0})


def _move(session: Session, customer_id: int, merchant_id: int, kind: CashbackKind, *,
          pending: int = 0, available: int = 0, order_id: int | None = None,
          reference: str | None = None, merchant_funded: int = 0,
          operator_funded: int = 0) -> bool:
    """Move the wallet with its entry, unless a side would go below zero (then False)."""
    moved = session.execute(
        update(CashbackWallet)
        .where(CashbackWallet.customer_id == customer_id,
               CashbackWallet.pending + pending >= 0, CashbackWallet.available + available >= 0)
        .values(pending=CashbackWallet.pending + pending,
                available=CashbackWallet.available + available, updated_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if not moved:
        return False
    session.execute(insert(CashbackEntry).values(
        customer_id=customer_id, merchant_id=merchant_id, kind=kind, pending_delta=pending,
        available_delta=available, merchant_funded=merchant_funded,
        operator_funded=operator_funded, order_id=order_id, reference=reference,
        created_at=utcnow()))
    return True


def earn(session: Session, *, merchant_id: int, customer_id: int, order_id: int,
         paid_for_goods: int, handed_over_at: datetime, return_days: int) -> None:
    """A paid order reached its customer at a participating store: its cashback is pending
    until the order can no longer be returned. Once per order (caller's transaction)."""
    running = programme(session)
    if running is None or not takes_cashback(session, merchant_id):
        return
    amount = paid_for_goods * running.rate_bp // 10_000
    if amount <= 0:
        return
    new_row = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
               else sqlite.insert)
    # Once per order however many events say so: the earning's key is the order.
    added = session.connection().execute(
        new_row(CashbackEarning).on_conflict_do_nothing().returning(CashbackEarning.order_id),
        {"order_id": order_id, "customer_id": customer_id, "merchant_id": merchant_id,
         "base": paid_for_goods, "amount": amount, "cancelled": 0, "rate_bp": running.rate_bp,
         "merchant_share_bp": running.merchant_share_bp, "status": EarningStatus.PENDING,
         "available_at": handed_over_at + timedelta(days=return_days), "created_at": utcnow()},
    ).first()
    if added is not None:
        _ensure_wallet(session, customer_id)
        _move(session, customer_id, merchant_id, K.EARN, pending=amount, order_id=order_id,
              reference=f"order:{order_id}")


def cancel_for_return(session: Session, *, order_id: int, return_id: int, refunded: int) -> None:
    """Goods came back before the window closed: the pending cashback shrinks in proportion
    of ``refunded`` (all the order's refunds so far) to what was paid. Once credited, a
    return no longer touches it (``credit_due`` counted every return that could land)."""
    earning = session.get(CashbackEarning, order_id)
    if earning is not None:
        _cancel_to(session, earning, refunded, f"return:{return_id}")


def _cancel_to(session: Session, earning: CashbackEarning, refunded: int,
               reference: str) -> None:
    if earning.status is not EarningStatus.PENDING:
        return
    target = earning.amount * min(refunded, earning.base) // earning.base
    if target <= earning.cancelled:
        return
    before = earning.cancelled
    status = EarningStatus.CANCELLED if target == earning.amount else EarningStatus.PENDING
    grown = session.execute(
        update(CashbackEarning)
        .where(CashbackEarning.order_id == earning.order_id,
               CashbackEarning.status == EarningStatus.PENDING,
               CashbackEarning.cancelled == before)
        .values(cancelled=target, status=status)).rowcount  # type: ignore[attr-defined]
    if grown:
        _move(session, earning.customer_id, earning.merchant_id, K.CANCEL,
              pending=-(target - before), order_id=earning.order_id, reference=reference)


def credit_due(session: Session, *, now: datetime | None = None, batch: int = 200) -> int:
    """Pending cashback of orders past their return window becomes spendable, each once;
    returns how many were credited. Run by the background loop."""
    now = now or utcnow()
    credited = 0
    with transaction(session):
        due = session.scalars(
            select(CashbackEarning)
            .where(CashbackEarning.status == EarningStatus.PENDING,
                   CashbackEarning.available_at < now)
            .order_by(CashbackEarning.order_id).limit(batch)).all()
        for earning in due:
            # The order's returns first, even those whose event is not delivered yet.
            refunded = orders_service.refunded_locked(session, earning.order_id)
            session.refresh(earning)
            _cancel_to(session, earning, refunded, f"order:{earning.order_id}:returns")
            claimed = session.execute(
                update(CashbackEarning)
                .where(CashbackEarning.order_id == earning.order_id,
                       CashbackEarning.status == EarningStatus.PENDING)
                .values(status=EarningStatus.CREDITED, credited_at=now)
            ).rowcount  # type: ignore[attr-defined]
            if not claimed:
                continue
            session.refresh(earning)
            amount = earning.amount - earning.cancelled
            merchant_funded = amount * earning.merchant_share_bp // 10_000
            _move(session, earning.customer_id, earning.merchant_id, K.CREDIT, pending=-amount,
                  available=amount, order_id=earning.order_id,
                  reference=f"order:{earning.order_id}", merchant_funded=merchant_funded,
                  operator_funded=amount - merchant_funded)
            credited += 1
    return credited


def spend(session: Session, *, merchant_id: int, customer_id: int, order_id: int,
          amount: int) -> None:
    """Take ``amount`` đồng of available cashback for an order's discount, atomically:
    raises InsufficientCashback when the wallet is short; nothing is written then."""
    if not _move(session, customer_id, merchant_id, K.SPEND, available=-amount,
                 order_id=order_id, reference=f"order:{order_id}"):
        raise InsufficientCashback(
            f"Không đủ hoàn tiền: cần {amount} ₫, còn {available(session, customer_id)} ₫.",
            amount=amount, available=available(session, customer_id))


def refund_spent(session: Session, *, customer_id: int, order_id: int, reference: str,
                 returned: int, of: int) -> None:
    """Cashback spent on an order comes back in proportion ``returned / of`` of what it paid
    for (all of it for an order that never happened); after units of a held order stayed
    behind, of what is still spent on the units taken (as ``service.refund_spent``)."""
    spent = session.scalar(select(CashbackEntry).where(
        CashbackEntry.customer_id == customer_id, CashbackEntry.kind == K.SPEND,
        CashbackEntry.reference == f"order:{order_id}"))
    if spent is None:
        return
    kept = session.scalar(select(CashbackEntry.available_delta).where(
        CashbackEntry.customer_id == customer_id, CashbackEntry.kind == K.REFUND,
        CashbackEntry.reference == kept_reference(order_id))) or 0
    target = (kept + (-spent.available_delta - kept) * min(returned, of) // of if of
              else -spent.available_delta)
    given = session.scalar(select(func.coalesce(func.sum(CashbackEntry.available_delta), 0))
                           .where(CashbackEntry.customer_id == customer_id,
                                  CashbackEntry.order_id == order_id,
                                  CashbackEntry.kind == K.REFUND)) or 0
    if target > given and session.scalar(select(CashbackEntry.id).where(
            CashbackEntry.customer_id == customer_id, CashbackEntry.kind == K.REFUND,
            CashbackEntry.reference == reference)) is None:
        _move(session, customer_id, spent.merchant_id, K.REFUND, available=target - given,
              order_id=order_id, reference=reference)


# --- reading -------------------------------------------------------------------------------

def available(session: Session, customer_id: int) -> int:
    return session.scalar(select(CashbackWallet.available).where(
        CashbackWallet.customer_id == customer_id)) or 0


def balance_view(session: Session, customer_id: int) -> dict[str, Any]:
    wallet = session.get(CashbackWallet, customer_id)
    return {
        "pending": wallet.pending if wallet else 0,
        "available": wallet.available if wallet else 0,
        "history": history(session, customer_id),
    }


def pending_earnings(session: Session, customer_id: int) -> Sequence[CashbackEarning]:
    """The customer's cashback still pending, the soonest to become spendable first (what
    is left of each is ``amount - cancelled``, spendable from ``available_at``)."""
    return session.scalars(select(CashbackEarning).where(
        CashbackEarning.customer_id == customer_id,
        CashbackEarning.status == EarningStatus.PENDING)
        .order_by(CashbackEarning.available_at, CashbackEarning.order_id)).all()


def history(session: Session, customer_id: int,
            limit: int = HISTORY) -> Sequence[CashbackEntry]:
    return session.scalars(select(CashbackEntry).where(CashbackEntry.customer_id == customer_id)
                           .order_by(CashbackEntry.id.desc()).limit(limit)).all()


def reconcile(session: Session) -> list[str]:
    """Every wallet that is not the sum of its ledger, or whose pending is not what its
    pending earnings still owe (empty: all is well)."""
    ledger = {row.customer_id: (row.pending, row.available) for row in session.execute(
        select(CashbackEntry.customer_id,
               func.sum(CashbackEntry.pending_delta).label("pending"),
               func.sum(CashbackEntry.available_delta).label("available"))
        .group_by(CashbackEntry.customer_id))}
    owed = dict(session.execute(
        select(CashbackEarning.customer_id,
               func.sum(CashbackEarning.amount - CashbackEarning.cancelled))
        .where(CashbackEarning.status == EarningStatus.PENDING)
        .group_by(CashbackEarning.customer_id)).all())
    problems = []
    for wallet in session.scalars(select(CashbackWallet).order_by(CashbackWallet.customer_id)):
        pending, spendable = ledger.get(wallet.customer_id, (0, 0))
        if (wallet.pending, wallet.available) != (pending, spendable) or (
                wallet.pending != owed.get(wallet.customer_id, 0)):
            problems.append(f"wallet of {wallet.customer_id}: {wallet.pending}/"
                            f"{wallet.available} vs ledger {pending}/{spendable}, "
                            f"pending earnings {owed.get(wallet.customer_id, 0)}")
    return problems


def merchant_names(session: Session, merchant_ids: Sequence[int]) -> dict[int, Merchant]:
    return {m.id: m for m in session.scalars(select(Merchant).where(
        Merchant.id.in_(sorted(set(merchant_ids)))))} if merchant_ids else {}

