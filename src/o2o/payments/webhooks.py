"""Provider notifications: verified, stored once, answered at once, acted on after.

The endpoint checks the HMAC signature and its timestamp, appends the notification to the
payments ledger (a provider's event id is stored once: a duplicate changes nothing) and
queues a ``payment.notified`` outbox event; the work (capture, or a flag for a person) runs
when the outbox delivers it, right after the answer. A notification that arrives out of
order (a wallet's "failed" after its "succeeded", money after the intent expired) never
undoes a capture and never marks anything paid that does not match: it is flagged.
"""

import json
import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from o2o.config import Settings
from o2o.db import transaction
from o2o.orders.fulfilment import RELEASING
from o2o.orders.models import Order
from o2o.orm import utcnow
from o2o.outbox import service as outbox
from o2o.outbox.models import OutboxEvent
from o2o.payments import signing
from o2o.payments.errors import NotificationInvalid, OrderNotPayable, PaymentStatusConflict
from o2o.payments.models import PaymentAccount, PaymentEvent, PaymentIntent, PaymentStatus
from o2o.payments.schemas import VietQRNotification, WalletNotification
from o2o.payments.service import _ledger, _take

P = PaymentStatus
PROVIDERS: dict[str, type[VietQRNotification] | type[WalletNotification]] = {
    "vietqr": VietQRNotification, "wallet": WalletNotification}
_REFERENCE = re.compile(r"O2O[A-Z0-9]{10}")


def receive(session: Session, *, provider: str, body: bytes, signature: str | None,
            settings: Settings) -> bool:
    """Store a signed notification once; returns False for a duplicate (already stored)."""
    schema = PROVIDERS.get(provider)
    if schema is None:
        raise NotificationInvalid("Unknown payment provider.", provider=provider)
    signing.verify_webhook(body, signature, secret=settings.payment_webhook_secret,
                           now=utcnow())
    try:
        note = schema.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:
        raise NotificationInvalid("The notification is not what this provider sends.",
                                  provider=provider) from exc
    return _store(session, provider, note)


def _store(session: Session, provider: str,
           note: VietQRNotification | WalletNotification) -> bool:
    with transaction(session):
        intent = _match(session, note)
        merchant_id = intent.merchant_id if intent else _account_holder(session, note)
        new_row = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
                   else sqlite.insert)
        stored = session.execute(
            new_row(PaymentEvent).on_conflict_do_nothing().returning(PaymentEvent.id), {
                "intent_id": intent.id if intent else None,
                "merchant_id": merchant_id,
                "provider": provider, "provider_event_id": note.event_id, "kind": "notified",
                "amount": note.amount, "payload": note.model_dump(mode="json"),
                "created_at": utcnow()}
        ).scalar()
        if stored is None:
            return False
        outbox.emit(session, topic="payment.notified", subject=f"payment_event:{stored}",
                    merchant_id=merchant_id, provider=provider)
    return True


def _account_holder(session: Session,
                    note: VietQRNotification | WalletNotification) -> int | None:
    """The merchant whose bank account a transfer matching no payment landed in: it is
    that merchant's mismatch to review."""
    if not isinstance(note, VietQRNotification) or not note.account:
        return None
    holders = session.scalars(select(PaymentAccount.merchant_id).where(
        PaymentAccount.account_number == note.account).limit(2)).all()
    return holders[0] if len(holders) == 1 else None


def _match(session: Session,
           note: VietQRNotification | WalletNotification) -> PaymentIntent | None:
    if isinstance(note, WalletNotification):
        return session.scalar(select(PaymentIntent).where(
            PaymentIntent.provider_ref == note.payment_ref))
    # Banks keep our reference somewhere in the transfer content, upper-cased or not.
    found = _REFERENCE.search(note.reference.upper().replace(" ", ""))
    if found is None:
        return None
    return session.scalar(select(PaymentIntent).where(
        PaymentIntent.reference == found.group()))


def act(session: Session, event: OutboxEvent) -> None:
    """The outbox handler of ``payment.notified``: capture what matches, flag the rest."""
    stored = session.get(PaymentEvent, int(event.subject.split(":")[1]))
    if stored is None:
        return
    note: dict[str, Any] = stored.payload
    intent = session.get(PaymentIntent, stored.intent_id) if stored.intent_id else None
    if intent is None:
        _flag_unmatched(session, stored, "No payment has this reference.")
        return
    if note.get("status") == "failed":
        if intent.status is P.PENDING:
            intent.status = P.FAILED
            _ledger(session, intent, "declined", 0, provider=stored.provider,
                    reason="wallet_failed")
        return  # a failure after the money came changes nothing
    problem = _problem(session, intent, stored.amount)
    if problem:
        intent.review = problem
        _ledger(session, intent, "flagged", stored.amount, provider=stored.provider,
                reason=problem)
        return
    try:
        with session.begin_nested():  # a refused capture leaves no half of itself behind
            _take(session, intent, stored.amount, provider=stored.provider)
    except PaymentStatusConflict:  # captured by the other channel (return vs webhook)
        return
    except OrderNotPayable:  # another payment of the order was captured meanwhile
        intent.review = "the order is already paid"
        _ledger(session, intent, "flagged", stored.amount, provider=stored.provider,
                reason=intent.review)


def _problem(session: Session, intent: PaymentIntent, amount: int) -> str | None:
    if intent.status is P.CAPTURED:
        return None if intent.method.value == "wallet" else "paid twice"
    if amount != intent.amount:
        return f"amount {amount} does not match {intent.amount}"
    if intent.status not in (P.PENDING, P.EXPIRED):
        return f"money arrived for a {intent.status} payment"
    order = session.get(Order, intent.order_id)
    if order is None or order.status in RELEASING:
        return "money arrived for a closed order"
    if order.paid + amount > order.total:
        return "the order is already paid"
    return None


def _flag_unmatched(session: Session, stored: PaymentEvent, reason: str) -> None:
    session.add(PaymentEvent(intent_id=None, merchant_id=stored.merchant_id,
                             provider=stored.provider, kind="flagged", amount=stored.amount,
                             reason=reason, payload={"notification": stored.id}))


def wallet_return(session: Session, *, params: dict[str, str], settings: Settings) -> int:
    """The shopper is back from the wallet with signed parameters: the same as its webhook
    (stored once under the wallet's event id). Returns the payment's id."""
    verified = signing.verify_params(params, secret=settings.payment_webhook_secret)
    try:
        note = WalletNotification.model_validate(verified)
    except ValidationError as exc:
        raise NotificationInvalid("The wallet's return parameters are incomplete.") from exc
    _store(session, "wallet", note)
    intent = session.scalar(select(PaymentIntent.id).where(
        PaymentIntent.provider_ref == note.payment_ref))
    if intent is None:
        raise NotificationInvalid("The wallet returned for an unknown payment.")
    return intent
