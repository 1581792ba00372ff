from o2o.errors import Conflict, InvalidInput, NotFound


class MixedMerchants(InvalidInput):
    """One checkout buys from one merchant; split the cart per shop."""

    code = "mixed_merchants"


class FulfilmentInvalid(InvalidInput):
    """The fulfilment lacks what its type needs (a store, an address, a slot) or has a wrong
    value; ``details.field`` names it."""

    code = "fulfilment_invalid"


class ServiceNotOffered(InvalidInput):
    """The store does not offer this (pickup, try-on, order ahead, returns, assembly…)."""

    code = "service_not_offered"


class CheckoutCompleted(Conflict):
    """The checkout became an order already; it can no longer change."""

    code = "checkout_completed"


class PriceChanged(Conflict):
    """The total is not the one the buyer was shown (a promotion ran out, a price moved):
    nothing was placed; show the new total and ask again."""

    code = "price_changed"


class TransitionNotAllowed(Conflict):
    """The order cannot move to that status from where it is (``details.allowed``)."""

    code = "transition_not_allowed"


class SlotFull(Conflict):
    """The store has as many orders as it can prepare in this slot; pick another."""

    code = "slot_full"


class PickupCodeNotFound(NotFound):
    """No order ready for pickup at this store has this code."""

    code = "pickup_code_not_found"


class OrderExpired(Conflict):
    """The order's hold ran out and its stock went back on sale."""

    code = "order_expired"


class ReturnNotAllowed(Conflict):
    """The order has not reached the customer, or its return window has closed."""

    code = "return_not_allowed"


class ReturnQuantity(InvalidInput):
    """More units are returned than were sold and not yet returned on that line."""

    code = "return_quantity"
