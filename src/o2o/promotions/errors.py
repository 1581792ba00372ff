from o2o.errors import Conflict, InvalidInput


class InvalidPromotion(InvalidInput):
    """A promotion's terms cannot be applied (a percent over 100, a buy X get Y of 0…)."""

    code = "invalid_promotion"


class InvalidCart(InvalidInput):
    """A cart the engine cannot price (a line of 0 units, a naive time, a repeated line)."""

    code = "invalid_cart"


class CouponInvalid(InvalidInput):
    """No active coupon of this shop has this code."""

    code = "coupon_invalid"


class CouponExhausted(Conflict):
    """The coupon's uses ran out while the order was being placed; nothing was charged."""

    code = "coupon_exhausted"


class PromotionUnavailable(Conflict):
    """A promotion in the price reached its limit or budget meanwhile; look at the new price."""

    code = "promotion_unavailable"


class PromotionTargetsUnknown(InvalidInput):
    """A promotion names products, categories or customer segments the shop does not have."""

    code = "promotion_targets_unknown"


class CouponCodeTaken(Conflict):
    """The shop already has a coupon with this code."""

    code = "coupon_code_taken"
