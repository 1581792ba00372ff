from datetime import datetime

from pydantic import Field, model_validator

from o2o.auth.models import Role
from o2o.fields import Email, Name, Phone
from o2o.schemas import Input, Output


class Token(Output):
    access_token: str
    token_type: str = "bearer"


class UserRead(Output):
    id: int
    role: Role
    merchant_id: int | None
    email: str | None
    phone: str | None
    full_name: str
    is_active: bool
    created_at: datetime


class MeRead(UserRead):
    location_ids: list[int]


class CustomerSignup(Input):
    phone: Phone
    full_name: Name
    password: str = Field(min_length=8, max_length=128)
    email: Email | None = None


class StaffCreate(Input):
    email: Email
    full_name: Name
    password: str = Field(min_length=8, max_length=128)
    role: Role
    phone: Phone | None = None
    location_ids: list[int] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _staff_role(self) -> "StaffCreate":
        if self.role not in (Role.MANAGER, Role.CASHIER):
            raise ValueError("role must be manager or cashier")
        if self.role is Role.CASHIER and not self.location_ids:
            raise ValueError("a cashier works at one or more stores: give location_ids")
        return self


class StaffRead(UserRead):
    location_ids: list[int]
