from o2o.errors import Conflict, InvalidInput


class MerchantSlugTaken(Conflict):
    code = "merchant_slug_taken"


class LocationCodeTaken(Conflict):
    code = "location_code_taken"


class ServiceNotOffered(InvalidInput):
    """Warehouses ship; they do not serve shoppers at a counter."""

    code = "warehouse_has_no_services"
