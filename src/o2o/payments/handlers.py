"""What payments does when other parts of the platform announce something."""

from sqlalchemy.orm import Session

from o2o.config import Settings
from o2o.outbox import service as outbox
from o2o.outbox.models import OutboxEvent
from o2o.payments import service, webhooks


def register(settings: Settings) -> None:
    def refund_return(session: Session, event: OutboxEvent) -> None:
        """Goods came back: pay their amount back to the order's payments."""
        payload = event.payload
        if payload.get("amount", 0) > 0:
            service.refund_return(session, order_id=int(event.subject.split(":")[1]),
                                  return_id=payload["return_id"], amount=payload["amount"],
                                  settings=settings)

    outbox.subscribe("payment.notified", webhooks.act)
    outbox.subscribe("order.returned", refund_return)
