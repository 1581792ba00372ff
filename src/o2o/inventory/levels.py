"""The building blocks every stock use case shares: finding a level, who may move it,
creating it at zero. Flush-only; the use case around them owns the transaction."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor, can_work_at
from o2o.catalog import service as catalog_service
from o2o.errors import NotFound, PermissionDenied
from o2o.inventory.models import StockLevel
from o2o.stores import service as stores_service


def level_key(location_id: int, variant_id: int) -> ColumnElement[bool]:
    return and_(StockLevel.location_id == location_id, StockLevel.variant_id == variant_id)


def staff_location(session: Session, actor: Actor, location_id: int) -> int:
    """The merchant of a location the actor may move stock at."""
    location = stores_service.get_location(session, actor=actor, location_id=location_id)
    if not can_work_at(actor, location_id):
        raise PermissionDenied("You can change stock only at the stores you work at.")
    return location.merchant_id


def check_variant(session: Session, merchant_id: int, variant_id: int) -> None:
    variant = catalog_service.get_variant(session, variant_id=variant_id)
    if variant is None or variant.merchant_id != merchant_id:
        raise NotFound("Variant not found.", variant_id=variant_id)


def ensure_level(session: Session, merchant_id: int, location_id: int, variant_id: int) -> None:
    """Create the level row at zero if it does not exist yet (no-op when it does)."""
    exists = session.scalar(
        select(StockLevel.on_hand).where(level_key(location_id, variant_id))
    )
    if exists is None:
        ensure_levels(session, merchant_id, location_id, [variant_id])


def ensure_levels(session: Session, merchant_id: int, location_id: int,
                  variant_ids: Sequence[int]) -> None:
    """Levels at zero for these variants where there are none yet. A transaction creating
    the same level at the same moment is no error: ON CONFLICT waits for it, then skips."""
    if not variant_ids:
        return
    dialect = session.get_bind().dialect.name
    new_level = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(new_level(StockLevel).on_conflict_do_nothing(), [
        {"merchant_id": merchant_id, "location_id": location_id, "variant_id": v,
         "on_hand": 0, "reserved": 0, "online_buffer": 0}
        for v in variant_ids
    ])


def available_at(session: Session, location_id: int, variant_id: int, staff: bool) -> int:
    row = session.execute(
        select(StockLevel.on_hand, StockLevel.reserved, StockLevel.online_buffer)
        .where(level_key(location_id, variant_id))
    ).first()
    if row is None:
        return 0
    on_hand, reserved, buffer = row
    return max(0, on_hand - reserved - (0 if staff else buffer))
