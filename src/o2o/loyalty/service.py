"""Loyalty points per merchant: the programme, earning, spending, reversal and expiry.

An account's balance and lifetime spend change only through ``_change``: a conditional
update that refuses to go below zero, beside the append-only ledger entry that explains it,
in the caller's transaction. Points expire without touching old entries: what expires by
a time T is what was added to expire by T less everything consumed so far (spent, expired,
reversed, taken away), never below zero; it is written as one ``expire`` entry.
"""

import calendar
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from o2o.auth.permissions import (
    Actor,
    ensure_customer,
    manager_merchant,
    staff_merchant,
)
from o2o.customers import service as customers_service
from o2o.db import transaction
from o2o.errors import NotFound, PermissionDenied
from o2o.loyalty import cashback
from o2o.loyalty.errors import AdjustmentInvalid, InsufficientPoints
from o2o.loyalty.models import (
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyProgramme,
    PointsKind,
    kept_reference,
)
from o2o.loyalty.schemas import AdjustmentIn, LoyaltyProgrammeIn
from o2o.orm import utcnow

K = PointsKind
HISTORY = 20


def add_months(at: datetime, months: int) -> datetime:
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    return at.replace(year=year, month=month, day=min(at.day, calendar.monthrange(year, month)[1]))


# --- the programme ---------------------------------------------------------------------------

def programme_of(session: Session, merchant_id: int) -> LoyaltyProgramme | None:
    """The merchant's running programme, or None: no loyalty there."""
    programme = session.get(LoyaltyProgramme, merchant_id)
    return programme if programme is not None and programme.is_active else None


def get_programme(session: Session, *, actor: Actor) -> LoyaltyProgramme:
    programme = session.get(LoyaltyProgramme, staff_merchant(actor))
    if programme is None:
        raise NotFound("This shop has no loyalty programme yet.")
    return programme


def set_programme(session: Session, *, actor: Actor, data: LoyaltyProgrammeIn) -> LoyaltyProgramme:
    """Create or change the merchant's programme (owner or HQ manager). Tiers of existing
    accounts follow the new thresholds at their next change."""
    merchant_id = manager_merchant(actor)
    if actor.location_ids:
        raise PermissionDenied("Only the owner or an HQ manager sets the loyalty programme.")
    with transaction(session):
        programme = session.get(LoyaltyProgramme, merchant_id)
        if programme is None:
            programme = LoyaltyProgramme(merchant_id=merchant_id)
            session.add(programme)
        programme.earn_dong_per_point = data.earn_dong_per_point
        programme.point_value = data.point_value
        programme.expiry_months = data.expiry_months
        programme.tiers = [tier.model_dump() for tier in data.tiers]
        programme.is_active = data.is_active
        programme.updated_by = actor.user_id
        programme.updated_at = utcnow()
        session.flush()
    return programme


def tier_for(programme: LoyaltyProgramme | None, lifetime_spend: int) -> dict[str, Any] | None:
    """The highest tier whose threshold the lifetime spend reaches."""
    tiers = programme.tiers if programme else []
    reached = [t for t in tiers if lifetime_spend >= t["threshold"]]
    return reached[-1] if reached else None


def next_tier(programme: LoyaltyProgramme | None, lifetime_spend: int) -> dict[str, Any] | None:
    ahead = [t for t in (programme.tiers if programme else []) if lifetime_spend < t["threshold"]]
    if not ahead:
        return None
    return {"name": ahead[0]["name"], "threshold": ahead[0]["threshold"],
            "spend_needed": ahead[0]["threshold"] - lifetime_spend}


def tier_of(session: Session, *, merchant_id: int, customer_id: int) -> str | None:
    """The customer's tier at the merchant (what promotions for "tier gold" ask)."""
    return session.scalar(select(LoyaltyAccount.tier).where(
        LoyaltyAccount.merchant_id == merchant_id, LoyaltyAccount.customer_id == customer_id))


# --- accounts and their ledger -------------------------------------------------------------

def find_account(session: Session, merchant_id: int, customer_id: int) -> LoyaltyAccount | None:
    return session.scalar(select(LoyaltyAccount).where(
        LoyaltyAccount.merchant_id == merchant_id, LoyaltyAccount.customer_id == customer_id))


def _locked_account(session: Session, merchant_id: int, customer_id: int) -> LoyaltyAccount:
    """The account, created at zero if new, locked for the rest of the transaction."""
    new_row = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
               else sqlite.insert)
    session.execute(new_row(LoyaltyAccount).on_conflict_do_nothing(),
                    {"merchant_id": merchant_id, "customer_id": customer_id, "balance": 0,
                     "lifetime_spend": 0})
    account = session.scalar(
        select(LoyaltyAccount).where(LoyaltyAccount.merchant_id == merchant_id,
                                     LoyaltyAccount.customer_id == customer_id)
        .with_for_update().execution_options(populate_existing=True))
    assert account is not None
    return account


