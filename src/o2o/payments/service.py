"""Payment intents: start one for an order by a method, move it with its provider, refund it.

Money columns change only by conditional updates (captured ≤ amount, refunded ≤ captured,
an order's paid ≤ its total), so concurrent captures or refunds of one intent cannot take
more than there is; every step is appended to the payments ledger and announced through
the outbox (``payment.captured``, ``order.paid``…).
"""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from o2o.auth.models import Role
from o2o.auth.permissions import Actor, can_work_at, manager_merchant
from o2o.config import Settings
from o2o.db import transaction
from o2o.errors import NotFound, PermissionDenied
from o2o.idempotency import service as idempotency
from o2o.orders import service as orders_service
from o2o.orders.fulfilment import RELEASING
from o2o.orders.models import Order
from o2o.orm import utcnow
from o2o.outbox import service as outbox
from o2o.payments import cash, instalments, vietqr
from o2o.payments.errors import (
    AmountExceedsOutstanding,
    MethodUnavailable,
    OrderNotPayable,
    PaymentDetailsMissing,
    PaymentStatusConflict,
    RefundExceedsCaptured,
)
from o2o.payments.models import (
    Method,
    PaymentAccount,
    PaymentEvent,
    PaymentIntent,
    PaymentStatus,
    Refund,
)
from o2o.payments.providers import Provider, Step, load
from o2o.payments.schemas import PaymentCreate

P = PaymentStatus

#: Methods a shopper uses alone online; cash needs a cashier.
ONLINE_METHODS = frozenset({Method.VIETQR, Method.CARD, Method.WALLET, Method.INSTALMENT})
#: How long a shopper has to scan and pay, or to come back from the wallet.
PENDING_TTL = timedelta(minutes=15)

_providers: dict[str, dict[Method, Provider]] = {}


def provider_of(method: Method, settings: Settings) -> Provider:
    key = repr(sorted(settings.payment_providers.items()))
    if key not in _providers:
        _providers[key] = load(settings.payment_providers)
    return _providers[key][method]


