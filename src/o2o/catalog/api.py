from typing import Annotated

from fastapi import APIRouter, Query

from o2o.auth.deps import CurrentActor, MaybeActor
from o2o.catalog import service
from o2o.catalog.models import Channel, ProductStatus
from o2o.catalog.schemas import (
    CategoryCreate,
    CategoryRead,
    ProductCreate,
    ProductRead,
    ProductSummary,
    ProductUpdate,
    ScannedVariant,
    VariantCreate,
    VariantRead,
    VariantUpdate,
)
from o2o.deps import DbSession
from o2o.errors import ERROR_RESPONSES
from o2o.schemas import Page, PageParams

router = APIRouter(prefix="/api/v1", tags=["catalog"], responses=ERROR_RESPONSES)


@router.get("/products", response_model=Page[ProductSummary])
def search_products(
    session: DbSession,
    actor: MaybeActor,
    page: Annotated[PageParams, Query()],
    q: Annotated[str | None, Query(max_length=200, description="Accents optional")] = None,
    merchant: Annotated[str | None, Query(max_length=40, description="Merchant slug")] = None,
    category: Annotated[int | None, Query(description="Category id")] = None,
    channel: Channel | None = None,
    status: Annotated[ProductStatus, Query(description="draft/archived: staff only")] = (
        ProductStatus.ACTIVE
    ),
) -> Page[ProductSummary]:
    """Search the catalogue (public); "ao thun" finds "Áo thun", a SKU or barcode finds its
    product."""
    products, total = service.search_products(
        session, q=q, merchant_slug=merchant, category_id=category, channel=channel,
        status=status, actor=actor, limit=page.limit, offset=page.offset,
    )
    return Page[ProductSummary](items=[ProductSummary.of(p) for p in products], total=total,
                                limit=page.limit, offset=page.offset)


@router.get("/products/{product_id}", response_model=ProductRead)
def get_product(product_id: int, session: DbSession, actor: MaybeActor) -> ProductRead:
    return ProductRead.of(service.get_product(session, product_id=product_id, actor=actor))


@router.get("/merchants/{slug}/categories", response_model=list[CategoryRead])
def list_categories(slug: str, session: DbSession) -> object:
    return service.list_categories(session, merchant_slug=slug)


@router.post("/categories", response_model=CategoryRead, status_code=201)
def create_category(data: CategoryCreate, session: DbSession, actor: CurrentActor) -> object:
    return service.create_category(session, actor=actor, data=data)


@router.post("/products", response_model=ProductRead, status_code=201)
def create_product(data: ProductCreate, session: DbSession, actor: CurrentActor) -> ProductRead:
    """A product with its variants (owners and managers)."""
    return ProductRead.of(service.create_product(session, actor=actor, data=data))


@router.patch("/products/{product_id}", response_model=ProductRead)
def update_product(
    product_id: int, data: ProductUpdate, session: DbSession, actor: CurrentActor
) -> ProductRead:
    return ProductRead.of(
        service.update_product(session, actor=actor, product_id=product_id, data=data)
    )


@router.post("/products/{product_id}/variants", response_model=VariantRead,
             status_code=201)
def add_variant(
    product_id: int, data: VariantCreate, session: DbSession, actor: CurrentActor
) -> object:
    return service.add_variant(session, actor=actor, product_id=product_id, data=data)


@router.get("/variants/lookup", response_model=ScannedVariant)
def find_variant(
    session: DbSession, actor: CurrentActor,
    code: Annotated[str, Query(min_length=1, max_length=64, description="Barcode or SKU")],
) -> object:
    """The till scans a barcode or a cashier types a SKU (the staff's own merchant)."""
    return service.find_variant(session, actor=actor, code=code)


@router.patch("/variants/{variant_id}", response_model=VariantRead)
def update_variant(
    variant_id: int, data: VariantUpdate, session: DbSession, actor: CurrentActor
) -> object:
    return service.update_variant(session, actor=actor, variant_id=variant_id, data=data)
