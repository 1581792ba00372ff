"""The people of a merchant: managers and cashiers, and the stores they work at."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from o2o.auth.models import Role, StaffLocation, User
from o2o.auth.permissions import (
    Actor,
    can_work_at,
    manager_merchant,
)
from o2o.auth.schemas import StaffCreate
from o2o.auth.security import hash_password
from o2o.auth.service import add_user
from o2o.db import transaction
from o2o.errors import NotFound, PermissionDenied
from o2o.stores import service as stores_service


def create_staff(session: Session, *, actor: Actor, data: StaffCreate) -> tuple[User, list[int]]:
    """A manager or cashier of the actor's merchant, at stores of that merchant.

    Managers may only add cashiers, and only for the stores they work at.
    """
    merchant_id = manager_merchant(actor)
    if actor.role is Role.MANAGER and data.role is not Role.CASHIER:
        raise PermissionDenied("A manager can add cashiers; ask the owner to add managers.")
    with transaction(session):
        location_merchants = stores_service.merchants_of_locations(session, data.location_ids)
        for location_id in data.location_ids:
            if location_merchants.get(location_id) != merchant_id:
                raise NotFound("Store not found.", location_id=location_id)
            if not can_work_at(actor, location_id):
                raise PermissionDenied("You can add staff only to the stores you manage.",
                                       location_id=location_id)
        user = add_user(
            session,
            User(role=data.role, merchant_id=merchant_id, email=data.email, phone=data.phone,
                 full_name=data.full_name, password_hash=hash_password(data.password)),
        )
        location_ids = sorted(set(data.location_ids))
        session.add_all(
            StaffLocation(user_id=user.id, location_id=lid, merchant_id=merchant_id)
            for lid in location_ids
        )
    return user, location_ids


def list_staff(session: Session, *, actor: Actor) -> list[tuple[User, list[int]]]:
    merchant_id = manager_merchant(actor)
    users = session.scalars(
        select(User)
        .where(User.merchant_id == merchant_id, User.role != Role.CUSTOMER)
        .order_by(User.role, User.full_name)
    ).all()
    assignments: dict[int, list[int]] = {}
    for user_id, location_id in session.execute(
        select(StaffLocation.user_id, StaffLocation.location_id)
        .where(StaffLocation.merchant_id == merchant_id)
        .order_by(StaffLocation.location_id)
    ):
        assignments.setdefault(user_id, []).append(location_id)
    return [(user, assignments.get(user.id, [])) for user in users]
