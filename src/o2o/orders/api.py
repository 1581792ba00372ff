import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from o2o.auth.deps import CurrentActor
from o2o.auth.permissions import Actor
from o2o.db import Database
from o2o.deps import AppSettings, DbSession, get_database
from o2o.errors import ERROR_RESPONSES
from o2o.orders import checkout, codes, returns, service, slots
from o2o.orders.fulfilment import FulfilmentType, OrderStatus
from o2o.orders.models import Order, SalesChannel
from o2o.orders.schemas import (
    CheckoutComplete,
    CheckoutCreate,
    CheckoutRead,
    HandoverIn,
    OrderRead,
    OrderSummary,
    ReturnCreate,
    ReturnRead,
    SlotRead,
    TransitionIn,
    TryOutcomeIn,
)
from o2o.schemas import Page
from o2o.stores import service as stores_service

router = APIRouter(prefix="/api/v1", tags=["orders"], responses=ERROR_RESPONSES)

M = TypeVar("M", bound=BaseModel)

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key",
    description="Any unique string (a UUID): a retry with it returns the first answer.")]


def _read(model: type[M], obj: object, **extra: Any) -> M:
    return model.model_validate(
        {name: extra[name] if name in extra else getattr(obj, name)
         for name in model.model_fields})


def order_read(order: Order, actor: Actor) -> OrderRead:
    return _read(OrderRead, order, next=service.next_moves(actor, order))


def checkout_read(priced: checkout.PricedCheckout) -> CheckoutRead:
    c, p = priced.checkout, priced.priced
    return _read(CheckoutRead, c, lines=[_read_line(line) for line in p.lines],
                 subtotal=p.subtotal, discount=p.discount, delivery_fee=p.delivery_fee,
                 total=p.total, order_id=priced.order_id, status=str(c.status),
                 redemptions=p.redemptions)


def _read_line(line: object) -> dict[str, Any]:
    fields = ("variant_id", "sku", "name", "unit_price", "quantity", "discount", "total",
              "source_location_id", "adjustments")
    return {name: getattr(line, name) for name in fields}


@router.post("/checkouts", response_model=CheckoutRead, status_code=status.HTTP_201_CREATED)
def create_checkout(data: CheckoutCreate, session: DbSession, actor: CurrentActor,
                    settings: AppSettings) -> object:
    """Price a cart for a fulfilment choice. Nothing is held until it completes."""
    return checkout_read(checkout.create_checkout(session, actor=actor, data=data,
                                                  settings=settings))


@router.get("/checkouts/{checkout_id}", response_model=CheckoutRead)
def get_checkout(checkout_id: int, session: DbSession, actor: CurrentActor,
                 settings: AppSettings) -> object:
    return checkout_read(checkout.get_checkout(session, actor=actor, checkout_id=checkout_id,
                                               settings=settings))


@router.put("/checkouts/{checkout_id}", response_model=CheckoutRead)
def update_checkout(checkout_id: int, data: CheckoutCreate, session: DbSession,
                    actor: CurrentActor, settings: AppSettings) -> object:
    return checkout_read(checkout.update_checkout(session, actor=actor, checkout_id=checkout_id,
                                                  data=data, settings=settings))


@router.post("/checkouts/{checkout_id}/complete", response_model=OrderRead,
             status_code=status.HTTP_201_CREATED)
def complete_checkout(checkout_id: int, session: DbSession, actor: CurrentActor,
                      settings: AppSettings, idempotency_key: IdempotencyKey = None,
                      data: CheckoutComplete | None = None) -> object:
    """Place the order: prices taken now, stock held, slot booked, in one step. 409
    ``insufficient_stock`` names the short lines, ``price_changed`` a total other than
    ``expected_total``; nothing is then held or written."""
    order = checkout.complete_checkout(
        session, actor=actor, checkout_id=checkout_id, idempotency_key=idempotency_key,
        settings=settings, expected_total=data.expected_total if data else None)
    return order_read(order, actor)


