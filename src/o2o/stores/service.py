"""Merchants and their locations: onboarding, stores, warehouses, hours and services."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from o2o.auth import service as auth_service
from o2o.auth.permissions import Actor, can_work_at, ensure_manager, ensure_same_merchant
from o2o.db import transaction
from o2o.errors import NotFound, PermissionDenied
from o2o.orm import utcnow
from o2o.stores import hours
from o2o.stores.errors import LocationCodeTaken, MerchantSlugTaken, ServiceNotOffered
from o2o.stores.models import (
    Location,
    LocationKind,
    LocationService,
    Merchant,
    OpeningHours,
    StoreService,
)
from o2o.stores.schemas import (
    LocationCreate,
    LocationUpdate,
    MerchantCreate,
    OpeningInterval,
)


def list_merchants(session: Session) -> Sequence[Merchant]:
    return session.scalars(
        select(Merchant).where(Merchant.is_active).order_by(Merchant.name)
    ).all()


def get_merchant(session: Session, *, slug: str) -> Merchant:
    merchant = session.scalar(select(Merchant).where(Merchant.slug == slug, Merchant.is_active))
    if merchant is None:
        raise NotFound("Merchant not found.", slug=slug)
    return merchant


def onboard_merchant(session: Session, *, actor: Actor, data: MerchantCreate) -> Merchant:
    """The network operator adds a merchant together with its owner's account."""
    if not actor.is_operator:
        raise PermissionDenied("Only the network operator can add merchants.")
    with transaction(session):
        if session.scalar(select(Merchant.id).where(Merchant.slug == data.slug)):
            raise MerchantSlugTaken("A merchant already uses this slug.", slug=data.slug)
        merchant = Merchant(
            slug=data.slug, name=data.name, trade=data.trade, tax_code=data.tax_code,
            phone=data.phone, email=data.email,
        )
        session.add(merchant)
        session.flush()
        auth_service.create_owner(
            session, merchant_id=merchant.id, email=data.owner.email,
            full_name=data.owner.full_name, password=data.owner.password,
        )
    return merchant


def _load_location(session: Session, actor: Actor, location_id: int) -> Location:
    location = session.get(Location, location_id)
    if location is None:
        raise NotFound("Location not found.", location_id=location_id)
    ensure_same_merchant(actor, location.merchant_id, "Location")
    return location


def _replace_hours(location: Location, intervals: Iterable[OpeningInterval]) -> None:
    location.hours = [
        OpeningHours(weekday=i.weekday, opens=i.opens, closes=i.closes,
                     merchant_id=location.merchant_id)
        for i in (x.as_interval() for x in intervals)
    ]


def _replace_services(location: Location, services: Iterable[StoreService]) -> None:
    wanted = sorted(set(services))
    if wanted and location.kind is LocationKind.WAREHOUSE:
        raise ServiceNotOffered("A warehouse does not serve shoppers; services are for stores.")
    location.services = [
        LocationService(service=s, merchant_id=location.merchant_id) for s in wanted
    ]


def create_location(session: Session, *, actor: Actor, data: LocationCreate) -> Location:
    """A new store or warehouse of the actor's merchant (owners and HQ managers)."""
    ensure_manager(actor)
    if actor.merchant_id is None or actor.location_ids:
        raise PermissionDenied("Only the owner or an HQ manager can open a location.")
    with transaction(session):
        taken = session.scalar(
            select(Location.id).where(
                Location.merchant_id == actor.merchant_id, Location.code == data.code
            )
        )
        if taken:
            raise LocationCodeTaken("Another location already has this code.", code=data.code)
        location = Location(
            merchant_id=actor.merchant_id,
            **data.model_dump(exclude={"hours", "services"}),
        )
        _replace_hours(location, data.hours)
        _replace_services(location, data.services)
        session.add(location)
        session.flush()
    return location


