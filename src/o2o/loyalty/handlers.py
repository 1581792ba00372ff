"""What loyalty and cashback do when orders move: earn when the goods reach the customer,
cashback once the order is also paid, reverse and refund when goods come back, refund
what an order that never happened spent."""

from sqlalchemy.orm import Session

from o2o.config import Settings
from o2o.loyalty import cashback, service
from o2o.loyalty.models import kept_reference
from o2o.orders import service as orders_service
from o2o.orders.models import Order
from o2o.outbox import service as outbox
from o2o.outbox.models import OutboxEvent

#: The goods reached the customer.
HANDED_OVER = ("order.collected", "order.completed", "order.delivered")
#: The order let its stock go without a sale.
RELEASED = ("order.cancelled", "order.expired", "order.declined")


def _order(session: Session, event: OutboxEvent) -> Order | None:
    order = orders_service.find(session, int(event.subject.split(":")[1]))
    return order if order is not None and order.customer_id is not None else None


def _paid_for_goods(order: Order) -> int:
    return max(0, order.total - order.delivery_fee)


def _returned_share(order: Order, kind: str) -> tuple[int, int]:
    """(đồng of ``kind`` redemptions on units returned so far, đồng on the whole order)."""
    returned = whole = 0
    for line in order.lines:
        for adjustment in line.adjustments or ():
            if adjustment.get("kind") == kind:
                whole += adjustment["amount"]
                if line.quantity_sold:
                    returned += adjustment["amount"] * line.quantity_returned // line.quantity_sold
    return returned, whole


def register(settings: Settings) -> None:
    def handed_over(session: Session, event: OutboxEvent) -> None:
        """Points when the goods reach the customer; cashback once also paid in full."""
        order = _order(session, event)
        if order is None or order.handed_over_at is None:
            return
        assert order.customer_id is not None
        if event.topic != "order.paid":
            service.earn(session, merchant_id=order.merchant_id, customer_id=order.customer_id,
                         order_id=order.id, paid_for_goods=_paid_for_goods(order))
        if order.total > 0 and order.paid >= order.total:
            cashback.earn(session, merchant_id=order.merchant_id, customer_id=order.customer_id,
                          order_id=order.id, paid_for_goods=_paid_for_goods(order),
                          handed_over_at=order.handed_over_at, return_days=settings.return_days)

    def returned(session: Session, event: OutboxEvent) -> None:
        """Goods came back: take back what they earned, give back what paid for them."""
        order = _order(session, event)
        if order is None:
            return
        assert order.customer_id is not None
        return_id = int(event.payload["return_id"])
        reference = f"return:{return_id}"
        service.reverse(session, merchant_id=order.merchant_id, customer_id=order.customer_id,
                        order_id=order.id, return_id=return_id, refunded=order.refunded)
        cashback.cancel_for_return(session, order_id=order.id, return_id=return_id,
                                   refunded=order.refunded)
        points_back, points_whole = _returned_share(order, "points")
        if points_back:
            service.refund_spent(session, merchant_id=order.merchant_id,
                                 customer_id=order.customer_id, order_id=order.id,
                                 reference=reference, returned=points_back, of=points_whole)
        cash_back, cash_whole = _returned_share(order, "cashback")
        if cash_back:
            cashback.refund_spent(session, customer_id=order.customer_id, order_id=order.id,
                                  reference=reference, returned=cash_back, of=cash_whole)

    def released(session: Session, event: OutboxEvent) -> None:
        """An order that never happened gives back all it spent."""
        order = _order(session, event)
        if order is None:
            return
        assert order.customer_id is not None
        reference = f"order:{order.id}:{order.status}"
        service.refund_spent(session, merchant_id=order.merchant_id,
                             customer_id=order.customer_id, order_id=order.id,
                             reference=reference, returned=1, of=1)
        cashback.refund_spent(session, customer_id=order.customer_id, order_id=order.id,
                              reference=reference, returned=1, of=1)

    def kept(session: Session, event: OutboxEvent) -> None:
        """Units of a held order stayed behind: the points and cashback they no longer
        need come back."""
        order = _order(session, event)
        if order is None:
            return
        assert order.customer_id is not None
        redeemed = event.payload.get("redeemed", {})
        reference = kept_reference(order.id)
        if "points" in redeemed:
            still, was = redeemed["points"]
            service.refund_spent(session, merchant_id=order.merchant_id,
                                 customer_id=order.customer_id, order_id=order.id,
                                 reference=reference, returned=was - still, of=was)
        if "cashback" in redeemed:
            still, was = redeemed["cashback"]
            cashback.refund_spent(session, customer_id=order.customer_id, order_id=order.id,
                                  reference=reference, returned=was - still, of=was)

    for topic in (*HANDED_OVER, "order.paid"):
        outbox.subscribe(topic, handed_over)
    outbox.subscribe("order.returned", returned)
    outbox.subscribe("order.kept", kept)
    for topic in RELEASED:
        outbox.subscribe(topic, released)
