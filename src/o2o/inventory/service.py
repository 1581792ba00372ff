"""One stock for every channel: levels, the append-only ledger and reservations.

Every counter changes in one conditional UPDATE whose WHERE clause is the rule
(``on_hand - reserved >= quantity``), so two buyers of the last unit cannot both succeed on
either database; CHECK constraints make a bug fail loudly instead of overselling. Rows of
several levels are always changed in (location_id, variant_id) order.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor, can_work_at, ensure_manager
from o2o.catalog import service as catalog_service
from o2o.catalog.models import Channel
from o2o.db import transaction
from o2o.errors import NotFound, PermissionDenied
from o2o.inventory.errors import (
    InsufficientStock,
    MovementSign,
    ReservationClosed,
    ReservationLimit,
    StockHeldByReservations,
)
from o2o.inventory.levels import (
    available_at,
    check_variant,
    ensure_level,
    level_key,
    staff_location,
)
from o2o.inventory.models import (
    MovementKind,
    Reservation,
    ReservationPurpose,
    ReservationStatus,
    StockLevel,
    StockMovement,
)
from o2o.orm import utcnow
from o2o.stores import service as stores_service

#: A shopper's hold: a few units, for as long as a checkout or a walk to the store takes.
SHOPPER_MAX_QUANTITY = 5
SHOPPER_MAX_TTL = timedelta(minutes=30)
#: Staff hold for a customer who will come by (reserve and try, phone orders).
STAFF_MAX_QUANTITY = 10_000
STAFF_MAX_TTL = timedelta(days=7)

_ADJUSTMENT_KINDS = {
    MovementKind.RECEIPT: 1,
    MovementKind.DAMAGE: -1,
    MovementKind.ADJUSTMENT: 0,
    MovementKind.RETURN: 1,
}


def _record(session: Session, *, merchant_id: int, location_id: int, variant_id: int,
            kind: MovementKind, delta: int, reason: str, reference: str | None,
            user_id: int | None) -> None:
    session.execute(
        insert(StockMovement).values(
            merchant_id=merchant_id, location_id=location_id, variant_id=variant_id,
            kind=kind, delta=delta, reason=reason, reference=reference, user_id=user_id,
            created_at=utcnow(),
        )
    )


def adjust(session: Session, *, actor: Actor, location_id: int, variant_id: int, delta: int,
           kind: MovementKind = MovementKind.ADJUSTMENT, reason: str) -> StockLevel:
    """Add or remove units and record why. Raises StockHeldByReservations rather than let
    on-hand drop below what reservations hold."""
    sign = _ADJUSTMENT_KINDS.get(kind)
    if sign is None:
        raise MovementSign(f"{kind} stock is moved by its own flow, not an adjustment.")
    if delta == 0 or (sign and (delta > 0) != (sign > 0)):
        raise MovementSign(f"A {kind} cannot move stock by {delta:+d}.", delta=delta)
    with transaction(session):
        merchant_id = staff_location(session, actor, location_id)
        check_variant(session, merchant_id, variant_id)
        ensure_level(session, merchant_id, location_id, variant_id)
        level = session.execute(
            update(StockLevel)
            .where(level_key(location_id, variant_id),
                   StockLevel.on_hand + delta >= StockLevel.reserved)
            .values(on_hand=StockLevel.on_hand + delta, updated_at=utcnow())
            .returning(StockLevel)
        ).scalar_one_or_none()
        if level is None:
            on_hand, reserved = session.execute(
                select(StockLevel.on_hand, StockLevel.reserved)
                .where(level_key(location_id, variant_id))
            ).one()
            if on_hand + delta < 0:
                raise InsufficientStock(f"Only {on_hand} units are on hand.",
                                        on_hand=on_hand, delta=delta)
            raise StockHeldByReservations(
                f"Reservations hold {reserved} of the {on_hand} units on hand.",
                on_hand=on_hand, reserved=reserved, delta=delta,
            )
        _record(session, merchant_id=merchant_id, location_id=location_id,
                variant_id=variant_id, kind=kind, delta=delta, reason=reason,
                reference=None, user_id=actor.user_id)
    return level


def set_on_hand(session: Session, *, actor: Actor, location_id: int, variant_id: int,
                on_hand: int, reason: str) -> StockLevel:
    """Record a count: the difference to what the ledger says becomes a ``count`` movement."""
    with transaction(session):
        merchant_id = staff_location(session, actor, location_id)
        check_variant(session, merchant_id, variant_id)
        ensure_level(session, merchant_id, location_id, variant_id)
        level = session.scalars(
            select(StockLevel).where(level_key(location_id, variant_id)).with_for_update()
        ).one()
        if on_hand < level.reserved:
            raise StockHeldByReservations(
                f"Reservations hold {level.reserved} units; release them before counting "
                f"{on_hand}.", reserved=level.reserved,
            )
        delta = on_hand - level.on_hand
        if delta:
            level.on_hand = on_hand
            level.updated_at = utcnow()
            _record(session, merchant_id=merchant_id, location_id=location_id,
                    variant_id=variant_id, kind=MovementKind.COUNT, delta=delta,
                    reason=reason, reference=None, user_id=actor.user_id)
    return level


@dataclass(frozen=True)
class Hold:
    """One line to reserve: units of a variant at a location."""

    location_id: int
    variant_id: int
    quantity: int


def _check_limits(actor: Actor, staff: bool, holds: Sequence[Hold], ttl: timedelta) -> None:
    max_quantity, max_ttl = (
        (STAFF_MAX_QUANTITY, STAFF_MAX_TTL) if staff else (SHOPPER_MAX_QUANTITY, SHOPPER_MAX_TTL)
    )
    for hold in holds:
        if not 0 < hold.quantity <= max_quantity:
            raise ReservationLimit(
                f"You can hold 1 to {max_quantity} units of an item.",
                variant_id=hold.variant_id, max_quantity=max_quantity,
            )
    if not timedelta(seconds=1) <= ttl <= max_ttl:
        raise ReservationLimit(
            f"A hold lasts at most {int(max_ttl.total_seconds())} seconds.",
            max_ttl_seconds=int(max_ttl.total_seconds()),
        )


@dataclass(frozen=True)
class Held:
    """A new reservation as its INSERT returned it: the hold path makes no ORM object for
    the session to track and flush (``ReservationRead`` reads it like a Reservation)."""

    id: int
    merchant_id: int
    location_id: int
    variant_id: int
    quantity: int
    purpose: ReservationPurpose
    status: ReservationStatus
    user_id: int | None
    expires_at: datetime
    created_at: datetime


#: The hot path's statements, built once: building them anew for every reservation cost
#: more Python than running them.
_HOLD = insert(Reservation).returning(
    *[getattr(Reservation, field.name) for field in fields(Held)], sort_by_parameter_order=True)
_TAKE = {
    staff: update(StockLevel)
    .where(StockLevel.location_id == bindparam("loc"), StockLevel.variant_id == bindparam("var"),
           StockLevel.on_hand - StockLevel.reserved - (0 if staff else StockLevel.online_buffer)
           >= bindparam("qty"))
    .values(reserved=StockLevel.reserved + bindparam("qty"))
    for staff in (False, True)
}


def reserve_lines(session: Session, *, actor: Actor, holds: Sequence[Hold], ttl: timedelta,
                  purpose: ReservationPurpose) -> list[Held]:
    """Hold every line or none, in one transaction.

    Staff of the location's merchant hold from the whole stock; everyone else from what the
    online channel may sell (on hand − reserved − online buffer). Raises InsufficientStock
    naming every short line. Under concurrency exactly the available units are handed out.

    This is the hottest write of the platform: two reads (the locations' merchants, the
    variants' terms) whatever the number of lines, then Core statements on the transaction's
    connection, the reservation rows first and the contended level rows last.
    """
    holds = sorted(holds, key=lambda h: (h.location_id, h.variant_id))
    with transaction(session):
        merchants = stores_service.merchants_of_locations(session, [h.location_id for h in holds])
        staff = actor.is_staff and set(merchants.values()) == {actor.merchant_id}
        _check_limits(actor, staff, holds, ttl)
        variants = catalog_service.sale_terms(session, variant_ids=[h.variant_id for h in holds])
        for hold in holds:
            merchant_id = merchants.get(hold.location_id)
            if merchant_id is None:
                raise NotFound("Location not found.", location_id=hold.location_id)
            _sellable(actor, staff, merchant_id, hold, variants.get(hold.variant_id))
        connection = session.connection()
        expires_at = utcnow() + ttl
        held = [Held(*row) for row in connection.execute(_HOLD, [
            {"merchant_id": merchants[h.location_id], "location_id": h.location_id,
             "variant_id": h.variant_id, "quantity": h.quantity, "purpose": purpose,
             "user_id": actor.user_id, "expires_at": expires_at}
            for h in holds
        ])]
        short = [h for h in holds if not _take(connection, h, staff)]
        if short:
            raise InsufficientStock(
                "Not enough stock for: " + ", ".join(f"variant {h.variant_id}" for h in short),
                lines=[
                    {"location_id": h.location_id, "variant_id": h.variant_id,
                     "requested": h.quantity,
                     "available": available_at(session, h.location_id, h.variant_id, staff)}
                    for h in short
                ],
            )
    return held


def _sellable(actor: Actor, staff: bool, merchant_id: int, hold: Hold,
              variant: catalog_service.SaleTerms | None) -> None:
    if staff:
        if not can_work_at(actor, hold.location_id):
            raise PermissionDenied("You can hold stock only at the stores you work at.")
        if variant is None or variant.merchant_id != merchant_id:
            raise NotFound("Variant not found.", variant_id=hold.variant_id)
        return
    if variant is None or variant.merchant_id != merchant_id or not variant.on_sale:
        raise NotFound("Variant not found.", variant_id=hold.variant_id)
    if variant.channels is Channel.STORE:
        raise NotFound("This item is sold only in stores.", variant_id=hold.variant_id)


def _take(connection: Connection, hold: Hold, staff: bool) -> bool:
    result = connection.execute(
        _TAKE[staff], {"loc": hold.location_id, "var": hold.variant_id, "qty": hold.quantity})
    return result.rowcount == 1


def _load_reservation(session: Session, actor: Actor, reservation_id: int) -> Reservation:
    reservation = session.get(Reservation, reservation_id)
    if reservation is None:
        raise NotFound("Reservation not found.", reservation_id=reservation_id)
    own = reservation.user_id == actor.user_id
    staff = actor.is_staff and actor.merchant_id == reservation.merchant_id
    if not (own or staff or actor.is_operator):
        raise NotFound("Reservation not found.", reservation_id=reservation_id)
    if staff and not own and not can_work_at(actor, reservation.location_id):
        raise PermissionDenied("This reservation is held at a store you do not work at.")
    return reservation


def _close(session: Session, reservation: Reservation, status: ReservationStatus) -> None:
    """Close an active reservation exactly once, even against a concurrent sweeper."""
    closed = session.execute(
        update(Reservation)
        .where(Reservation.id == reservation.id,
               Reservation.status == ReservationStatus.ACTIVE)
        .values(status=status, closed_at=utcnow())
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        raise ReservationClosed("This reservation is no longer active.",
                                reservation_id=reservation.id)
    session.refresh(reservation)


def release(session: Session, *, actor: Actor, reservation_id: int) -> Reservation:
    """Give held units back (the shopper who holds them, or the store's staff)."""
    with transaction(session):
        reservation = _load_reservation(session, actor, reservation_id)
        _close(session, reservation, ReservationStatus.RELEASED)
        session.execute(
            update(StockLevel)
            .where(level_key(reservation.location_id, reservation.variant_id))
            .values(reserved=StockLevel.reserved - reservation.quantity)
        )
    return reservation


def commit_sale(session: Session, *, actor: Actor, reservation_id: int,
                reference: str | None = None) -> Reservation:
    """The held units leave the store with the customer: on hand and reserved both drop."""
    with transaction(session):
        reservation = _load_reservation(session, actor, reservation_id)
        if not actor.is_staff:
            raise PermissionDenied("Staff hand over sold goods.")
        _close(session, reservation, ReservationStatus.COMMITTED)
        session.execute(
            update(StockLevel)
            .where(level_key(reservation.location_id, reservation.variant_id))
            .values(on_hand=StockLevel.on_hand - reservation.quantity,
                    reserved=StockLevel.reserved - reservation.quantity,
                    updated_at=utcnow())
        )
        _record(session, merchant_id=reservation.merchant_id,
                location_id=reservation.location_id, variant_id=reservation.variant_id,
                kind=MovementKind.SALE, delta=-reservation.quantity, reason="",
                reference=reference or f"reservation:{reservation.id}", user_id=actor.user_id)
    return reservation


def expire_due(session: Session, *, now: datetime | None = None, batch: int = 500) -> int:
    """Give back the units of reservations past their expiry; returns how many expired.

    Safe beside releases and other sweepers: a reservation closes exactly once.
    """
    now = now or utcnow()
    with transaction(session):
        due = (
            select(Reservation.id)
            .where(Reservation.status == ReservationStatus.ACTIVE,
                   Reservation.expires_at <= now)
            .order_by(Reservation.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        expired = session.execute(
            update(Reservation)
            .where(Reservation.id.in_(due), Reservation.status == ReservationStatus.ACTIVE)
            .values(status=ReservationStatus.EXPIRED, closed_at=now)
            .returning(Reservation.location_id, Reservation.variant_id, Reservation.quantity)
        ).all()
        totals: dict[tuple[int, int], int] = {}
        for location_id, variant_id, quantity in expired:
            totals[(location_id, variant_id)] = totals.get((location_id, variant_id), 0) + quantity
        for (location_id, variant_id), quantity in sorted(totals.items()):
            session.execute(
                update(StockLevel)
                .where(level_key(location_id, variant_id))
                .values(reserved=StockLevel.reserved - quantity)
            )
    return len(expired)


@dataclass(frozen=True)
class Mismatch:
    location_id: int
    variant_id: int
    on_hand: int
    ledger_on_hand: int
    reserved: int
    active_reservations: int


def reconcile(session: Session, *, merchant_id: int | None = None) -> list[Mismatch]:
    """Every level whose counters differ from its ledger and its active reservations."""
    ledger = (
        select(StockMovement.location_id, StockMovement.variant_id,
               func.sum(StockMovement.delta).label("total"))
        .group_by(StockMovement.location_id, StockMovement.variant_id)
        .subquery()
    )
    held = (
        select(Reservation.location_id, Reservation.variant_id,
               func.sum(Reservation.quantity).label("total"))
        .where(Reservation.status == ReservationStatus.ACTIVE)
        .group_by(Reservation.location_id, Reservation.variant_id)
        .subquery()
    )
    ledger_total = func.coalesce(ledger.c.total, 0)
    held_total = func.coalesce(held.c.total, 0)
    query = (
        select(StockLevel.location_id, StockLevel.variant_id, StockLevel.on_hand,
               ledger_total, StockLevel.reserved, held_total)
        .outerjoin(ledger, and_(ledger.c.location_id == StockLevel.location_id,
                                ledger.c.variant_id == StockLevel.variant_id))
        .outerjoin(held, and_(held.c.location_id == StockLevel.location_id,
                              held.c.variant_id == StockLevel.variant_id))
        .where((StockLevel.on_hand != ledger_total) | (StockLevel.reserved != held_total))
        .order_by(StockLevel.location_id, StockLevel.variant_id)
    )
    if merchant_id is not None:
        query = query.where(StockLevel.merchant_id == merchant_id)
    return [Mismatch(*row) for row in session.execute(query)]


def get_level(session: Session, *, actor: Actor, location_id: int,
              variant_id: int) -> StockLevel:
    """A level of the actor's merchant; a variant never stocked there reads as zero."""
    merchant_id = stores_service.get_location(
        session, actor=actor, location_id=location_id
    ).merchant_id
    check_variant(session, merchant_id, variant_id)
    level = session.get(StockLevel, (location_id, variant_id))
    return level or StockLevel(location_id=location_id, variant_id=variant_id,
                               merchant_id=merchant_id, on_hand=0, reserved=0,
                               online_buffer=0)


def movements(session: Session, *, actor: Actor, location_id: int, variant_id: int,
              limit: int = 50, before_id: int | None = None) -> list[StockMovement]:
    """The ledger of one level, newest first (``before_id`` pages back)."""
    get_level(session, actor=actor, location_id=location_id, variant_id=variant_id)
    query = (
        select(StockMovement)
        .where(StockMovement.location_id == location_id,
               StockMovement.variant_id == variant_id)
        .order_by(StockMovement.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(StockMovement.id < before_id)
    return list(session.scalars(query))


def levels_of_variant(session: Session, *, variant_id: int) -> list[StockLevel]:
    """Every level of a variant, in location order (availability across locations)."""
    return list(session.scalars(
        select(StockLevel).where(StockLevel.variant_id == variant_id)
        .order_by(StockLevel.location_id)
    ))


def set_online_buffer(session: Session, *, actor: Actor, location_id: int, variant_id: int,
                      online_buffer: int) -> StockLevel:
    """Keep units for walk-in customers: the online channel sells only what lies above the
    buffer (staff still sell everything). Owners and the managers of the store set it."""
    with transaction(session):
        merchant_id = staff_location(session, actor, location_id)
        ensure_manager(actor)
        check_variant(session, merchant_id, variant_id)
        ensure_level(session, merchant_id, location_id, variant_id)
        level = session.execute(
            update(StockLevel)
            .where(level_key(location_id, variant_id))
            .values(online_buffer=online_buffer, updated_at=utcnow())
            .returning(StockLevel)
        ).scalar_one()
    return level
