"""Write events beside the change that causes them; deliver them once, in order, after.

Delivery is in-process by default (the app's background loop calls ``deliver_pending``);
a deployment with a real queue registers a handler that publishes to it. A handler that
fails leaves its event pending, to be tried again on the next round.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from o2o.db import transaction
from o2o.orm import utcnow
from o2o.outbox.models import OutboxEvent

#: Called inside the delivering transaction, with its session: what it writes commits with
#: the event's delivery, or neither does.
Handler = Callable[[Session, OutboxEvent], None]

_handlers: list[tuple[str, Handler]] = []


def emit(session: Session, *, topic: str, subject: str, merchant_id: int | None,
         **payload: Any) -> None:
    """Record an event in the caller's transaction: it exists if and only if the change does."""
    session.add(OutboxEvent(topic=topic, subject=subject, merchant_id=merchant_id,
                            payload=payload))


def subscribe(prefix: str, handler: Handler) -> None:
    """Call ``handler`` for every event whose topic starts with ``prefix`` ("order.").

    Subscribing a function of the same name again (a second app in one process) replaces
    the first, so each event still reaches it once.
    """
    name = f"{handler.__module__}.{handler.__qualname__}"
    _handlers[:] = [(p, h) for p, h in _handlers
                    if (p, f"{h.__module__}.{h.__qualname__}") != (prefix, name)]
    _handlers.append((prefix, handler))


def deliver_pending(session: Session, *, batch: int = 200,
                    handlers: list[tuple[str, Handler]] | None = None) -> int:
    """Hand pending events to their handlers, oldest first; returns how many were delivered.

    Each event is claimed with a conditional update, so several processes delivering at once
    hand each event to one of them only.
    """
    handlers = _handlers if handlers is None else handlers
    delivered = 0
    with session.begin():
        pending = session.scalars(
            select(OutboxEvent).where(OutboxEvent.delivered_at.is_(None))
            .order_by(OutboxEvent.id).limit(batch)
        ).all()
    for event in pending:
        with transaction(session):
            claimed = session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id == event.id, OutboxEvent.delivered_at.is_(None))
                .values(delivered_at=utcnow())
            ).rowcount  # type: ignore[attr-defined]
            if not claimed:
                continue
            for prefix, handler in handlers:
                if event.topic.startswith(prefix):
                    handler(session, event)
            delivered += 1
    return delivered


def events_of(session: Session, *, subject: str) -> list[OutboxEvent]:
    return list(session.scalars(
        select(OutboxEvent).where(OutboxEvent.subject == subject).order_by(OutboxEvent.id)
    ))
