"""Who may do what: pure rules on the signed-in actor, used by every service.

Tenancy: staff see only their merchant; a lookup across merchants answers "not found" so
that one merchant cannot even learn another's ids exist.
"""

from dataclasses import dataclass, field

from o2o.auth.errors import NotCustomer, NotStaff
from o2o.auth.models import STAFF_ROLES, Role
from o2o.errors import NotFound, PermissionDenied


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: Role
    merchant_id: int | None = None
    #: Stores a manager or cashier is assigned to; empty for owners and HQ managers.
    location_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


def staff_merchant(actor: Actor) -> int:
    """The merchant a staff member acts for; customers and the operator are refused."""
    if not actor.is_staff or actor.merchant_id is None:
        raise NotStaff("Only a merchant's staff can do this.")
    return actor.merchant_id


def ensure_customer(actor: Actor) -> None:
    """Shopper-side actions (following a merchant, one's own consents) are for customers."""
    if actor.role is not Role.CUSTOMER:
        raise NotCustomer("Only a shopper can do this.")


def ensure_same_merchant(actor: Actor, merchant_id: int, what: str) -> None:
    """Operators see every merchant; staff only their own (others look missing)."""
    if actor.is_operator:
        return
    if not actor.is_staff or actor.merchant_id != merchant_id:
        raise NotFound(f"{what} not found.")


def ensure_manager(actor: Actor) -> None:
    """Catalogue, stores and staff are changed by owners and managers, not cashiers."""
    if actor.role not in (Role.OWNER, Role.MANAGER, Role.OPERATOR):
        raise PermissionDenied("Only an owner or a manager can change this.")


def manager_merchant(actor: Actor) -> int:
    """The merchant an owner or manager changes things for; cashiers and others refused."""
    merchant_id = staff_merchant(actor)
    ensure_manager(actor)
    return merchant_id


def can_work_at(actor: Actor, location_id: int) -> bool:
    """Owners and HQ managers work at every store; others only where assigned."""
    if actor.is_operator or actor.role is Role.OWNER:
        return True
    if actor.role is Role.MANAGER and not actor.location_ids:
        return True
    return location_id in actor.location_ids
