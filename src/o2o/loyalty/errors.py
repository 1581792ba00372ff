from o2o.errors import Conflict, InvalidInput


class InsufficientPoints(Conflict):
    """The customer has fewer points than the checkout spends; nothing was taken."""

    code = "insufficient_points"


class InsufficientCashback(Conflict):
    """The customer's available cashback is less than the checkout spends; nothing was taken."""

    code = "insufficient_cashback"


class LoyaltyNotOffered(InvalidInput):
    """This shop runs no loyalty programme: there are no points to spend here."""

    code = "loyalty_not_offered"


class CashbackNotOffered(InvalidInput):
    """This shop does not take the network's cashback (or the network runs none)."""

    code = "cashback_not_offered"


class RedemptionNeedsCustomer(InvalidInput):
    """Points and cashback are spent by a known customer (at the counter: their phone)."""

    code = "redemption_needs_customer"


class AdjustmentInvalid(InvalidInput):
    """A correction that would take more points than the customer has, or none at all."""

    code = "points_adjustment_invalid"
