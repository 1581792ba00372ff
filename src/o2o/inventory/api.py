from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status

from o2o.auth.deps import CurrentActor
from o2o.deps import DbSession
from o2o.errors import ERROR_RESPONSES
from o2o.inventory import service
from o2o.inventory.models import MovementKind, ReservationPurpose
from o2o.inventory.schemas import (
    MovementRead,
    ReservationCreate,
    ReservationRead,
    StockAdjustment,
    StockLevelRead,
    StockSet,
)

router = APIRouter(prefix="/api/v1", tags=["inventory"], responses=ERROR_RESPONSES)

_LEVEL = "/locations/{location_id}/stock/{variant_id}"


@router.get(_LEVEL, response_model=StockLevelRead)
def get_level(location_id: int, variant_id: int, session: DbSession,
              actor: CurrentActor) -> object:
    return service.get_level(session, actor=actor, location_id=location_id,
                             variant_id=variant_id)


@router.put(_LEVEL, response_model=StockLevelRead)
def set_on_hand(location_id: int, variant_id: int, data: StockSet, session: DbSession,
                actor: CurrentActor) -> object:
    """Record a count of what is on the shelf; the difference goes to the ledger."""
    return service.set_on_hand(session, actor=actor, location_id=location_id,
                               variant_id=variant_id, on_hand=data.on_hand, reason=data.reason)


@router.post(_LEVEL + "/adjustments", response_model=StockLevelRead,
             status_code=status.HTTP_201_CREATED)
def adjust(location_id: int, variant_id: int, data: StockAdjustment, session: DbSession,
           actor: CurrentActor) -> object:
    """Receive, write off or correct stock by a signed ``delta``, with a reason."""
    return service.adjust(session, actor=actor, location_id=location_id, variant_id=variant_id,
                          delta=data.delta, kind=MovementKind(data.kind), reason=data.reason)


@router.get(_LEVEL + "/movements", response_model=list[MovementRead])
def movements(location_id: int, variant_id: int, session: DbSession, actor: CurrentActor,
              limit: Annotated[int, Query(ge=1, le=200)] = 50,
              before_id: int | None = None) -> object:
    """The ledger of this variant at this location, newest first."""
    return service.movements(session, actor=actor, location_id=location_id,
                             variant_id=variant_id, limit=limit, before_id=before_id)


@router.post("/reservations", response_model=ReservationRead,
             status_code=status.HTTP_201_CREATED)
def reserve(data: ReservationCreate, session: DbSession, actor: CurrentActor) -> object:
    """Hold units until ``ttl_seconds`` pass; 409 ``insufficient_stock`` when too few are left."""
    purpose = data.purpose or (
        ReservationPurpose.STAFF_HOLD if actor.is_staff else ReservationPurpose.CART
    )
    hold = service.Hold(location_id=data.location_id, variant_id=data.variant_id,
                        quantity=data.quantity)
    [reservation] = service.reserve_lines(
        session, actor=actor, holds=[hold], ttl=timedelta(seconds=data.ttl_seconds),
        purpose=purpose,
    )
    return reservation


@router.delete("/reservations/{reservation_id}", response_model=ReservationRead)
def release(reservation_id: int, session: DbSession, actor: CurrentActor) -> object:
    """Give the held units back."""
    return service.release(session, actor=actor, reservation_id=reservation_id)
