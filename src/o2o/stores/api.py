from datetime import UTC, datetime

from fastapi import APIRouter, status

from o2o.auth.deps import CurrentActor
from o2o.deps import DbSession
from o2o.errors import ERROR_RESPONSES
from o2o.stores import hours, service
from o2o.stores.models import LocationKind
from o2o.stores.schemas import (
    LocationCreate,
    LocationRead,
    LocationUpdate,
    MerchantCreate,
    MerchantRead,
    StoreRead,
)

router = APIRouter(prefix="/api/v1", tags=["stores"], responses=ERROR_RESPONSES)


@router.get("/merchants", response_model=list[MerchantRead])
def list_merchants(session: DbSession) -> object:
    """Every merchant on the network (public)."""
    return service.list_merchants(session)


@router.get("/merchants/{slug}", response_model=MerchantRead)
def get_merchant(slug: str, session: DbSession) -> object:
    return service.get_merchant(session, slug=slug)


@router.post("/merchants", response_model=MerchantRead, status_code=status.HTTP_201_CREATED)
def onboard_merchant(data: MerchantCreate, session: DbSession, actor: CurrentActor) -> object:
    """Add a merchant and its owner's account (network operator only)."""
    return service.onboard_merchant(session, actor=actor, data=data)


@router.get("/stores/{store_id}", response_model=StoreRead)
def get_store(store_id: int, session: DbSession) -> StoreRead:
    """A store as shoppers see it, with whether it is open right now (public)."""
    location, merchant = service.get_store(session, store_id=store_id)
    open_now = hours.is_open(service.intervals_of(location), datetime.now(UTC),
                             location.timezone)
    return StoreRead.model_validate(
        {**LocationRead.model_validate(location).model_dump(),
         "merchant": merchant, "open_now": open_now}
    )


@router.get("/locations", response_model=list[LocationRead])
def list_locations(
    session: DbSession, actor: CurrentActor, kind: LocationKind | None = None
) -> object:
    """The stores and warehouses of the signed-in staff member's merchant."""
    return service.list_locations(session, actor=actor, kind=kind)


@router.post("/locations", response_model=LocationRead, status_code=status.HTTP_201_CREATED)
def create_location(data: LocationCreate, session: DbSession, actor: CurrentActor) -> object:
    return service.create_location(session, actor=actor, data=data)


@router.get("/locations/{location_id}", response_model=LocationRead)
def get_location(location_id: int, session: DbSession, actor: CurrentActor) -> object:
    return service.get_location(session, actor=actor, location_id=location_id)


@router.patch("/locations/{location_id}", response_model=LocationRead)
def update_location(
    location_id: int, data: LocationUpdate, session: DbSession, actor: CurrentActor
) -> object:
    return service.update_location(session, actor=actor, location_id=location_id, data=data)
