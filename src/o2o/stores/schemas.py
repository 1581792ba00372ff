from datetime import datetime
from itertools import pairwise

from pydantic import Field, field_validator, model_validator
from stdnum.vn import mst

from o2o.fields import Email, Latitude, Longitude, Name, Phone, Slug
from o2o.schemas import Input, Output
from o2o.stores import hours
from o2o.stores.models import LocationKind, StoreService, Trade


class OpeningInterval(Input):
    """``{"weekday": 0, "opens": "08:00", "closes": "22:00"}``; 0 is Monday.

    A closing time at or before the opening time is on the next day (22:00–02:00).
    """

    weekday: int = Field(ge=0, le=6)
    opens: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["08:00"])
    closes: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["22:00"])

    @model_validator(mode="after")
    def _valid_clock(self) -> "OpeningInterval":
        hours.interval(self.weekday, self.opens, self.closes)
        return self

    def as_interval(self) -> hours.Interval:
        return hours.interval(self.weekday, self.opens, self.closes)


def _no_overlap(intervals: list[OpeningInterval]) -> list[OpeningInterval]:
    spans = sorted(i.as_interval() for i in intervals)
    for a, b in pairwise(spans):
        if a.weekday == b.weekday and b.opens < a.closes:
            raise ValueError(f"opening hours overlap on weekday {a.weekday}")
    return intervals


class OwnerCreate(Input):
    email: Email
    full_name: Name
    password: str = Field(min_length=8, max_length=128)


class MerchantCreate(Input):
    slug: Slug
    name: Name
    trade: Trade
    tax_code: str | None = Field(None, description="Mã số thuế (10 or 13 digits)")
    phone: Phone | None = None
    email: Email | None = None
    owner: OwnerCreate

    @field_validator("tax_code")
    @classmethod
    def _tax_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not mst.is_valid(value):
            raise ValueError("not a valid Vietnamese tax code (mã số thuế)")
        return mst.compact(value)


class MerchantRead(Output):
    id: int
    slug: str
    name: str
    trade: Trade


class LocationBase(Input):
    name: Name
    address: str = Field(min_length=3, max_length=255)
    district: Name
    city: Name
    phone: Phone | None = None
    lat: Latitude
    lon: Longitude


class LocationCreate(LocationBase):
    code: Slug
    kind: LocationKind = LocationKind.STORE
    hours: list[OpeningInterval] = Field(default_factory=list, max_length=50)
    services: list[StoreService] = Field(default_factory=list)

    _hours = field_validator("hours")(_no_overlap)


class LocationUpdate(Input):
    """Only the fields given change; ``hours`` and ``services`` are replaced as a whole."""

    name: Name | None = None
    address: str | None = Field(None, min_length=3, max_length=255)
    district: Name | None = None
    city: Name | None = None
    phone: Phone | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    is_active: bool | None = None
    hours: list[OpeningInterval] | None = Field(None, max_length=50)
    services: list[StoreService] | None = None

    _hours = field_validator("hours")(lambda v: v if v is None else _no_overlap(v))

    @model_validator(mode="after")
    def _both_coordinates(self) -> "LocationUpdate":
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon move together: give both")
        return self


class OpeningIntervalRead(Output):
    weekday: int
    opens: str
    closes: str

    @field_validator("opens", "closes", mode="before")
    @classmethod
    def _clock(cls, value: int | str) -> str:
        return hours.format_clock(value) if isinstance(value, int) else value


def _service_names(services: list[object]) -> list[object]:
    return [getattr(s, "service", s) for s in services]


class LocationRead(Output):
    id: int
    merchant_id: int
    code: str
    kind: LocationKind
    name: str
    address: str
    district: str
    city: str
    phone: str | None
    lat: float
    lon: float
    timezone: str
    is_active: bool
    hours: list[OpeningIntervalRead]
    services: list[StoreService]
    created_at: datetime

    _services = field_validator("services", mode="before")(_service_names)


class StoreRead(Output):
    """A store as shoppers see it."""

    id: int
    merchant: MerchantRead
    code: str
    name: str
    address: str
    district: str
    city: str
    phone: str | None
    lat: float
    lon: float
    hours: list[OpeningIntervalRead]
    services: list[StoreService]
    open_now: bool

    _services = field_validator("services", mode="before")(_service_names)
