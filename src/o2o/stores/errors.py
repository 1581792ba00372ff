from o2o.errors import Conflict, InvalidInput


class MerchantSlugTaken(Conflict):
    """Another merchant already uses this slug."""

    code = "merchant_slug_taken"


class LocationCodeTaken(Conflict):
    """Another location of the merchant already has this code."""

    code = "location_code_taken"


class ServiceNotOffered(InvalidInput):
    """Warehouses ship; they offer no services to shoppers at a counter."""

    code = "warehouse_has_no_services"
