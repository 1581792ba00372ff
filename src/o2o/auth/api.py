from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from o2o.auth import service, staff
from o2o.auth.deps import CurrentActor
from o2o.auth.schemas import CustomerSignup, MeRead, StaffCreate, StaffRead, Token, UserRead
from o2o.deps import AppSettings, DbSession
from o2o.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["auth"], responses=ERROR_RESPONSES)


@router.post("/auth/token", response_model=Token)
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: DbSession,
    settings: AppSettings,
) -> Token:
    """Exchange an email (staff) or phone number (customer) and password for a bearer token."""
    token = service.sign_in(
        session, username=form.username, password=form.password, settings=settings
    )
    return Token(access_token=token)


@router.post("/auth/signup", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def sign_up(data: CustomerSignup, session: DbSession) -> object:
    """A shopper creates an account with their phone number."""
    return service.sign_up_customer(session, data=data)


@router.get("/me", response_model=MeRead)
def me(session: DbSession, actor: CurrentActor) -> MeRead:
    user = service.get_user(session, actor.user_id)
    return MeRead.model_validate(
        {**UserRead.model_validate(user).model_dump(),
         "location_ids": sorted(actor.location_ids)}
    )


@router.get("/staff", response_model=list[StaffRead])
def list_staff(session: DbSession, actor: CurrentActor) -> list[StaffRead]:
    """The owner, managers and cashiers of the signed-in manager's merchant."""
    return [
        StaffRead.model_validate(
            {**UserRead.model_validate(user).model_dump(), "location_ids": locations}
        )
        for user, locations in staff.list_staff(session, actor=actor)
    ]


@router.post("/staff", response_model=StaffRead, status_code=status.HTTP_201_CREATED)
def create_staff(data: StaffCreate, session: DbSession, actor: CurrentActor) -> StaffRead:
    user, locations = staff.create_staff(session, actor=actor, data=data)
    return StaffRead.model_validate(
        {**UserRead.model_validate(user).model_dump(), "location_ids": locations}
    )
