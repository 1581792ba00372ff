"""The shopper's wallet: points at each shop (tier, the way to the next one, what expires
soon, the history) and the network's cashback (available, pending with the day each part
becomes spendable, the history). Read through the loyalty services only."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from o2o.loyalty import cashback
from o2o.loyalty import service as loyalty_service
from o2o.orm import utcnow
from o2o.stores.models import Merchant
from o2o.web.views import PageRoute, ShopperPage

router = APIRouter(prefix="/shop", route_class=PageRoute)
#: "Expiring soon": points that stop counting within this long.
EXPIRING_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class PointsCard:
    """One shop's points as the wallet shows them."""

    account: dict[str, Any]
    merchant: Merchant
    #: How far (0-100) the lifetime spend has come from this tier's threshold to the next's.
    progress: int | None
    next_benefit: str
    #: Points that expire within ``EXPIRING_WITHIN``.
    expiring: int


def progress_to(tiers: list[dict[str, Any]], lifetime_spend: int) -> tuple[int | None, str]:
    """(percent of the way to the next tier, its benefit); (None, "") at the top or
    without tiers."""
    ahead = [t for t in tiers if lifetime_spend < t["threshold"]]
    if not ahead:
        return None, ""
    reached = [t["threshold"] for t in tiers if lifetime_spend >= t["threshold"]]
    start = reached[-1] if reached else 0
    span = max(1, ahead[0]["threshold"] - start)
    return min(100, max(0, (lifetime_spend - start) * 100 // span)), ahead[0]["benefit"]


def _cards(session: Session, customer_id: int, views: list[dict[str, Any]]) -> list[PointsCard]:
    accounts = {a.merchant_id: a.id for a in loyalty_service.accounts_of(session, customer_id)}
    merchants = cashback.merchant_names(session, list(accounts))
    soon = utcnow() + EXPIRING_WITHIN
    cards = []
    for view in views:
        programme = loyalty_service.programme_of(session, view["merchant_id"])
        progress, benefit = progress_to(programme.tiers if programme else [],
                                        view["lifetime_spend"])
        cards.append(PointsCard(
            view, merchants[view["merchant_id"]], progress, benefit,
            min(view["balance"],
                loyalty_service.expiring(session, accounts[view["merchant_id"]], soon))))
    # The shops where the points are worth most come first.
    return sorted(cards, key=lambda c: (-c.account["balance_value"], c.merchant.name))


@router.get("/wallet")
def wallet(page: ShopperPage) -> Response:
    actor = page.signed_in
    found = loyalty_service.wallet(page.session, actor=actor)
    money = found["cashback"]
    pending = cashback.pending_earnings(page.session, actor.user_id)
    named = cashback.merchant_names(page.session, [e.merchant_id for e in money["history"]]
                                    + [e.merchant_id for e in pending])
    running = cashback.programme(page.session)
    return page.render(
        "shop/wallet.html", cards=_cards(page.session, actor.user_id, found["points"]),
        cashback=money, pending=pending, merchants=named, expiring_by=utcnow() + EXPIRING_WITHIN,
        cashback_rate=running.rate_bp if running else None,
        participants=cashback.participants(page.session) if running else [])
