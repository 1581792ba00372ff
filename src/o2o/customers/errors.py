from o2o.errors import Conflict, InvalidInput


class CustomerExists(Conflict):
    """The merchant already knows a customer with this phone number."""

    code = "customer_exists"


class InvalidPhone(InvalidInput):
    """The phone number searched for cannot be a real number."""

    code = "invalid_phone"


class SegmentNameTaken(Conflict):
    """Another customer segment of the merchant already has this name."""

    code = "segment_name_taken"


class SegmentInUse(Conflict):
    """A promotion is still for this customer segment: take it out of the promotion first."""

    code = "segment_in_use"


class SegmentKindMismatch(Conflict):
    """A list segment has members and no rule; a rule segment has a rule and no members."""

    code = "segment_kind_mismatch"


class CustomersUnknown(InvalidInput):
    """Some customers named (by id or phone) are not this merchant's; nothing was written."""

    code = "customers_unknown"
