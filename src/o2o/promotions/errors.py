from o2o.errors import InvalidInput


class InvalidPromotion(InvalidInput):
    """A promotion's terms cannot be applied (a percent over 100, a buy X get Y of 0…)."""

    code = "invalid_promotion"


class InvalidCart(InvalidInput):
    """A cart the engine cannot price (a line of 0 units, a naive time, a repeated line)."""

    code = "invalid_cart"
