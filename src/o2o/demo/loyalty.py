"""Loyalty in the realistic demo: each chain's points programme, the network's cashback
across all of them, and a few months of history for the first customers (the shopper among
them), written as ledger entries whose sums are the balances (``reconcile`` holds).

Cashback history is only credited cashback and what was spent of it: pending cashback
belongs to orders, which the demo has none of.
"""

import random
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from o2o.auth.models import Role, User
from o2o.customers.models import CustomerProfile
from o2o.db import Database, transaction
from o2o.demo.data import MERCHANTS
from o2o.loyalty import service as loyalty_service
from o2o.loyalty.models import (
    CashbackEntry,
    CashbackKind,
    CashbackParticipant,
    CashbackProgramme,
    CashbackWallet,
    Funding,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyProgramme,
    PointsKind,
)
from o2o.stores.models import Merchant

#: slug: (đồng per point, đồng a point is worth, months points last, tiers).
PROGRAMMES = {
    "hoasen": (10_000, 1_000, 12, [
        ("Thành viên", 0, 100, "Tích 1 điểm cho mỗi 10.000 ₫"),
        ("Bạc", 2_000_000, 120, "Giảm 5% trong tháng sinh nhật"),
        ("Vàng", 10_000_000, 150, "Miễn phí giao hàng, đổi trả trong 60 ngày"),
    ]),
    "saoviet": (50_000, 1_000, 24, [
        ("Thành viên", 0, 100, ""),
        ("VIP", 30_000_000, 130, "Bảo hành mở rộng thêm 6 tháng"),
    ]),
    "phoco": (5_000, 500, 6, [
        ("Khách quen", 0, 100, ""),
        ("Sành cà phê", 1_000_000, 200, "Một ly miễn phí mỗi tháng"),
    ]),
    "moclan": (10_000, 1_000, 12, [
        ("Thành viên", 0, 100, ""),
        ("Kim cương", 5_000_000, 150, "Quà mẫu thử với mỗi đơn"),
    ]),
}
#: 2 % cashback at every chain, half funded by the chain, half by the network.
CASHBACK_RATE_BP, MERCHANT_SHARE_BP = 200, 5_000
#: The first customers with some history.
WITH_HISTORY = 8


def load_loyalty(db: Database, *, now: datetime, seed: int) -> Counter[str]:
    """Programmes, the cashback programme and history; returns the rows written per table."""
    rng = random.Random(seed)
    with db.session() as session, transaction(session):
        merchants = _programmes(session, now)
        session.add(CashbackProgramme(id=1, name="Hoàn tiền GoWoW", rate_bp=CASHBACK_RATE_BP,
                                      funding=Funding.SPLIT, merchant_share_bp=MERCHANT_SHARE_BP,
                                      created_at=now))
        session.add_all(CashbackParticipant(merchant_id=m.merchant_id, created_at=now)
                        for m in merchants.values())
        customers = session.scalars(select(User.id).where(User.role == Role.CUSTOMER)
                                    .order_by(User.id).limit(WITH_HISTORY)).all()
        for customer_id in customers:
            _history(session, rng, customer_id, merchants, now)
        session.flush()
        return Counter({model.__tablename__: session.scalar(
            select(func.count()).select_from(model)) or 0 for model in (
                LoyaltyProgramme, LoyaltyAccount, LoyaltyEntry, CashbackWallet, CashbackEntry)})


def _programmes(session: Session, now: datetime) -> dict[int, LoyaltyProgramme]:
    slugs = {seed.slug for seed in MERCHANTS}
    found = {}
    for merchant in session.scalars(select(Merchant).where(Merchant.slug.in_(slugs))):
        earn, value, months, tiers = PROGRAMMES[merchant.slug]
        programme = LoyaltyProgramme(
            merchant_id=merchant.id, earn_dong_per_point=earn, point_value=value,
            expiry_months=months, is_active=True, created_at=now,
            tiers=[{"name": name, "threshold": threshold, "multiplier_percent": multiplier,
                    "benefit": benefit} for name, threshold, multiplier, benefit in tiers])
        session.add(programme)
        found[merchant.id] = programme
    return found


def _history(session: Session, rng: random.Random, customer_id: int,
             programmes: dict[int, LoyaltyProgramme], now: datetime) -> None:
    """Purchases over the last five months at the merchants that know the customer: points
    earned at the tier of the day, a few spent, cashback credited and some spent."""
    known: Sequence[int] = session.scalars(select(CustomerProfile.merchant_id).where(
        CustomerProfile.user_id == customer_id).order_by(CustomerProfile.merchant_id)).all()
    cash_entries: list[CashbackEntry] = []
    for merchant_id in known:
        programme = programmes[merchant_id]
        account = LoyaltyAccount(merchant_id=merchant_id, customer_id=customer_id, created_at=now)
        session.add(account)
        session.flush()
        days = sorted(rng.sample(range(3, 150), rng.randint(2, 5)), reverse=True)
        for days_ago in days:
            at = now - timedelta(days=days_ago, minutes=rng.randrange(600))
            paid = rng.randrange(80, 2_500) * 1_000
            tier = loyalty_service.tier_for(programme, account.lifetime_spend)
            earned = paid * (tier["multiplier_percent"] if tier else 100) // (
                100 * programme.earn_dong_per_point)
            expires = loyalty_service.add_months(at, programme.expiry_months or 12)
            _points(session, account, PointsKind.EARN, earned, at, spend=paid,
                    expires_at=expires, note="Mua tại cửa hàng")
            if rng.random() < 0.3 and account.balance >= 20:
                _points(session, account, PointsKind.SPEND, -(account.balance // 2),
                        at + timedelta(minutes=5), note=f"Đổi {account.balance // 2} điểm")
            if days_ago > 30:  # the return window has closed: the cashback is spendable
                amount = paid * CASHBACK_RATE_BP // 10_000
                funded = amount * MERCHANT_SHARE_BP // 10_000
                cash_entries += [
                    CashbackEntry(customer_id=customer_id, merchant_id=merchant_id,
                                  kind=CashbackKind.EARN, pending_delta=amount, available_delta=0,
                                  created_at=at),
                    CashbackEntry(customer_id=customer_id, merchant_id=merchant_id,
                                  kind=CashbackKind.CREDIT, pending_delta=-amount,
                                  available_delta=amount, merchant_funded=funded,
                                  operator_funded=amount - funded,
                                  created_at=at + timedelta(days=30))]
        account.tier = (loyalty_service.tier_for(programme, account.lifetime_spend)
                        or {"name": None})["name"]
    available = sum(e.available_delta for e in cash_entries)
    if available and known:
        spent = min(available, 15_000)
        cash_entries.append(CashbackEntry(customer_id=customer_id, merchant_id=known[-1],
                                          kind=CashbackKind.SPEND, available_delta=-spent,
                                          created_at=now - timedelta(days=1)))
        available -= spent
    if cash_entries:
        session.add(CashbackWallet(customer_id=customer_id, pending=0, available=available,
                                   created_at=now))
        session.add_all(cash_entries)


def _points(session: Session, account: LoyaltyAccount, kind: PointsKind, points: int,
            at: datetime, *, spend: int = 0, expires_at: datetime | None = None,
            note: str = "") -> None:
    session.add(LoyaltyEntry(account_id=account.id, merchant_id=account.merchant_id, kind=kind,
                             points=points, spend=spend, expires_at=expires_at, note=note,
                             created_at=at))
    account.balance += points
    account.lifetime_spend += spend
