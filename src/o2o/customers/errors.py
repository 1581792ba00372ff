from o2o.errors import Conflict, InvalidInput


class CustomerExists(Conflict):
    """The merchant already knows a customer with this phone number."""

    code = "customer_exists"


class InvalidPhone(InvalidInput):
    """The phone number searched for cannot be a real number."""

    code = "invalid_phone"