def update_location(
    session: Session, *, actor: Actor, location_id: int, data: LocationUpdate
) -> Location:
    """Change a location's details; store managers only change their own stores."""
    ensure_manager(actor)
    with transaction(session):
        location = _load_location(session, actor, location_id)
        if not can_work_at(actor, location.id):
            raise PermissionDenied("You can change only the stores you manage.")
        changes = data.model_dump(exclude_unset=True, exclude={"hours", "services"})
        for field, value in changes.items():
            setattr(location, field, value)
        if data.hours is not None:
            _replace_hours(location, data.hours)
        if data.services is not None:
            _replace_services(location, data.services)
        location.updated_at = utcnow()
    return location


def get_location(session: Session, *, actor: Actor, location_id: int) -> Location:
    """A location of the actor's merchant, warehouses included."""
    return _load_location(session, actor, location_id)


def list_locations(
    session: Session, *, actor: Actor, kind: LocationKind | None = None
) -> Sequence[Location]:
    query = select(Location).order_by(Location.city, Location.name)
    if not actor.is_operator:
        if not actor.is_staff:
            raise PermissionDenied("Only a merchant's staff can list its locations.")
        query = query.where(Location.merchant_id == actor.merchant_id)
    if kind is not None:
        query = query.where(Location.kind == kind)
    return session.scalars(query).all()


def get_store(session: Session, *, store_id: int) -> tuple[Location, Merchant]:
    """A store as shoppers see it: open, of an active merchant; never a warehouse."""
    row = session.execute(
        select(Location, Merchant)
        .join(Merchant, Merchant.id == Location.merchant_id)
        .where(
            Location.id == store_id,
            Location.kind == LocationKind.STORE,
            Location.is_active,
            Merchant.is_active,
        )
    ).first()
    if row is None:
        raise NotFound("Store not found.", store_id=store_id)
    return row[0], row[1]


def list_stores(session: Session, *, merchant_id: int) -> Sequence[Location]:
    """A merchant's stores as shoppers see them: open ones only, never a warehouse."""
    return session.scalars(
        select(Location)
        .where(
            Location.merchant_id == merchant_id,
            Location.kind == LocationKind.STORE,
            Location.is_active,
        )
        .order_by(Location.city, Location.name)
    ).all()


#: Built once: it is read by every reservation, and building it cost more than running it.
_MERCHANTS_OF = select(Location.id, Location.merchant_id).where(
    Location.id.in_(bindparam("ids", expanding=True)))


def merchants_of_locations(session: Session, location_ids: Iterable[int]) -> dict[int, int]:
    """``{location_id: merchant_id}`` for the ids that exist (flushed ones: it runs on the
    session's connection, without the ORM's execution layer, as every reservation reads it)."""
    ids = list(set(location_ids))
    if not ids:
        return {}
    rows = session.connection().execute(_MERCHANTS_OF, {"ids": ids})
    return {location_id: merchant_id for location_id, merchant_id in rows}


def intervals_of(location: Location) -> list[hours.Interval]:
    return [hours.Interval(h.weekday, h.opens, h.closes) for h in location.hours]


@dataclass(frozen=True)
class ServingStore:
    """What a checkout needs of a store: whose it is and what it offers."""

    id: int
    merchant_id: int
    services: frozenset[StoreService]


#: Built once: every checkout reads it. One row per service the store offers (one row with
#: NULL when it offers none); the conditions are ``get_store``'s.
_SERVING = (
    select(Location.id, Location.merchant_id, LocationService.service)
    .join(Merchant, Merchant.id == Location.merchant_id)
    .outerjoin(LocationService, LocationService.location_id == Location.id)
    .where(Location.id == bindparam("store_id"), Location.kind == LocationKind.STORE,
           Location.is_active, Merchant.is_active)
)


def serving_store(session: Session, *, store_id: int) -> ServingStore:
    """``get_store`` for a checkout, in one statement and without loading the store."""
    rows = session.execute(_SERVING, {"store_id": store_id}).all()
    if not rows:
        raise NotFound("Store not found.", store_id=store_id)
    return ServingStore(rows[0][0], rows[0][1],
                        frozenset(service for _, _, service in rows if service is not None))
