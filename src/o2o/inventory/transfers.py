"""Ship-from-store rebalancing: units travel from one location of a merchant to another.

Creating a transfer removes the units from the source at once, each line by a conditional
UPDATE that never takes on-hand below what reservations hold; receiving adds them at the
destination; cancelling puts them back at the source. A transfer leaves ``in_transit``
exactly once (a conditional status update), so a second receipt, or a receipt racing a
cancel, moves nothing. Each step changes the levels of one location in variant order.

Store-scoped staff send and cancel only from their stores and receive only at them.
"""

from collections.abc import Sequence

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from o2o.auth.models import Role
from o2o.auth.permissions import Actor, can_work_at, staff_merchant
from o2o.db import transaction
from o2o.errors import NotFound, PermissionDenied
from o2o.inventory.errors import InsufficientStock, TransferClosed, TransferToSameLocation
from o2o.inventory.levels import (
    available_at,
    check_variant,
    ensure_level,
    level_key,
    staff_location,
)
from o2o.inventory.models import (
    MovementKind,
    StockLevel,
    StockMovement,
    StockTransfer,
    StockTransferLine,
    TransferStatus,
)
from o2o.inventory.schemas import TransferCreate
from o2o.orm import utcnow
from o2o.stores import service as stores_service


def create_transfer(session: Session, *, actor: Actor, data: TransferCreate) -> StockTransfer:
    """Send units; raises InsufficientStock naming every line the source cannot spare."""
    if data.from_location_id == data.to_location_id:
        raise TransferToSameLocation("A transfer goes to another location.",
                                     location_id=data.from_location_id)
    lines = sorted(data.lines, key=lambda line: line.variant_id)
    with transaction(session):
        merchant_id = staff_location(session, actor, data.from_location_id)
        stores_service.get_location(session, actor=actor, location_id=data.to_location_id)
        for line in lines:
            check_variant(session, merchant_id, line.variant_id)
        transfer = StockTransfer(
            merchant_id=merchant_id, from_location_id=data.from_location_id,
            to_location_id=data.to_location_id, note=data.note, created_by=actor.user_id,
            lines=[StockTransferLine(variant_id=line.variant_id, quantity=line.quantity,
                                     merchant_id=merchant_id) for line in lines],
        )
        session.add(transfer)
        session.flush()
        _record(session, transfer, data.from_location_id, MovementKind.TRANSFER_OUT, -1,
                f"Transfer to location {data.to_location_id}")
        short = [line for line in transfer.lines
                 if not _take(session, data.from_location_id, line)]
        if short:
            raise InsufficientStock(
                "Not enough stock to send: "
                + ", ".join(f"variant {line.variant_id}" for line in short),
                lines=[
                    {"location_id": data.from_location_id, "variant_id": line.variant_id,
                     "requested": line.quantity,
                     "available": available_at(session, data.from_location_id,
                                               line.variant_id, staff=True)}
                    for line in short
                ],
            )
    return transfer


def receive_transfer(session: Session, *, actor: Actor, transfer_id: int) -> StockTransfer:
    """The units arrive on the destination's shelf; a second receipt raises TransferClosed."""
    with transaction(session):
        transfer = _load(session, actor, transfer_id)
        if not can_work_at(actor, transfer.to_location_id):
            raise PermissionDenied("You can receive only at the stores you work at.")
        _close(session, actor, transfer, TransferStatus.RECEIVED)
        _put(session, transfer, transfer.to_location_id,
             f"Transfer from location {transfer.from_location_id}")
    return transfer


def cancel_transfer(session: Session, *, actor: Actor, transfer_id: int) -> StockTransfer:
    """Call a transfer back before it is received: the units return to the source."""
    with transaction(session):
        transfer = _load(session, actor, transfer_id)
        if not can_work_at(actor, transfer.from_location_id):
            raise PermissionDenied("You can cancel only transfers sent from your stores.")
        _close(session, actor, transfer, TransferStatus.CANCELLED)
        _put(session, transfer, transfer.from_location_id, "Transfer cancelled")
    return transfer


