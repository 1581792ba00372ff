from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Header, Request, Response, status
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from o2o.auth.deps import CurrentActor
from o2o.db import Database
from o2o.deps import AppSettings, DbSession
from o2o.errors import ERROR_RESPONSES
from o2o.outbox import service as outbox
from o2o.payments import service, settlement, vietqr, webhooks
from o2o.payments.models import PaymentIntent
from o2o.payments.schemas import (
    CaptureIn,
    ChallengeAnswer,
    PaymentCreate,
    PaymentRead,
    RefundCreate,
    RefundRead,
    Settlement,
)

router = APIRouter(prefix="/api/v1", tags=["payments"], responses=ERROR_RESPONSES)

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key",
    description="Any unique string (a UUID): a retry with it returns the first answer and "
                "moves no money again.")]


def _read(session: Any, intent: PaymentIntent, settings: Any) -> PaymentRead:
    base = {name: getattr(intent, name) for name in PaymentRead.model_fields
            if hasattr(intent, name)}
    return PaymentRead.model_validate(base | service.extras(session, intent, settings))


@router.post("/orders/{order_id}/payments", response_model=PaymentRead,
             status_code=status.HTTP_201_CREATED)
def start_payment(order_id: int, data: PaymentCreate, session: DbSession, actor: CurrentActor,
                  settings: AppSettings, idempotency_key: IdempotencyKey = None) -> object:
    """Pay (part of) an order: VietQR returns its code, a wallet the page to send the shopper
    to, a challenged card its challenge; cash and approved cards are captured at once."""
    intent = service.start_payment(session, actor=actor, order_id=order_id, data=data,
                                   idempotency_key=idempotency_key, settings=settings)
    return _read(session, intent, settings)


@router.get("/orders/{order_id}/payments", response_model=list[PaymentRead])
def order_payments(order_id: int, session: DbSession, actor: CurrentActor,
                   settings: AppSettings) -> object:
    return [_read(session, intent, settings)
            for intent in service.payments_of(session, actor=actor, order_id=order_id)]


@router.get("/orders/{order_id}/refunds", response_model=list[RefundRead])
def order_refunds(order_id: int, session: DbSession, actor: CurrentActor) -> object:
    return service.refunds_of(session, actor=actor, order_id=order_id)


@router.get("/payments/{payment_id}", response_model=PaymentRead)
def get_payment(payment_id: int, session: DbSession, actor: CurrentActor,
                settings: AppSettings) -> object:
    return _read(session, service.load_intent(session, actor, payment_id), settings)


@router.get("/payments/{payment_id}/qr.png", response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
def payment_qr(payment_id: int, session: DbSession, actor: CurrentActor,
               settings: AppSettings) -> Response:
    """The VietQR code to scan with any Vietnamese bank app."""
    intent = service.load_intent(session, actor, payment_id)
    payload = service.extras(session, intent, settings).get("qr_payload")
    if payload is None:
        return Response(status_code=status.HTTP_404_NOT_FOUND)
    return Response(vietqr.qr_png(payload, scale=6), media_type="image/png",
                    headers={"Cache-Control": "private, max-age=900"})


@router.post("/payments/{payment_id}/challenge", response_model=PaymentRead)
def answer_challenge(payment_id: int, data: ChallengeAnswer, session: DbSession,
                     actor: CurrentActor, settings: AppSettings) -> object:
    intent = service.answer_challenge(session, actor=actor, intent_id=payment_id, otp=data.otp,
                                      settings=settings)
    return _read(session, intent, settings)


@router.post("/payments/{payment_id}/capture", response_model=PaymentRead)
def capture(payment_id: int, session: DbSession, actor: CurrentActor, settings: AppSettings,
            data: CaptureIn | None = None) -> object:
    intent = service.capture(session, actor=actor, intent_id=payment_id,
                             amount=data.amount if data else None, settings=settings)
    return _read(session, intent, settings)


@router.post("/payments/{payment_id}/cancel", response_model=PaymentRead)
def cancel(payment_id: int, session: DbSession, actor: CurrentActor,
           settings: AppSettings) -> object:
    intent = service.cancel(session, actor=actor, intent_id=payment_id, settings=settings)
    return _read(session, intent, settings)


@router.post("/payments/{payment_id}/refunds", response_model=RefundRead,
             status_code=status.HTTP_201_CREATED)
def refund(payment_id: int, data: RefundCreate, session: DbSession, actor: CurrentActor,
           settings: AppSettings, idempotency_key: IdempotencyKey = None) -> object:
    """Give money back to the method it came by; never more than was captured."""
    return service.refund(session, actor=actor, intent_id=payment_id, amount=data.amount,
                          reason=data.reason, settings=settings,
                          idempotency_key=idempotency_key)


@router.get("/payments/settlement/{day}", response_model=Settlement)
def daily_settlement(day: date, session: DbSession, actor: CurrentActor,
                     settings: AppSettings) -> object:
    """A day's takings per method from the ledger, and every mismatch to review."""
    return settlement.settlement(session, actor=actor, day=day, timezone=settings.timezone)


def deliver_now(db: Database) -> None:
    with db.session() as session:
        outbox.deliver_pending(session)


@router.post("/payments/webhooks/{provider}", status_code=status.HTTP_200_OK)
async def webhook(provider: str, request: Request, background: BackgroundTasks,
                  settings: AppSettings,
                  signature: Annotated[str | None, Header(alias="O2O-Signature")] = None,
                  ) -> dict[str, bool]:
    """A provider's notification, signed ``t=…,v1=<HMAC-SHA256 of "t.body">``. Answered as
    soon as it is stored; acted on right after. The same event twice changes nothing."""
    body = await request.body()
    db: Database = request.app.state.db

    def store() -> bool:
        with db.session() as session:
            return webhooks.receive(session, provider=provider, body=body, signature=signature,
                                    settings=settings)

    new = await run_in_threadpool(store)
    background.add_task(deliver_now, db)
    return {"received": True, "duplicate": not new}


@router.get("/payments/wallet/return", include_in_schema=False)
def wallet_return(request: Request, session: DbSession, settings: AppSettings,
                  background: BackgroundTasks) -> RedirectResponse:
    """The shopper back from the wallet: verified, then sent to their order's page."""
    intent_id = webhooks.wallet_return(session, params=dict(request.query_params),
                                       settings=settings)
    background.add_task(deliver_now, request.app.state.db)
    order_id = session.get(PaymentIntent, intent_id).order_id  # type: ignore[union-attr]
    return RedirectResponse(f"/shop/orders/{order_id}?payment={intent_id}", status_code=303)
