from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from starlette.concurrency import run_in_threadpool

from o2o.auth.deps import CurrentActor
from o2o.deps import DbSession
from o2o.errors import ERROR_RESPONSES
from o2o.fields import Slug
from o2o.inventory import nearby
from o2o.inventory.nearby_schemas import NearbyStoreRead, NearbyStores
from o2o.inventory.schemas import MAX_UNITS
from o2o.stores import hours, service
from o2o.stores.models import LocationKind, StoreService
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


# Declared before /stores/{store_id}, which would otherwise take "nearby" for an id.
@router.get("/stores/nearby", response_model=NearbyStores)
async def nearby_stores(
    session: DbSession,
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)],
    lon: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)],
    radius_km: Annotated[float, Query(gt=0, le=50, allow_inf_nan=False)] = 5,
    variant_id: int | None = None,
    quantity: Annotated[int, Query(ge=1, le=MAX_UNITS)] = 1,
    open_now: bool = False,
    offers: Annotated[StoreService | None, Query(alias="service")] = None,
    merchant: Annotated[Slug | None, Query(description="A merchant's slug")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> NearbyStores:
    """Active stores within ``radius_km`` of a point, nearest first (public).

    With ``variant_id``, only stores whose online channel can sell ``quantity`` units of it
    now, with how many in ``available``.
    """
    # A hot public search: async so that its body, answer and session close make one trip
    # through the thread pool instead of three (its answer is plain data).
    found = await run_in_threadpool(
        nearby.find_nearby, session, lat=lat, lon=lon, radius_km=radius_km,
        variant_id=variant_id, quantity=quantity, open_now=open_now, service=offers,
        merchant_slug=merchant, limit=limit,
    )
    return NearbyStores(items=[NearbyStoreRead.of(store) for store in found])


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
