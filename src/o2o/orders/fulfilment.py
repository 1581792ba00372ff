"""The fulfilment state machines: which status may follow which, and who may move it.

Pure rules, checked by the service before any write. Every move is recorded in the order's
timeline with who made it and when.
"""

from enum import StrEnum


class FulfilmentType(StrEnum):
    DELIVERY = "delivery"  # shipped from a warehouse or a store
    PICKUP = "pickup"  # bought online, collected in store
    RESERVE_AND_TRY = "reserve_and_try"  # held at the store, tried and paid there
    ORDER_AHEAD = "order_ahead"  # prepared for a time slot (café, restaurant)
    IN_STORE = "in_store"  # a sale at the counter


class OrderStatus(StrEnum):
    PLACED = "placed"
    ACCEPTED = "accepted"
    PREPARING = "preparing"
    READY = "ready"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COLLECTED = "collected"
    COMPLETED = "completed"  # a counter sale, or a try-on where something was bought
    DECLINED = "declined"  # a try-on where nothing was bought
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # not collected (or not tried) in time; the stock came back


S = OrderStatus

TRANSITIONS: dict[FulfilmentType, dict[OrderStatus, frozenset[OrderStatus]]] = {
    FulfilmentType.PICKUP: {
        S.PLACED: frozenset({S.ACCEPTED, S.CANCELLED}),
        S.ACCEPTED: frozenset({S.READY, S.CANCELLED}),
        S.READY: frozenset({S.COLLECTED, S.CANCELLED, S.EXPIRED}),
    },
    FulfilmentType.ORDER_AHEAD: {
        S.PLACED: frozenset({S.ACCEPTED, S.CANCELLED}),
        S.ACCEPTED: frozenset({S.PREPARING, S.CANCELLED}),
        S.PREPARING: frozenset({S.READY}),
        S.READY: frozenset({S.COLLECTED, S.EXPIRED}),
    },
    FulfilmentType.RESERVE_AND_TRY: {
        S.PLACED: frozenset({S.READY, S.CANCELLED, S.EXPIRED}),
        S.READY: frozenset({S.COMPLETED, S.DECLINED, S.CANCELLED, S.EXPIRED}),
    },
    FulfilmentType.DELIVERY: {
        S.PLACED: frozenset({S.ACCEPTED, S.CANCELLED}),
        S.ACCEPTED: frozenset({S.PACKED, S.CANCELLED}),
        S.PACKED: frozenset({S.SHIPPED, S.CANCELLED}),
        S.SHIPPED: frozenset({S.DELIVERED}),
    },
    FulfilmentType.IN_STORE: {},
}

#: The status a new order starts in.
INITIAL = {kind: S.COMPLETED if kind is FulfilmentType.IN_STORE else S.PLACED
           for kind in FulfilmentType}

#: Moves that give the held stock back.
RELEASING = frozenset({S.CANCELLED, S.EXPIRED, S.DECLINED})
#: Moves after which the goods have left the store (the sale enters the ledger).
HANDED_OVER = frozenset({S.SHIPPED, S.COLLECTED, S.COMPLETED})
#: Where the goods are with the customer: a return may start from here.
RETURNABLE = frozenset({S.DELIVERED, S.COLLECTED, S.COMPLETED})

#: Moves that need more than a status: made by their own endpoints.
SPECIAL = {
    S.COLLECTED: "Hand over with the pickup code (POST /api/v1/pickups/handover).",
    S.COMPLETED: "Record what the customer bought (POST /api/v1/orders/{id}/try-outcome).",
    S.DECLINED: "Record what the customer bought (POST /api/v1/orders/{id}/try-outcome).",
    S.EXPIRED: "Orders expire by themselves when their deadline passes.",
}

#: What a customer may do to their own order: cancel, while the store has not started on it.
CUSTOMER_CANCELLABLE = {
    FulfilmentType.PICKUP: frozenset({S.PLACED, S.ACCEPTED}),
    FulfilmentType.ORDER_AHEAD: frozenset({S.PLACED}),
    FulfilmentType.RESERVE_AND_TRY: frozenset({S.PLACED, S.READY}),
    FulfilmentType.DELIVERY: frozenset({S.PLACED, S.ACCEPTED}),
    FulfilmentType.IN_STORE: frozenset(),
}


def allowed(kind: FulfilmentType, status: OrderStatus) -> frozenset[OrderStatus]:
    return TRANSITIONS[kind].get(status, frozenset())


def is_open(kind: FulfilmentType, status: OrderStatus) -> bool:
    """Still moving: some transition may follow."""
    return bool(allowed(kind, status))
