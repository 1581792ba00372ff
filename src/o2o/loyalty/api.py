from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from o2o.auth.deps import CurrentActor
from o2o.deps import AppSettings, DbSession
from o2o.errors import ERROR_RESPONSES
from o2o.loyalty import cashback, service, settlement
from o2o.loyalty.models import CashbackProgramme
from o2o.loyalty.schemas import (
    AdjustmentIn,
    CashbackProgrammeIn,
    CashbackProgrammeRead,
    CounterLookupRead,
    LoyaltyProgrammeIn,
    LoyaltyProgrammeRead,
    ParticipantIn,
    ParticipantRead,
    PointsEntryRead,
    SettlementRead,
    WalletRead,
)
from o2o.stores.models import Merchant

router = APIRouter(prefix="/api/v1", tags=["loyalty"], responses=ERROR_RESPONSES)


def _programme_read(found: tuple[CashbackProgramme, list[Merchant]]) -> CashbackProgrammeRead:
    programme, merchants = found
    return CashbackProgrammeRead.model_validate({
        "name": programme.name, "rate_bp": programme.rate_bp, "funding": programme.funding,
        "merchant_share_bp": programme.merchant_share_bp, "is_active": programme.is_active,
        "updated_at": programme.updated_at,
        "participants": [ParticipantRead(merchant_id=m.id, name=m.name, slug=m.slug)
                         for m in merchants]})


@router.get("/loyalty/programme", response_model=LoyaltyProgrammeRead)
def get_loyalty_programme(session: DbSession, actor: CurrentActor) -> object:
    """The staff member's shop's points programme."""
    return service.get_programme(session, actor=actor)


@router.put("/loyalty/programme", response_model=LoyaltyProgrammeRead)
def set_loyalty_programme(data: LoyaltyProgrammeIn, session: DbSession,
                          actor: CurrentActor) -> object:
    """Set the shop's points: earn rate, point value, tiers, expiry (owner, HQ manager)."""
    return service.set_programme(session, actor=actor, data=data)


@router.get("/loyalty/lookup", response_model=CounterLookupRead)
def look_up_by_phone(session: DbSession, actor: CurrentActor,
                     phone: Annotated[str, Query(max_length=30, examples=["0901 234 567"])]
                     ) -> object:
    """At the counter: a customer of this shop by phone, with points and cashback."""
    return service.counter_lookup(session, actor=actor, phone=phone)


@router.get("/loyalty/customers/{customer_id}", response_model=CounterLookupRead)
def look_up_customer(customer_id: int, session: DbSession, actor: CurrentActor) -> object:
    """At the counter: a customer of this shop, with points and cashback."""
    return service.counter_lookup(session, actor=actor, customer_id=customer_id)


@router.post("/loyalty/customers/{customer_id}/adjustments", response_model=PointsEntryRead,
             status_code=status.HTTP_201_CREATED)
def adjust_points(customer_id: int, data: AdjustmentIn, session: DbSession,
                  actor: CurrentActor) -> object:
    """A manager's correction of a customer's points, with its reason."""
    return service.adjust(session, actor=actor, customer_id=customer_id, data=data)


@router.get("/me/wallet", response_model=WalletRead)
def my_wallet(session: DbSession, actor: CurrentActor) -> object:
    """The shopper's points at each shop (tier, history) and network cashback."""
    return service.wallet(session, actor=actor)


@router.get("/cashback/programme", response_model=CashbackProgrammeRead)
def get_cashback_programme(session: DbSession) -> CashbackProgrammeRead:
    """The network's cashback: rate, funding and the merchants taking part (public)."""
    return _programme_read(cashback.get_programme(session))


@router.put("/cashback/programme", response_model=CashbackProgrammeRead)
def set_cashback_programme(data: CashbackProgrammeIn, session: DbSession,
                           actor: CurrentActor) -> CashbackProgrammeRead:
    """Start or change the network's cashback (operator)."""
    return _programme_read(cashback.set_programme(session, actor=actor, data=data))


@router.post("/cashback/participants", response_model=list[ParticipantRead])
def add_participant(data: ParticipantIn, session: DbSession, actor: CurrentActor) -> Any:
    """A merchant joins the cashback programme (operator); the participants after."""
    merchants = cashback.set_participant(session, actor=actor, merchant_id=data.merchant_id,
                                         active=True)
    return [ParticipantRead(merchant_id=m.id, name=m.name, slug=m.slug) for m in merchants]


@router.delete("/cashback/participants/{merchant_id}", response_model=list[ParticipantRead])
def remove_participant(merchant_id: int, session: DbSession, actor: CurrentActor) -> Any:
    """A merchant leaves the programme (operator): its stores no longer earn nor take it."""
    merchants = cashback.set_participant(session, actor=actor, merchant_id=merchant_id,
                                         active=False)
    return [ParticipantRead(merchant_id=m.id, name=m.name, slug=m.slug) for m in merchants]


@router.get("/cashback/settlement", response_model=SettlementRead)
def cashback_settlement(session: DbSession, actor: CurrentActor, settings: AppSettings,
                        start: date, end: date) -> object:
    """Who owes whom for cashback from ``start`` to ``end`` (local days, operator)."""
    return settlement.settle(session, actor=actor, start=start, end=end,
                             timezone=settings.timezone)