def _new_reference() -> str:
    """``O2O`` and 10 letters or digits: survives a bank's transfer content untouched."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "O2O" + "".join(secrets.choice(alphabet) for _ in range(10))


def load_intent(session: Session, actor: Actor, intent_id: int) -> PaymentIntent:
    intent = session.get(PaymentIntent, intent_id)
    if intent is None:
        raise NotFound("Payment not found.", payment_id=intent_id)
    orders_service.load_visible(session, actor, intent.order_id)  # same rules as its order
    return intent


def _staff_at(actor: Actor, order: Order) -> bool:
    return actor.is_staff and (order.store_id is None or can_work_at(actor, order.store_id))


def start_payment(session: Session, *, actor: Actor, order_id: int, data: PaymentCreate,
                  idempotency_key: str | None, settings: Settings) -> PaymentIntent:
    """A payment intent for (part of) what the order owes. Retried with the same
    Idempotency-Key, it returns the first intent and charges nothing again."""
    request = data.model_dump(mode="json", exclude={"card_number"})
    fingerprint = hashlib.sha256(repr(sorted(request.items())).encode()).hexdigest()[:32]
    return idempotency.once(
        session, user_id=actor.user_id, key=idempotency_key,
        operation=f"payment.create:{order_id}:{fingerprint}",
        make=lambda: _start(session, actor, order_id, data, settings),
        ref=lambda intent: f"payment:{intent.id}",
        load=lambda ref: load_intent(session, actor, int(ref.split(":")[1])),
    )


def _start(session: Session, actor: Actor, order_id: int, data: PaymentCreate,
           settings: Settings) -> PaymentIntent:
    order = orders_service.load_visible(session, actor, order_id)
    if actor.role is Role.CUSTOMER:
        if data.method not in ONLINE_METHODS:
            raise MethodUnavailable("Cash is paid at the counter.", method=data.method)
    elif not _staff_at(actor, order):
        raise PermissionDenied("Staff of the store handling the order take its payments.")
    if order.status in RELEASING:
        raise OrderNotPayable(f"The order is {order.status}.", status=str(order.status))
    outstanding = order.total - order.paid
    if outstanding <= 0:
        raise OrderNotPayable("The order is paid in full.", paid=order.paid)
    amount = data.amount or outstanding
    if amount > outstanding:
        raise AmountExceedsOutstanding(f"The order owes {outstanding} đồng.",
                                       outstanding=outstanding)
    intent = PaymentIntent(
        merchant_id=order.merchant_id, order_id=order.id, method=data.method,
        status=P.PENDING, amount=amount, reference=_new_reference(),
        created_by=actor.user_id, location_id=order.store_id if actor.is_staff else None)
    request: dict[str, Any] = {}
    if data.method in (Method.CARD, Method.INSTALMENT):
        if data.card_number is None:
            raise PaymentDetailsMissing("Enter the card number.", field="card_number")
        request["card_number"] = data.card_number
    if data.method is Method.INSTALMENT:
        if data.months is None:
            raise PaymentDetailsMissing("Choose a plan length.", field="months")
        plan = instalments.schedule(amount, months=data.months, first_due=_next_month(),
                                    minimum=settings.instalment_minimum)
        intent.instalment_months, intent.merchant_fee = data.months, plan.merchant_fee
    if data.method is Method.CASH:
        if data.tendered is None:
            raise PaymentDetailsMissing("Enter what the customer handed over.", field="tendered")
        cash.change(amount, data.tendered)
        intent.tendered = data.tendered
    if data.method is Method.VIETQR and session.get(PaymentAccount, order.merchant_id) is None:
        raise MethodUnavailable("This shop takes no bank transfers yet.", method=data.method)
    if data.method in (Method.VIETQR, Method.WALLET):
        intent.expires_at = utcnow() + PENDING_TTL
    session.add(intent)
    session.flush()
    _ledger(session, intent, "created", intent.amount, provider="o2o")
    provider = provider_of(data.method, settings)
    step = provider.start(intent, request)
    _apply(session, intent, step, provider)
    if step.status is P.CAPTURED:
        _take(session, intent, step.amount)
    elif step.status is P.AUTHORIZED and data.capture:
        _capture(session, intent, intent.amount, provider)
    session.flush()
    return intent


def _next_month() -> date:
    return instalments.add_months(utcnow().date(), 1)


def _ledger(session: Session, intent: PaymentIntent, kind: str, amount: int, *,
            provider: str, reason: str | None = None, event_id: str | None = None,
            payload: dict[str, Any] | None = None) -> PaymentEvent:
    event = PaymentEvent(intent_id=intent.id, merchant_id=intent.merchant_id, provider=provider,
                         provider_event_id=event_id, kind=kind, amount=amount, reason=reason,
                         payload=payload or {})
    session.add(event)
    return event


def _apply(session: Session, intent: PaymentIntent, step: Step, provider: Provider) -> None:
    """Record what the provider said; money columns move only in ``_take``."""
    for column, value in step.changes.items():
        setattr(intent, column, value)
    if step.provider_ref:
        intent.provider_ref = step.provider_ref
    if step.kind not in ("created", "captured", "refunded"):
        _ledger(session, intent, step.kind, step.amount, provider=provider.name,
                reason=step.reason)
    if step.status is not P.CAPTURED:
        intent.status = step.status
    intent.updated_at = utcnow()


def _take(session: Session, intent: PaymentIntent, amount: int, *,
          provider: str | None = None, event_id: str | None = None) -> None:
    """The money is the merchant's: the intent's captured and the order's paid grow, or,
    when a concurrent capture got there first, nothing does."""
    taken = session.execute(
        update(PaymentIntent)
        .where(PaymentIntent.id == intent.id,
               PaymentIntent.status.in_([P.PENDING, P.AUTHORIZED, P.EXPIRED]),
               PaymentIntent.captured + amount <= PaymentIntent.amount)
        .values(captured=PaymentIntent.captured + amount, status=P.CAPTURED,
                updated_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if not taken:
        session.refresh(intent)
        raise PaymentStatusConflict(f"The payment is {intent.status} already.",
                                    status=str(intent.status))
    if not orders_service.add_payment(session, order_id=intent.order_id, amount=amount):
        raise OrderNotPayable("The order is already paid in full.", order_id=intent.order_id)
    session.refresh(intent)
    _ledger(session, intent, "captured", amount, provider=provider or intent.method.value,
            event_id=event_id)
    outbox.emit(session, topic="payment.captured", subject=f"payment:{intent.id}",
                merchant_id=intent.merchant_id, order_id=intent.order_id, amount=amount,
                method=intent.method.value)
    order = session.get(Order, intent.order_id)
    if order is not None and order.paid == order.total:
        outbox.emit(session, topic="order.paid", subject=f"order:{order.id}",
                    merchant_id=order.merchant_id, total=order.total)


def _capture(session: Session, intent: PaymentIntent, amount: int, provider: Provider) -> None:
    step = provider.capture(intent, amount)
    _apply(session, intent, step, provider)
    _take(session, intent, step.amount, provider=provider.name)


def answer_challenge(session: Session, *, actor: Actor, intent_id: int, otp: str,
                     settings: Settings) -> PaymentIntent:
    """The shopper's one-time password for a card the issuer challenged; approved, the money
    is captured at once."""
    with transaction(session):
        intent = load_intent(session, actor, intent_id)
        provider = provider_of(intent.method, settings)
        step = provider.answer_challenge(intent, otp)
        claimed = session.execute(
            update(PaymentIntent).where(PaymentIntent.id == intent.id,
                                        PaymentIntent.status == P.CHALLENGE_REQUIRED)
            .values(updated_at=utcnow())).rowcount  # type: ignore[attr-defined]
        if not claimed:
            raise PaymentStatusConflict("The payment no longer waits for a password.")
        _apply(session, intent, step, provider)
        if step.status is P.AUTHORIZED:
            _capture(session, intent, intent.amount, provider)
    return intent


def capture(session: Session, *, actor: Actor, intent_id: int, amount: int | None,
            settings: Settings) -> PaymentIntent:
    """Take a held card payment (staff, e.g. at handover); at most once."""
    with transaction(session):
        intent = load_intent(session, actor, intent_id)
        order = orders_service.load_visible(session, actor, intent.order_id)
        if not _staff_at(actor, order):
            raise PermissionDenied("Staff capture held payments.")
        _capture(session, intent, amount or intent.amount, provider_of(intent.method, settings))
    return intent


def cancel(session: Session, *, actor: Actor, intent_id: int,
           settings: Settings) -> PaymentIntent:
    """Void a hold or abandon a pending payment; captured money comes back only by refund."""
    with transaction(session):
        intent = load_intent(session, actor, intent_id)
        provider = provider_of(intent.method, settings)
        step = provider.void(intent)
        moved = session.execute(
            update(PaymentIntent).where(PaymentIntent.id == intent.id,
                                        PaymentIntent.status == intent.status)
            .values(status=P.CANCELLED, updated_at=utcnow())).rowcount  # type: ignore[attr-defined]
        if not moved:
            raise PaymentStatusConflict("The payment changed meanwhile; look again.")
        _apply(session, intent, step, provider)
        intent.status = P.CANCELLED
    return intent


def refund(session: Session, *, actor: Actor | None, intent_id: int, amount: int,
           settings: Settings, return_id: int | None = None, reason: str = "",
           idempotency_key: str | None = None) -> Refund:
    """Give ``amount`` back to the method it was paid by (cash from the till for cash).
    Refunds of an intent never add up to more than it captured, however many race."""
    def make() -> Refund:
        intent = (session.get(PaymentIntent, intent_id) if actor is None
                  else load_intent(session, actor, intent_id))
        if intent is None:
            raise NotFound("Payment not found.", payment_id=intent_id)
        if actor is not None:
            order = orders_service.load_visible_to_merchant(session, actor, intent.order_id)
            if not actor.is_staff or actor.merchant_id != order.merchant_id:
                raise PermissionDenied("Staff give refunds.")
        return _refund(session, intent, amount, settings, return_id, reason,
                       actor.user_id if actor else None)

    if actor is None:
        with transaction(session):
            return make()
    return idempotency.once(
        session, user_id=actor.user_id, key=idempotency_key,
        operation=f"refund.create:{intent_id}:{amount}", make=make,
        ref=lambda made: f"refund:{made.id}",
        load=lambda ref: _load_refund(session, int(ref.split(":")[1])))


def _load_refund(session: Session, refund_id: int) -> Refund:
    found = session.get(Refund, refund_id)
    assert found is not None
    return found


def _refund(session: Session, intent: PaymentIntent, amount: int, settings: Settings,
            return_id: int | None, reason: str, user_id: int | None) -> Refund:
    reserved = session.execute(
        update(PaymentIntent)
        .where(PaymentIntent.id == intent.id, PaymentIntent.status == P.CAPTURED,
               PaymentIntent.refunded + amount <= PaymentIntent.captured)
        .values(refunded=PaymentIntent.refunded + amount, updated_at=utcnow())
        .execution_options(synchronize_session=False)  # the provider sees it as read
    ).rowcount  # type: ignore[attr-defined]
    if not reserved:
        session.refresh(intent)
        raise RefundExceedsCaptured(
            f"Only {intent.captured - intent.refunded} đồng of this payment can be refunded.",
            refundable=intent.captured - intent.refunded, requested=amount)
    # The provider sees the payment as it was read; the update above already made sure the
    # refund fits, whatever ran meanwhile.
    provider = provider_of(intent.method, settings)
    step = provider.refund(intent, amount)
    session.refresh(intent)
    _ledger(session, intent, "refunded", step.amount, provider=provider.name, reason=reason)
    made = Refund(intent_id=intent.id, merchant_id=intent.merchant_id, order_id=intent.order_id,
                  return_id=return_id, amount=amount, method=intent.method, created_by=user_id)
    session.add(made)
    session.flush()
    outbox.emit(session, topic="payment.refunded", subject=f"payment:{intent.id}",
                merchant_id=intent.merchant_id, order_id=intent.order_id, amount=amount,
                refund_id=made.id, method=intent.method.value)
    return made


def payments_of(session: Session, *, actor: Actor, order_id: int) -> list[PaymentIntent]:
    order = orders_service.load_visible_to_merchant(session, actor, order_id) \
        if actor.is_staff else orders_service.load_visible(session, actor, order_id)
    return list(session.scalars(select(PaymentIntent).where(PaymentIntent.order_id == order.id)
                                .order_by(PaymentIntent.id)))


def refunds_of(session: Session, *, actor: Actor, order_id: int) -> list[Refund]:
    payments_of(session, actor=actor, order_id=order_id)
    return list(session.scalars(select(Refund).where(Refund.order_id == order_id)
                                .order_by(Refund.id)))


def refund_return(session: Session, *, order_id: int, return_id: int, amount: int,
                  settings: Settings) -> list[Refund]:
    """Pay a return back to the order's captured payments, newest first (caller's
    transaction; the ``order.returned`` handler)."""
    intents: Sequence[PaymentIntent] = session.scalars(
        select(PaymentIntent).where(PaymentIntent.order_id == order_id,
                                    PaymentIntent.status == P.CAPTURED)
        .order_by(PaymentIntent.id.desc())).all()
    made = []
    for intent in intents:
        if amount <= 0:
            break
        part = min(amount, intent.captured - intent.refunded)
        if part > 0:
            made.append(_refund(session, intent, part, settings, return_id, "return", None))
            amount -= part
    return made


def expire_due(session: Session) -> int:
    """Pending payments nobody completed in time (scan, wallet) expire; returns how many."""
    expired = 0
    with transaction(session):
        due = session.scalars(
            select(PaymentIntent).where(PaymentIntent.status == P.PENDING,
                                        PaymentIntent.expires_at <= utcnow())
            .limit(500)).all()
        for intent in due:
            moved = session.execute(
                update(PaymentIntent).where(PaymentIntent.id == intent.id,
                                            PaymentIntent.status == P.PENDING)
                .values(status=P.EXPIRED, updated_at=utcnow())).rowcount  # type: ignore[attr-defined]
            if moved:
                _ledger(session, intent, "expired", 0, provider="o2o")
                expired += 1
        return expired


def extras(session: Session, intent: PaymentIntent, settings: Settings) -> dict[str, Any]:
    """What the shopper needs to finish a payment: the VietQR payload, the wallet's page,
    the instalment schedule."""
    found: dict[str, Any] = {}
    if intent.method is Method.VIETQR:
        account = session.get(PaymentAccount, intent.merchant_id)
        if account is not None:
            found["qr_payload"] = vietqr.build_payload(
                bank_bin=account.bank_bin, account=account.account_number, amount=intent.amount,
                reference=intent.reference, purpose=f"Don hang {intent.order_id}",
                merchant_name=account.account_name)
            found["qr_image_url"] = f"/api/v1/payments/{intent.id}/qr.png"
    elif intent.method is Method.WALLET and intent.status is P.PENDING:
        found["redirect_url"] = f"/sandbox/wallet/{intent.provider_ref}"
    elif intent.method is Method.INSTALMENT and intent.instalment_months:
        plan = instalments.schedule(intent.amount, months=intent.instalment_months,
                                    first_due=instalments.add_months(intent.created_at.date(), 1),
                                    minimum=1)
        found["schedule"] = [{"number": i.number, "due": i.due, "amount": i.amount}
                             for i in plan.instalments]
    return found


def set_account(session: Session, *, actor: Actor, bank_bin: str, account_number: str,
                account_name: str) -> PaymentAccount:
    """The bank account the merchant's VietQR codes pay into (owner or manager)."""
    with transaction(session):
        merchant_id = manager_merchant(actor)
        vietqr.build_payload(bank_bin=bank_bin, account=account_number, amount=1,
                             reference="CHECK")  # refuses what a bank app could not read
        account = session.get(PaymentAccount, merchant_id) or PaymentAccount(
            merchant_id=merchant_id)
        account.bank_bin, account.account_number = bank_bin, account_number
        account.account_name = account_name
        session.add(account)
    return account


