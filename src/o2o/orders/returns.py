"""Returns anywhere: any order, online or from a counter, brought back to any store of the
merchant that takes returns, whole or in part, within the return window.

The goods go back on that store's shelf or are written off as damaged (both in the ledger),
the order's refunded total grows, and an ``order.returned`` event asks payments for the
refund (and loyalty for the reversal of the points and cashback it earned).
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor, can_work_at
from o2o.config import Settings
from o2o.db import transaction
from o2o.errors import NotFound, PermissionDenied
from o2o.inventory import holds as stock
from o2o.orders import service
from o2o.orders.errors import ReturnNotAllowed, ReturnQuantity, ServiceNotOffered
from o2o.orders.fulfilment import RETURNABLE
from o2o.orders.models import OrderReturn, OrderReturnLine, ReturnCondition
from o2o.orders.schemas import ReturnCreate
from o2o.orm import utcnow
from o2o.outbox import service as outbox
from o2o.stores import service as stores_service
from o2o.stores.models import StoreService


def refund_of(unit_price: int, discount: int, quantity: int, sold: int) -> int:
    """What ``quantity`` returned units of a line paid: their share of the line's total,
    its discount spread over its units (rounded down, the last unit takes the remainder)."""
    line_total = unit_price * sold - discount
    return line_total * quantity // sold


def create_return(session: Session, *, actor: Actor, order_id: int, data: ReturnCreate,
                  settings: Settings) -> OrderReturn:
    with transaction(session):
        # Locked first: two counters taking back the same units cannot both see them
        # returnable, and the cashback credited at the window's end waits for this return.
        order = service.load_visible_to_merchant(session, actor, order_id, lock=True)
        store, _ = stores_service.get_store(session, store_id=data.store_id)
        if store.merchant_id != order.merchant_id:
            raise NotFound("Store not found.", store_id=data.store_id)
        if not actor.is_staff or not can_work_at(actor, store.id):
            raise PermissionDenied("Staff of the store taking the goods back record a return.")
        if StoreService.RETURNS not in {s.service for s in store.services}:
            raise ServiceNotOffered("This store does not take returns.", store_id=store.id,
                                    service=StoreService.RETURNS)
        if order.status not in RETURNABLE or order.handed_over_at is None:
            raise ReturnNotAllowed("The goods of this order have not reached the customer.",
                                   status=str(order.status))
        window_end = order.handed_over_at + timedelta(days=settings.return_days)
        if utcnow() > window_end:
            raise ReturnNotAllowed(f"Returns are taken within {settings.return_days} days.",
                                   window_ended_at=window_end.isoformat())
        lines = {line.id: line for line in order.lines}
        promotions: dict[int, int] = {}
        result = OrderReturn(order_id=order.id, merchant_id=order.merchant_id,
                             location_id=store.id, user_id=actor.user_id, reason=data.reason,
                             amount=0)
        for wanted in data.lines:
            line = lines.get(wanted.line_id)
            if line is None:
                raise NotFound("Order line not found.", line_id=wanted.line_id)
            left = line.quantity_sold - line.quantity_returned
            if wanted.quantity > left:
                raise ReturnQuantity(f"Only {left} unit(s) of this line can come back.",
                                     line_id=line.id, returnable=left)
            # Later units get the remainder: the whole line refunds exactly its total.
            before = refund_of(line.unit_price, line.discount, line.quantity_returned,
                               line.quantity_sold)
            after = refund_of(line.unit_price, line.discount,
                              line.quantity_returned + wanted.quantity, line.quantity_sold)
            for adjustment in line.adjustments or ():  # each promotion's share comes back
                if adjustment.get("promotion_id") is None:  # points, cashback: o2o.loyalty
                    continue
                given = adjustment["amount"]
                share = (given * (line.quantity_returned + wanted.quantity) // line.quantity_sold
                         - given * line.quantity_returned // line.quantity_sold)
                promotions[adjustment["promotion_id"]] = (
                    promotions.get(adjustment["promotion_id"], 0) + share)
            line.quantity_returned += wanted.quantity
            result.lines.append(OrderReturnLine(
                order_line_id=line.id, merchant_id=order.merchant_id,
                variant_id=line.variant_id, quantity=wanted.quantity,
                condition=wanted.condition, amount=after - before))
            stock.take_back(session, merchant_id=order.merchant_id, location_id=store.id,
                            variant_id=line.variant_id, quantity=wanted.quantity,
                            damaged=wanted.condition is ReturnCondition.DAMAGED,
                            reference=f"order:{order.id}", reason=data.reason,
                            user_id=actor.user_id)
        result.amount = sum(line.amount for line in result.lines)
        order.refunded += result.amount
        order.updated_at = utcnow()
        session.add(result)
        session.flush()
        outbox.emit(session, topic="order.returned", subject=f"order:{order.id}",
                    merchant_id=order.merchant_id, return_id=result.id, amount=result.amount,
                    location_id=store.id, customer_id=order.customer_id,
                    lines=[{"order_line_id": r.order_line_id, "variant_id": r.variant_id,
                            "quantity": r.quantity, "amount": r.amount}
                           for r in result.lines],
                    promotions={str(pid): share for pid, share in promotions.items() if share})
    return result


def list_returns(session: Session, *, actor: Actor, order_id: int) -> list[OrderReturn]:
    """An order's returns, for its customer and for any store of the merchant (a return may
    be taken anywhere, so every counter sees what came back before)."""
    order = (service.load_visible_to_merchant(session, actor, order_id) if actor.is_staff
             else service.load_visible(session, actor, order_id))
    return list(session.scalars(
        select(OrderReturn).where(OrderReturn.order_id == order.id).order_by(OrderReturn.id)))