def get_transfer(session: Session, *, actor: Actor, transfer_id: int) -> StockTransfer:
    transfer = _load(session, actor, transfer_id)
    if not (can_work_at(actor, transfer.from_location_id)
            or can_work_at(actor, transfer.to_location_id)):
        raise PermissionDenied("This transfer is between stores you do not work at.")
    return transfer


def list_transfers(session: Session, *, actor: Actor, status: TransferStatus | None = None,
                   location_id: int | None = None, limit: int = 50,
                   before_id: int | None = None) -> list[StockTransfer]:
    """The merchant's transfers, newest first; store-scoped staff see those of their stores."""
    merchant_id = staff_merchant(actor)
    query = (select(StockTransfer).where(StockTransfer.merchant_id == merchant_id)
             .order_by(StockTransfer.id.desc()).limit(limit))
    if location_id is not None:
        stores_service.get_location(session, actor=actor, location_id=location_id)
        if not can_work_at(actor, location_id):
            raise PermissionDenied("You see the transfers of the stores you work at.")
        query = query.where(_touches([location_id]))
    elif actor.role is Role.CASHIER or actor.location_ids:  # store-scoped, see can_work_at
        query = query.where(_touches(sorted(actor.location_ids)))
    if status is not None:
        query = query.where(StockTransfer.status == status)
    if before_id is not None:
        query = query.where(StockTransfer.id < before_id)
    return list(session.scalars(query))


def _touches(location_ids: Sequence[int]):  # type: ignore[no-untyped-def]
    return or_(StockTransfer.from_location_id.in_(location_ids),
               StockTransfer.to_location_id.in_(location_ids))


def _load(session: Session, actor: Actor, transfer_id: int) -> StockTransfer:
    transfer = session.get(StockTransfer, transfer_id)
    visible = transfer is not None and (
        actor.is_operator or (actor.is_staff and actor.merchant_id == transfer.merchant_id)
    )
    if transfer is None or not visible:
        raise NotFound("Transfer not found.", transfer_id=transfer_id)
    return transfer


def _close(session: Session, actor: Actor, transfer: StockTransfer,
           status: TransferStatus) -> None:
    """Leave ``in_transit`` exactly once, even against a concurrent receipt or cancel."""
    closed = session.execute(
        update(StockTransfer)
        .where(StockTransfer.id == transfer.id,
               StockTransfer.status == TransferStatus.IN_TRANSIT)
        .values(status=status, closed_by=actor.user_id, closed_at=utcnow())
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(transfer)
        raise TransferClosed(f"This transfer is already {transfer.status.value}.",
                             transfer_id=transfer.id, status=transfer.status.value)
    session.refresh(transfer)


def _take(session: Session, location_id: int, line: StockTransferLine) -> bool:
    result = session.execute(
        update(StockLevel)
        .where(level_key(location_id, line.variant_id),
               StockLevel.on_hand - StockLevel.reserved >= line.quantity)
        .values(on_hand=StockLevel.on_hand - line.quantity, updated_at=utcnow())
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _put(session: Session, transfer: StockTransfer, location_id: int, reason: str) -> None:
    _record(session, transfer, location_id, MovementKind.TRANSFER_IN, 1, reason)
    for line in transfer.lines:
        ensure_level(session, transfer.merchant_id, location_id, line.variant_id)
        session.execute(
            update(StockLevel)
            .where(level_key(location_id, line.variant_id))
            .values(on_hand=StockLevel.on_hand + line.quantity, updated_at=utcnow())
        )


def _record(session: Session, transfer: StockTransfer, location_id: int, kind: MovementKind,
            sign: int, reason: str) -> None:
    now = utcnow()
    session.execute(insert(StockMovement), [
        {"merchant_id": transfer.merchant_id, "location_id": location_id,
         "variant_id": line.variant_id, "kind": kind, "delta": sign * line.quantity,
         "reason": reason, "reference": f"transfer:{transfer.id}",
         "user_id": transfer.closed_by if sign > 0 else transfer.created_by, "created_at": now}
        for line in transfer.lines
    ])
