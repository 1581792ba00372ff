from fastapi import APIRouter

from o2o.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["catalog"], responses=ERROR_RESPONSES)