def _change(session: Session, account: LoyaltyAccount, kind: PointsKind, points: int, *,
            spend: int = 0, unrecovered: int = 0, expires_at: datetime | None = None,
            order_id: int | None = None, reference: str | None = None, note: str = "",
            user_id: int | None = None) -> bool:
    """Move the balance by ``points`` and lifetime spend by ``spend`` with their entry, unless
    either would go below zero (then nothing is written and False is returned)."""
    moved = session.execute(
        update(LoyaltyAccount)
        .where(LoyaltyAccount.id == account.id, LoyaltyAccount.balance + points >= 0,
               LoyaltyAccount.lifetime_spend + spend >= 0)
        .values(balance=LoyaltyAccount.balance + points,
                lifetime_spend=LoyaltyAccount.lifetime_spend + spend, updated_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if not moved:
        return False
    session.execute(insert(LoyaltyEntry).values(
        account_id=account.id, merchant_id=account.merchant_id, kind=kind, points=points,
        unrecovered=unrecovered, spend=spend, expires_at=expires_at, order_id=order_id,
        reference=reference, note=note, user_id=user_id, created_at=utcnow()))
    session.refresh(account)
    if spend:
        tier = tier_for(session.get(LoyaltyProgramme, account.merchant_id), account.lifetime_spend)
        account.tier = tier["name"] if tier else None
    return True


def _expiry(programme: LoyaltyProgramme | None) -> datetime | None:
    if programme is None or programme.expiry_months is None:
        return None
    return add_months(utcnow(), programme.expiry_months)


def _entry(session: Session, account_id: int, kind: PointsKind,
           reference: str) -> LoyaltyEntry | None:
    return session.scalar(select(LoyaltyEntry).where(
        LoyaltyEntry.account_id == account_id, LoyaltyEntry.kind == kind,
        LoyaltyEntry.reference == reference))


def earn(session: Session, *, merchant_id: int, customer_id: int, order_id: int,
         paid_for_goods: int) -> None:
    """Goods reached the customer: points on what they paid for the goods, at the tier they
    had, and the lifetime spend (and so the tier) grows. Once per order (caller's txn)."""
    programme = programme_of(session, merchant_id)
    if programme is None:
        return
    account = _locked_account(session, merchant_id, customer_id)
    reference = f"order:{order_id}"
    if _entry(session, account.id, K.EARN, reference) is not None:
        return
    tier = tier_for(programme, account.lifetime_spend)
    multiplier = tier["multiplier_percent"] if tier else 100
    points = paid_for_goods * multiplier // (100 * programme.earn_dong_per_point)
    note = f"Đơn #{order_id}" + (f", hạng {tier['name']} ×{multiplier / 100:g}" if tier else "")
    _change(session, account, K.EARN, points, spend=paid_for_goods,
            expires_at=_expiry(programme), order_id=order_id, reference=reference, note=note)


def reverse(session: Session, *, merchant_id: int, customer_id: int, order_id: int,
            return_id: int, refunded: int) -> None:
    """Goods came back: the points they earned, in proportion of ``refunded`` (all the
    order's refunds so far) to what was paid, are taken back, and the lifetime spend too.
    Points already spent cannot be taken back: the entry records them as ``unrecovered``."""
    account = find_account(session, merchant_id, customer_id)
    if account is None:
        return
    account = _locked_account(session, merchant_id, customer_id)
    earned = _entry(session, account.id, K.EARN, f"order:{order_id}")
    reference = f"return:{return_id}"
    if earned is None or _entry(session, account.id, K.REVERSE, reference) is not None:
        return
    base = earned.spend
    back = min(refunded, base)
    target = earned.points * back // base if base else 0
    taken, spend_back = session.execute(
        select(func.coalesce(func.sum(LoyaltyEntry.unrecovered - LoyaltyEntry.points), 0),
               func.coalesce(func.sum(-LoyaltyEntry.spend), 0))
        .where(LoyaltyEntry.account_id == account.id, LoyaltyEntry.order_id == order_id,
               LoyaltyEntry.kind == K.REVERSE)).one()
    wanted = max(0, target - taken)
    less_spend = min(max(0, back - spend_back), account.lifetime_spend)
    if not wanted and not less_spend:
        return
    take = min(wanted, account.balance)
    _change(session, account, K.REVERSE, -take, spend=-less_spend, unrecovered=wanted - take,
            order_id=order_id, reference=reference, note=f"Trả hàng đơn #{order_id}")


def spend(session: Session, *, merchant_id: int, customer_id: int, order_id: int,
          points: int, user_id: int | None) -> None:
    """Take ``points`` for an order's discount, atomically: raises InsufficientPoints when
    the balance (however many checkouts spend it at once) is short; nothing is written."""
    account_id = session.scalar(
        update(LoyaltyAccount)
        .where(LoyaltyAccount.merchant_id == merchant_id,
               LoyaltyAccount.customer_id == customer_id, LoyaltyAccount.balance >= points)
        .values(balance=LoyaltyAccount.balance - points, updated_at=utcnow())
        .returning(LoyaltyAccount.id))
    if account_id is None:
        account = find_account(session, merchant_id, customer_id)
        raise InsufficientPoints(
            f"Không đủ điểm: cần {points}, còn {account.balance if account else 0}.",
            points=points, balance=account.balance if account else 0)
    session.execute(insert(LoyaltyEntry).values(
        account_id=account_id, merchant_id=merchant_id, kind=K.SPEND, points=-points,
        order_id=order_id, reference=f"order:{order_id}", note=f"Đổi {points} điểm",
        user_id=user_id, created_at=utcnow()))


def refund_spent(session: Session, *, merchant_id: int, customer_id: int, order_id: int,
                 reference: str, returned: int, of: int) -> None:
    """Points spent on an order come back in proportion ``returned / of`` of what they paid
    for (all of them for an order that never happened), with a fresh expiry.

    After units of a held order stayed behind (``kept_reference``), ``of`` is what the
    units taken cost: the proportion applies to the points still spent on them."""
    account = find_account(session, merchant_id, customer_id)
    if account is None:
        return
    spent = _entry(session, account.id, K.SPEND, f"order:{order_id}")
    if spent is None or _entry(session, account.id, K.REFUND, reference) is not None:
        return
    account = _locked_account(session, merchant_id, customer_id)
    left = _entry(session, account.id, K.REFUND, kept_reference(order_id))
    kept = left.points if left is not None else 0
    target = kept + (-spent.points - kept) * min(returned, of) // of if of else -spent.points
    given = session.scalar(select(func.coalesce(func.sum(LoyaltyEntry.points), 0)).where(
        LoyaltyEntry.account_id == account.id, LoyaltyEntry.order_id == order_id,
        LoyaltyEntry.kind == K.REFUND)) or 0
    if target > given:
        _change(session, account, K.REFUND, target - given,
                expires_at=_expiry(programme_of(session, merchant_id)), order_id=order_id,
                reference=reference, note=f"Hoàn điểm đơn #{order_id}")


def adjust(session: Session, *, actor: Actor, customer_id: int,
           data: AdjustmentIn) -> LoyaltyEntry:
    """A manager's correction, with its reason; never below zero."""
    merchant_id = manager_merchant(actor)
    if data.points == 0:
        raise AdjustmentInvalid("An adjustment moves at least one point.")
    with transaction(session):
        customers_service.get_customer(session, actor=actor, customer_id=customer_id)
        if programme_of(session, merchant_id) is None:
            raise NotFound("This shop has no loyalty programme.")
        account = _locked_account(session, merchant_id, customer_id)
        expires_at = _expiry(programme_of(session, merchant_id)) if data.points > 0 else None
        if not _change(session, account, K.ADJUST, data.points, expires_at=expires_at,
                       note=data.note, user_id=actor.user_id):
            raise AdjustmentInvalid(f"The customer has only {account.balance} points.",
                                    balance=account.balance)
        entry = session.scalars(select(LoyaltyEntry).where(LoyaltyEntry.account_id == account.id)
                                .order_by(LoyaltyEntry.id.desc()).limit(1)).one()
    return entry


# --- expiry ----------------------------------------------------------------------------------

def expiring(session: Session, account_id: int, at: datetime) -> int:
    """Points of the account that expire by ``at`` and were not consumed yet."""
    added, consumed = session.execute(
        select(func.coalesce(func.sum(case(
                   (LoyaltyEntry.points > 0, case((LoyaltyEntry.expires_at <= at,
                                                   LoyaltyEntry.points), else_=0)),
                   else_=0)), 0),
               func.coalesce(func.sum(case((LoyaltyEntry.points < 0, -LoyaltyEntry.points),
                                           else_=0)), 0))
        .where(LoyaltyEntry.account_id == account_id)).one()
    return max(0, int(added) - int(consumed))


def expire_due(session: Session, *, now: datetime | None = None, batch: int = 200) -> int:
    """Write the expiry of the accounts with points expiring since they were last checked;
    returns how many were checked (the background loop calls it until none is left)."""
    now = now or utcnow()
    with transaction(session):
        ids = session.scalars(
            select(LoyaltyEntry.account_id).distinct()
            .join(LoyaltyAccount, LoyaltyAccount.id == LoyaltyEntry.account_id)
            .where(LoyaltyEntry.expires_at <= now,
                   (LoyaltyAccount.expiry_checked_at.is_(None))
                   | (LoyaltyEntry.expires_at > LoyaltyAccount.expiry_checked_at))
            .order_by(LoyaltyEntry.account_id).limit(batch)).all()
        for account_id in ids:
            account = session.scalar(select(LoyaltyAccount).where(LoyaltyAccount.id == account_id)
                                     .with_for_update()
                                     .execution_options(populate_existing=True))
            assert account is not None
            points = expiring(session, account.id, now)
            if points:
                _change(session, account, K.EXPIRE, -points, note=f"Hết hạn đến {now:%d/%m/%Y}")
            account.expiry_checked_at = now
    return len(ids)


# --- reading -------------------------------------------------------------------------------

def history(session: Session, account_id: int, limit: int = HISTORY) -> Sequence[LoyaltyEntry]:
    return session.scalars(select(LoyaltyEntry).where(LoyaltyEntry.account_id == account_id)
                           .order_by(LoyaltyEntry.id.desc()).limit(limit)).all()


def account_view(session: Session, account: LoyaltyAccount, merchant: Any) -> dict[str, Any]:
    """An account as the wallet and the counter show it."""
    programme = session.get(LoyaltyProgramme, account.merchant_id)
    tier = tier_for(programme, account.lifetime_spend)
    point_value = programme.point_value if programme else 0
    return {
        "merchant_id": account.merchant_id, "merchant_name": merchant.name,
        "merchant_slug": merchant.slug, "balance": account.balance,
        "balance_value": account.balance * point_value, "point_value": point_value,
        "tier": account.tier, "benefit": tier["benefit"] if tier else None,
        "lifetime_spend": account.lifetime_spend,
        "next_tier": next_tier(programme, account.lifetime_spend),
        "history": history(session, account.id),
    }


def accounts_of(session: Session, customer_id: int) -> Sequence[LoyaltyAccount]:
    return session.scalars(select(LoyaltyAccount).where(LoyaltyAccount.customer_id == customer_id)
                           .order_by(LoyaltyAccount.merchant_id)).all()


def reconcile(session: Session) -> list[str]:
    """Every account whose balance or lifetime spend is not the sum of its ledger (empty:
    all is well)."""
    sums = (
        select(LoyaltyEntry.account_id, func.sum(LoyaltyEntry.points).label("points"),
               func.sum(LoyaltyEntry.spend).label("spend"))
        .group_by(LoyaltyEntry.account_id))
    ledger = {row.account_id: (row.points, row.spend) for row in session.execute(sums)}
    problems = []
    for account in session.scalars(select(LoyaltyAccount).order_by(LoyaltyAccount.id)):
        points, spent = ledger.get(account.id, (0, 0))
        if (account.balance, account.lifetime_spend) != (points, spent) or account.balance < 0:
            problems.append(f"account {account.id}: balance {account.balance} vs ledger {points}, "
                            f"lifetime {account.lifetime_spend} vs ledger {spent}")
    return problems


# --- the customer's wallet and the counter ---------------------------------------------------

def wallet(session: Session, *, actor: Actor) -> dict[str, Any]:
    """The signed-in shopper's points at every merchant and their network cashback."""
    ensure_customer(actor)
    accounts = accounts_of(session, actor.user_id)
    merchants = cashback.merchant_names(session, [a.merchant_id for a in accounts])
    return {"points": [account_view(session, a, merchants[a.merchant_id]) for a in accounts],
            "cashback": cashback.balance_view(session, actor.user_id)}


def counter_lookup(session: Session, *, actor: Actor, customer_id: int | None = None,
                   phone: str | None = None) -> dict[str, Any]:
    """A customer the staff member's merchant knows, by id or phone, with their points here
    and the cashback they may spend here (another merchant's customers look missing)."""
    merchant_id = staff_merchant(actor)
    if customer_id is not None:
        user, _ = customers_service.get_customer(session, actor=actor, customer_id=customer_id)
    else:
        found, _ = customers_service.search_customers(session, actor=actor, phone=phone,
                                                      limit=1) if phone else ([], 0)
        if not found:
            raise NotFound("Customer not found.", phone=phone)
        user = found[0][0]
    account = find_account(session, merchant_id, user.id)
    merchant = cashback.merchant_names(session, [merchant_id])[merchant_id]
    return {
        "customer_id": user.id, "full_name": user.full_name, "phone": user.phone,
        "points": account_view(session, account, merchant) if account else None,
        "cashback_available": (cashback.available(session, user.id)
                               if cashback.takes_cashback(session, merchant_id) else None),
    }


def run_due(session: Session) -> int:
    """What falls due, for the background loop: points expire, cashback whose order can no
    longer come back is credited. Returns how much was done (0: nothing left)."""
    return expire_due(session) + cashback.credit_due(session)