@router.get("/orders", response_model=Page[OrderSummary])
def list_orders(
    session: DbSession, actor: CurrentActor,
    order_status: Annotated[list[OrderStatus], Query(alias="status")] = [],  # noqa: B006
    fulfilment: Annotated[list[FulfilmentType], Query()] = [],  # noqa: B006
    store_id: int | None = None, channel: SalesChannel | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> object:
    """Newest first: a shopper's own, or the merchant's (a store's staff: their stores')."""
    rows, total = service.list_orders(
        session, actor=actor, status=order_status, fulfilment=fulfilment, store_id=store_id,
        channel=channel, limit=limit, offset=offset)
    return {"items": [_read(OrderSummary, row) for row in rows], "total": total,
            "limit": limit, "offset": offset}


@router.get("/orders/{order_id}", response_model=OrderRead)
def get_order(order_id: int, session: DbSession, actor: CurrentActor) -> object:
    return order_read(service.get_order(session, actor=actor, order_id=order_id), actor)


@router.post("/orders/{order_id}/transitions", response_model=OrderRead)
def transition(order_id: int, data: TransitionIn, session: DbSession, actor: CurrentActor,
               settings: AppSettings) -> object:
    """Move the order along its fulfilment's steps (``next`` lists the moves you may make)."""
    order = service.transition(session, actor=actor, order_id=order_id, to=data.to,
                               note=data.note, settings=settings)
    return order_read(order, actor)


@router.post("/orders/{order_id}/try-outcome", response_model=OrderRead)
def try_outcome(order_id: int, data: TryOutcomeIn, session: DbSession,
                actor: CurrentActor) -> object:
    """What a reserve-and-try customer bought; the rest goes back on the shelf."""
    order = service.try_outcome(session, actor=actor, order_id=order_id,
                                bought={line.line_id: line.quantity for line in data.bought})
    return order_read(order, actor)


@router.post("/pickups/handover", response_model=OrderRead)
def handover(data: HandoverIn, session: DbSession, actor: CurrentActor) -> object:
    """Hand over the ready order with this pickup code (typed, or scanned from its QR)."""
    order = service.handover(session, actor=actor, store_id=data.store_id, code=data.code)
    return order_read(order, actor)


@router.get("/orders/{order_id}/pickup-qr.svg", response_class=Response,
            responses={200: {"content": {"image/svg+xml": {}}}})
def pickup_qr(order_id: int, session: DbSession, actor: CurrentActor) -> Response:
    order = service.get_order(session, actor=actor, order_id=order_id)
    if order.pickup_code is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return Response(codes.qr_svg(order.pickup_code), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


@router.post("/orders/{order_id}/returns", response_model=ReturnRead,
             status_code=status.HTTP_201_CREATED)
def create_return(order_id: int, data: ReturnCreate, session: DbSession, actor: CurrentActor,
                  settings: AppSettings) -> object:
    """Take goods of any order back at this store; the refund is asked of payments."""
    return returns.create_return(session, actor=actor, order_id=order_id, data=data,
                                 settings=settings)


@router.get("/orders/{order_id}/returns", response_model=list[ReturnRead])
def list_returns(order_id: int, session: DbSession, actor: CurrentActor) -> object:
    return returns.list_returns(session, actor=actor, order_id=order_id)


@router.get("/stores/{store_id}/slots", response_model=list[SlotRead], tags=["stores"])
def store_slots(store_id: int, session: DbSession, settings: AppSettings) -> object:
    """The next order-ahead slots of a store with places left."""
    store, _ = stores_service.get_store(session, store_id=store_id)
    return [{"start": start, "end": end, "left": left}
            for start, end, left in slots.upcoming(session, store=store, settings=settings)]


#: How often a status stream looks for news, and how long one stream lasts (the browser's
#: EventSource reconnects by itself, resuming after the last event it got).
POLL_SECONDS = 1.0
STREAM_SECONDS = 300.0


@router.get("/orders/{order_id}/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})
async def order_events(order_id: int, request: Request, actor: CurrentActor,
                       db: Annotated[Database, Depends(get_database)],
                       last_event_id: Annotated[int, Header(alias="Last-Event-ID")] = 0,
                       ) -> StreamingResponse:
    """Server-sent events: one ``status`` event per move of the order, from the start (or
    after ``Last-Event-ID``); the stream ends when the order can move no more."""
    await run_in_threadpool(_news, db, actor, order_id, 0)  # 404 before the stream starts

    async def stream() -> AsyncIterator[str]:
        after = last_event_id
        loop = asyncio.get_running_loop()
        ends = loop.time() + STREAM_SECONDS
        while loop.time() < ends and not await request.is_disconnected():
            events, still_open = await run_in_threadpool(_news, db, actor, order_id, after)
            for event in events:
                after = event["id"]
                yield f"id: {after}\nevent: status\ndata: {json.dumps(event)}\n\n"
            if not still_open:
                return
            await asyncio.sleep(POLL_SECONDS)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _news(db: Database, actor: Actor, order_id: int,
          after: int) -> tuple[list[dict[str, Any]], bool]:
    with db.session() as session:
        events, still_open = service.events_after(session, actor=actor, order_id=order_id,
                                                  after_id=after)
        return [{"id": e.id, "status": str(e.status), "from": e.from_status and str(e.from_status),
                 "at": e.created_at.isoformat(), "note": e.note} for e in events], still_open
