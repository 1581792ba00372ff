"""What promotions does when other parts of the platform announce something."""

from sqlalchemy.orm import Session

from o2o.outbox import service as outbox
from o2o.outbox.models import OutboxEvent
from o2o.promotions import service


def give_back(session: Session, event: OutboxEvent) -> None:
    """Goods came back: the share of each promotion's discount they carried returns to its
    budget (the ledger gets a negative redemption)."""
    shares = {int(pid): amount for pid, amount in event.payload.get("promotions", {}).items()}
    if shares and event.merchant_id is not None:
        service.give_back(session, merchant_id=event.merchant_id,
                          order_id=int(event.subject.split(":")[1]), shares=shares)


def kept(session: Session, event: OutboxEvent) -> None:
    """A try-on customer left units behind: each promotion gets back what it no longer
    gives; one that no longer applies at all gets its use (and coupon use) back too."""
    if event.merchant_id is None:
        return
    order_id = int(event.subject.split(":")[1])
    still = {int(pid): pair for pid, pair in event.payload.get("promotions", {}).items()}
    service.give_back(session, merchant_id=event.merchant_id, order_id=order_id,
                      shares={pid: was - now for pid, (now, was) in still.items() if now})
    dropped = [pid for pid, (now, _) in still.items() if not now]
    if dropped:
        service.release_order(session, merchant_id=event.merchant_id, order_id=order_id,
                              only=dropped)


#: Orders that will never be paid: their discounts were never given.
UNPAID = ("order.cancelled", "order.expired", "order.declined")


def release(session: Session, event: OutboxEvent) -> None:
    """An order that will never be paid gives its promotions and coupons back their use."""
    if event.topic in UNPAID and event.merchant_id is not None:
        service.release_order(session, merchant_id=event.merchant_id,
                              order_id=int(event.subject.split(":")[1]))


def register() -> None:
    outbox.subscribe("order.returned", give_back)
    outbox.subscribe("order.kept", kept)
    outbox.subscribe("order.", release)
