from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from o2o.auth.deps import CurrentActor
from o2o.deps import DbSession
from o2o.errors import ERROR_RESPONSES
from o2o.inventory import counts, nearby, service, transfers
from o2o.inventory.errors import CountFileType
from o2o.inventory.models import MovementKind, ReservationPurpose, TransferStatus
from o2o.inventory.nearby_schemas import VariantAvailabilityRead
from o2o.inventory.schemas import (
    CountPreview,
    CountRead,
    MovementRead,
    OnlineBufferSet,
    ReservationCreate,
    ReservationRead,
    StockAdjustment,
    StockLevelRead,
    StockSet,
    TransferCreate,
    TransferRead,
)

router = APIRouter(prefix="/api/v1", tags=["inventory"], responses=ERROR_RESPONSES)

_LEVEL = "/locations/{location_id}/stock/{variant_id}"


@router.post("/reservations", response_model=ReservationRead,
             status_code=status.HTTP_201_CREATED)
async def reserve(data: ReservationCreate, session: DbSession, actor: CurrentActor) -> object:
    """Hold units until ``ttl_seconds`` pass; 409 ``insufficient_stock`` when too few are left."""
    # The hottest route, first of the router since FastAPI tries routes in order; async so
    # that FastAPI makes one trip through the thread pool (the service, which blocks on the
    # database) instead of two (a sync route's answer is also validated there, in case it
    # loads ORM attributes; ``Held`` is plain data).
    purpose = data.purpose or (
        ReservationPurpose.STAFF_HOLD if actor.is_staff else ReservationPurpose.CART
    )
    hold = service.Hold(location_id=data.location_id, variant_id=data.variant_id,
                        quantity=data.quantity)
    [reservation] = await run_in_threadpool(
        service.reserve_lines, session, actor=actor, holds=[hold],
        ttl=timedelta(seconds=data.ttl_seconds), purpose=purpose,
    )
    return reservation


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


@router.delete("/reservations/{reservation_id}", response_model=ReservationRead)
def release(reservation_id: int, session: DbSession, actor: CurrentActor) -> object:
    """Give the held units back."""
    return service.release(session, actor=actor, reservation_id=reservation_id)


@router.get("/variants/{variant_id}/availability", response_model=VariantAvailabilityRead)
def variant_availability(variant_id: int, session: DbSession) -> object:
    """Where the online channel can sell this variant now, store by store (public)."""
    return nearby.variant_availability(session, variant_id=variant_id)


@router.put(_LEVEL + "/online-buffer", response_model=StockLevelRead)
def set_online_buffer(location_id: int, variant_id: int, data: OnlineBufferSet,
                      session: DbSession, actor: CurrentActor) -> object:
    """Keep units for walk-in customers: shoppers online can hold only what lies above."""
    return service.set_online_buffer(session, actor=actor, location_id=location_id,
                                     variant_id=variant_id, online_buffer=data.online_buffer)


@router.post("/transfers", response_model=TransferRead, status_code=status.HTTP_201_CREATED)
def create_transfer(data: TransferCreate, session: DbSession, actor: CurrentActor) -> object:
    """Send units to another location; they leave the source's shelf now."""
    return transfers.create_transfer(session, actor=actor, data=data)


@router.get("/transfers", response_model=list[TransferRead])
def list_transfers(session: DbSession, actor: CurrentActor,
                   transfer_status: Annotated[TransferStatus | None, Query(alias="status")] = None,
                   location_id: int | None = None,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50,
                   before_id: int | None = None) -> object:
    """Transfers from or to the stores you work at, newest first (``before_id`` pages back)."""
    return transfers.list_transfers(session, actor=actor, status=transfer_status,
                                    location_id=location_id, limit=limit, before_id=before_id)


@router.get("/transfers/{transfer_id}", response_model=TransferRead)
def get_transfer(transfer_id: int, session: DbSession, actor: CurrentActor) -> object:
    return transfers.get_transfer(session, actor=actor, transfer_id=transfer_id)


@router.post("/transfers/{transfer_id}/receive", response_model=TransferRead)
def receive_transfer(transfer_id: int, session: DbSession, actor: CurrentActor) -> object:
    """The units are on the destination's shelf; a second receipt is 409 ``transfer_closed``."""
    return transfers.receive_transfer(session, actor=actor, transfer_id=transfer_id)


@router.post("/transfers/{transfer_id}/cancel", response_model=TransferRead)
def cancel_transfer(transfer_id: int, session: DbSession, actor: CurrentActor) -> object:
    """Call a transfer back before it is received; the units return to the source."""
    return transfers.cancel_transfer(session, actor=actor, transfer_id=transfer_id)


async def _count_file(request: Request) -> bytes:
    """The CSV of a count: a ``text/csv`` body or the ``file`` field of a multipart form."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=5) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise CountFileType("Send the CSV as the 'file' field of the form.")
            return await upload.read(counts.MAX_BYTES + 1)
    if media_type in ("text/csv", "text/plain", "application/csv"):
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > counts.MAX_BYTES:
                break
        return bytes(body)
    raise CountFileType("Send the count as text/csv or as a multipart form with a 'file'.",
                        content_type=media_type)


CountFile = Annotated[bytes, Depends(_count_file)]
_CSV_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}, "example": "sku;counted\nAT-DO-M;12\n"},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}},
}}}


@router.post("/locations/{location_id}/counts/preview", response_model=CountPreview,
             openapi_extra=_CSV_BODY)
def preview_count(location_id: int, raw: CountFile, session: DbSession,
                  actor: CurrentActor) -> object:
    """What a count file would change (expected, counted, difference per line) and the
    errors of its rows; nothing is written. Columns: ``sku`` or ``barcode``, ``counted``."""
    return counts.preview_count(session, actor=actor, location_id=location_id, raw=raw)


@router.post("/locations/{location_id}/counts", response_model=CountRead,
             status_code=status.HTTP_201_CREATED, openapi_extra=_CSV_BODY)
def apply_count(location_id: int, raw: CountFile, session: DbSession,
                actor: CurrentActor) -> object:
    """Apply a count file whole: 422 ``count_file_invalid`` listing every wrong row, or 409
    when a line is counted below what reservations hold; then nothing is written."""
    return counts.apply_count(session, actor=actor, location_id=location_id, raw=raw)
