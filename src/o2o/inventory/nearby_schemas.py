from o2o.inventory.nearby import NearbyStore
from o2o.schemas import Output
from o2o.stores.models import LocationKind
from o2o.stores.schemas import StoreRead


class NearbyStoreRead(Output):
    store: StoreRead
    distance_km: float
    #: Units the online channel can sell here; null when no variant was asked for.
    available: int | None

    @classmethod
    def of(cls, found: NearbyStore) -> "NearbyStoreRead":
        store = {**vars(found.location), "merchant": found.merchant, "open_now": found.open_now}
        return cls(store=StoreRead.model_validate(store),
                   distance_km=round(found.distance_km, 3), available=found.available)


class NearbyStores(Output):
    """Stores nearest first."""

    items: list[NearbyStoreRead]


class LocationStockRead(Output):
    location_id: int
    name: str
    kind: LocationKind
    city: str
    available: int


class VariantAvailabilityRead(Output):
    """What the online channel can sell of a variant, location by location."""

    variant_id: int
    total: int
    locations: list[LocationStockRead]
