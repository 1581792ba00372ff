"""Stock held for orders: taken at checkout, moved along the order's life, settled at
handover. The orders domain checks who may act; these functions only keep the counters
and the ledger right, inside the caller's transaction.

Unlike a shopper's own hold (``service.reserve_lines``, a few units for half an hour), an
order holds what was ordered for as long as the order's deadline says.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from o2o.db import transaction
from o2o.inventory.errors import InsufficientStock
from o2o.inventory.levels import available_at, ensure_level, level_key
from o2o.inventory.models import (
    MovementKind,
    Reservation,
    ReservationPurpose,
    ReservationStatus,
    StockLevel,
)
from o2o.inventory.service import Hold, _record
from o2o.orm import utcnow


def hold_for_order(session: Session, *, merchant_id: int, holds: Sequence[Hold],
                   expires_at: datetime, purpose: ReservationPurpose, user_id: int | None,
                   online: bool) -> list[int]:
    """Reserve every line or none; returns the reservation ids in the order of ``holds``.

    ``online``: only what the online channel may sell counts (the online buffer stays for
    walk-in customers); a counter sale may take the whole shelf. Levels are taken in
    (location, variant) order. Raises InsufficientStock naming every short line.
    """
    order = sorted(range(len(holds)), key=lambda i: (holds[i].location_id, holds[i].variant_id))
    ids: list[int | None] = [None] * len(holds)
    short = []
    with transaction(session):
        for i in order:
            hold = holds[i]
            sellable = StockLevel.on_hand - StockLevel.reserved
            if online:
                sellable = sellable - StockLevel.online_buffer
            taken = session.execute(
                update(StockLevel)
                .where(level_key(hold.location_id, hold.variant_id),
                       sellable >= hold.quantity)
                .values(reserved=StockLevel.reserved + hold.quantity)
            ).rowcount  # type: ignore[attr-defined]
            if not taken:
                short.append(hold)
                continue
            ids[i] = session.scalar(insert(Reservation).returning(Reservation.id), {
                "merchant_id": merchant_id, "location_id": hold.location_id,
                "variant_id": hold.variant_id, "quantity": hold.quantity, "purpose": purpose,
                "user_id": user_id, "expires_at": expires_at,
            })
        if short:
            raise InsufficientStock(
                "Not enough stock for: " + ", ".join(f"variant {h.variant_id}" for h in short),
                lines=[{"location_id": h.location_id, "variant_id": h.variant_id,
                        "requested": h.quantity,
                        "available": available_at(session, h.location_id, h.variant_id,
                                                  not online)}
                       for h in short],
            )
    return [i for i in ids if i is not None]


def extend(session: Session, reservation_ids: Iterable[int], expires_at: datetime) -> None:
    """Move the expiry of the still active holds (an order got a new deadline)."""
    session.execute(
        update(Reservation)
        .where(Reservation.id.in_(list(reservation_ids)),
               Reservation.status == ReservationStatus.ACTIVE)
        .values(expires_at=expires_at)
    )


def settle(session: Session, *, reservation_id: int, sold: int, reference: str,
           user_id: int | None) -> bool:
    """Close a hold: ``sold`` units leave the shelf as a sale, the rest go back on sale.

    Returns False, changing nothing, when the hold is no longer active (it expired).
    """
    closed = session.execute(
        update(Reservation)
        .where(Reservation.id == reservation_id, Reservation.status == ReservationStatus.ACTIVE,
               Reservation.quantity >= sold)
        .values(status=ReservationStatus.COMMITTED if sold else ReservationStatus.RELEASED,
                closed_at=utcnow())
        .returning(Reservation.merchant_id, Reservation.location_id, Reservation.variant_id,
                   Reservation.quantity)
    ).first()
    if closed is None:
        return False
    merchant_id, location_id, variant_id, quantity = closed
    session.execute(
        update(StockLevel)
        .where(level_key(location_id, variant_id))
        .values(on_hand=StockLevel.on_hand - sold, reserved=StockLevel.reserved - quantity,
                updated_at=utcnow())
    )
    if sold:
        _record(session, merchant_id=merchant_id, location_id=location_id,
                variant_id=variant_id, kind=MovementKind.SALE, delta=-sold, reason="",
                reference=reference, user_id=user_id)
    return True


def release(session: Session, reservation_ids: Iterable[int], *,
            status: ReservationStatus = ReservationStatus.RELEASED) -> None:
    """Give back the units of the holds that are still active (an expired one gave its own)."""
    closed = session.execute(
        update(Reservation)
        .where(Reservation.id.in_(sorted(reservation_ids)),
               Reservation.status == ReservationStatus.ACTIVE)
        .values(status=status, closed_at=utcnow())
        .returning(Reservation.location_id, Reservation.variant_id, Reservation.quantity)
    ).all()
    for location_id, variant_id, quantity in sorted(closed):
        session.execute(
            update(StockLevel)
            .where(level_key(location_id, variant_id))
            .values(reserved=StockLevel.reserved - quantity)
        )


def take_back(session: Session, *, merchant_id: int, location_id: int, variant_id: int,
              quantity: int, damaged: bool, reference: str, reason: str,
              user_id: int | None) -> None:
    """A customer returned units here: back on this shelf, or in and written off as damaged
    (both movements are in the ledger, so the store's returns and write-offs both show)."""
    ensure_level(session, merchant_id, location_id, variant_id)
    session.execute(
        update(StockLevel)
        .where(level_key(location_id, variant_id))
        .values(on_hand=StockLevel.on_hand + (0 if damaged else quantity), updated_at=utcnow())
    )
    _record(session, merchant_id=merchant_id, location_id=location_id, variant_id=variant_id,
            kind=MovementKind.RETURN, delta=quantity, reason=reason, reference=reference,
            user_id=user_id)
    if damaged:
        _record(session, merchant_id=merchant_id, location_id=location_id,
                variant_id=variant_id, kind=MovementKind.DAMAGE, delta=-quantity,
                reason=reason, reference=reference, user_id=user_id)
