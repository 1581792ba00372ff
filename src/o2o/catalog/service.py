"""The catalogue: what each merchant sells, at what price, and in which channels.

Shoppers see active products of active merchants with a variant on sale; a merchant's staff
also see its drafts and archive. Owners and managers change the catalogue; any staff member
can look a variant up at the till. Another merchant's rows answer "not found".
"""

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from o2o.auth.permissions import Actor, manager_merchant, staff_merchant
from o2o.catalog import search
from o2o.catalog.errors import (
    BarcodeTaken,
    CategorySlugTaken,
    CompareAtBelowPrice,
    ProductSlugTaken,
    SkuTaken,
)
from o2o.catalog.models import (
    Category,
    Channel,
    Product,
    ProductImage,
    ProductStatus,
    Variant,
)
from o2o.catalog.schemas import (
    CategoryCreate,
    ImageIn,
    ProductCreate,
    ProductUpdate,
    VariantCreate,
    VariantUpdate,
)
from o2o.db import transaction
from o2o.errors import DomainError, NotAuthenticated, NotFound
from o2o.orm import utcnow
from o2o.stores import service as stores_service
from o2o.stores.models import Merchant

# --- what shoppers and staff see ------------------------------------------------------------


def _is_staff_of(actor: Actor | None, merchant_id: int) -> bool:
    return actor is not None and actor.is_staff and actor.merchant_id == merchant_id


def _has_variant(*, active_only: bool, channel: Channel | None) -> ColumnElement[bool]:
    conditions = [Variant.product_id == Product.id]
    if active_only:
        conditions.append(Variant.is_active.is_(True))
    if channel is not None:
        conditions.append(Variant.channels.in_(search.channels_serving(channel)))
    return exists().where(*conditions)


def search_products(
    session: Session,
    *,
    q: str | None = None,
    merchant_slug: str | None = None,
    category_id: int | None = None,
    channel: Channel | None = None,
    status: ProductStatus = ProductStatus.ACTIVE,
    actor: Actor | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Product], int]:
    """A page of products in name order and how many match in all.

    Every word of ``q`` must appear, accents and case aside, in the name, brand, category,
    a SKU, barcode or option value. Draft or archived products are listed only to the staff
    of their merchant (NotAuthenticated without an actor, NotStaff for anyone else).
    """
    query = select(Product).join(Merchant, Merchant.id == Product.merchant_id)
    if status is ProductStatus.ACTIVE:
        query = query.where(
            Product.status == ProductStatus.ACTIVE,
            Merchant.is_active,
            _has_variant(active_only=True, channel=channel),
        )
    else:
        if actor is None:
            raise NotAuthenticated("Sign in as staff to see draft or archived products.")
        query = query.where(Product.status == status,
                            Product.merchant_id == staff_merchant(actor))
        if channel is not None:
            query = query.where(_has_variant(active_only=False, channel=channel))
    if merchant_slug is not None:
        query = query.where(Merchant.slug == merchant_slug)
    if category_id is not None:
        query = query.where(Product.category_id == category_id)
    for word in search.words(q):
        query = query.where(Product.search_text.like(search.like_pattern(word), escape="\\"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # search_text starts with the folded name: "Áo" sorts with "ao", the same on both databases.
    page = session.scalars(
        query.order_by(Product.search_text, Product.id).limit(limit).offset(offset)
    ).all()
    return list(page), total


def get_product(session: Session, *, product_id: int, actor: Actor | None = None) -> Product:
    """A product as the actor may see it: its own staff see drafts and archived ones."""
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound("Product not found.", product_id=product_id)
    if _is_staff_of(actor, product.merchant_id):
        return product
    on_sale = any(v.is_active for v in product.variants)
    if product.status is not ProductStatus.ACTIVE or not product.merchant.is_active or not on_sale:
        raise NotFound("Product not found.", product_id=product_id)
    return product


def list_categories(session: Session, *, merchant_slug: str) -> list[Category]:
    """A merchant's categories, by slug: Vietnamese names sort alike on both databases."""
    merchant = stores_service.get_merchant(session, slug=merchant_slug)
    return list(session.scalars(
        select(Category).where(Category.merchant_id == merchant.id)
        .order_by(Category.slug, Category.id)
    ).all())


def find_variant(session: Session, *, actor: Actor, code: str) -> Variant:
    """The variant whose barcode or SKU was scanned or typed at the till, in the actor's
    merchant only. A barcode wins over a SKU that happens to read the same."""
    merchant_id = staff_merchant(actor)
    code = code.strip()
    for column, value in ((Variant.barcode, code), (Variant.sku, code.upper())):
        variant = session.scalar(
            select(Variant).where(Variant.merchant_id == merchant_id, column == value)
        )
        if variant is not None:
            return variant
    raise NotFound("No product has this barcode or SKU.", code=code)


def get_variant(session: Session, *, variant_id: int) -> Variant | None:
    """A variant by id, whatever its merchant: callers check ownership and channel."""
    return session.get(Variant, variant_id)


#: Built once: making the statement anew cost more than running it.
_ON_SALE = and_(Variant.is_active, Product.status == ProductStatus.ACTIVE, Merchant.is_active)
_SALE_TERMS = (
    select(Variant.id, Variant.merchant_id, _ON_SALE, Variant.channels)
    .join(Product, Product.id == Variant.product_id)
    .join(Merchant, Merchant.id == Variant.merchant_id)
    .where(Variant.id.in_(bindparam("ids", expanding=True)))
)


class SaleTerms(NamedTuple):
    """What a stock hold checks of a variant before holding it."""

    merchant_id: int
    #: Shoppers may buy it: the variant, its product and its merchant are all active.
    on_sale: bool
    channels: Channel


def sale_terms(session: Session, *, variant_ids: Iterable[int]) -> dict[int, SaleTerms]:
    """``{variant_id: terms}`` for the ids that exist, whatever their merchant, in one query
    of plain columns on the session's connection (no ORM objects nor the ORM's execution
    layer, so no autoflush: this is on the path of every reservation and search)."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    rows = session.connection().execute(_SALE_TERMS, {"ids": ids})
    return {variant_id: SaleTerms(merchant_id, bool(on_sale), channels)
            for variant_id, merchant_id, on_sale, channels in rows}


def find_variants(session: Session, *, merchant_id: int, skus: Iterable[str] = (),
                  barcodes: Iterable[str] = ()) -> tuple[dict[str, Variant], dict[str, Variant]]:
    """A merchant's variants by the codes of a file, in a few queries:
    ``({SKU: variant}, {barcode: variant})``; SKUs are upper-cased, unknown codes absent."""
    by_sku = _variants_where(session, merchant_id, Variant.sku, {s.upper() for s in skus})
    by_barcode = _variants_where(session, merchant_id, Variant.barcode, set(barcodes))
    return ({v.sku: v for v in by_sku}, {v.barcode: v for v in by_barcode if v.barcode})


def _variants_where(session: Session, merchant_id: int,
                    column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
                    codes: set[str]) -> list[Variant]:
    ordered = sorted(codes)
    found: list[Variant] = []
    for start in range(0, len(ordered), 500):  # bounded IN lists on both databases
        found += session.scalars(select(Variant).where(
            Variant.merchant_id == merchant_id, column.in_(ordered[start:start + 500])))
    return found


def catalogue_size(session: Session, *, actor: Actor) -> tuple[int, int]:
    """How many products (any status) and variants the actor's merchant has."""
    merchant_id = staff_merchant(actor)
    products = session.scalar(
        select(func.count()).select_from(Product).where(Product.merchant_id == merchant_id)
    )
    variants = session.scalar(
        select(func.count()).select_from(Variant).where(Variant.merchant_id == merchant_id)
    )
    return products or 0, variants or 0


# --- changing the catalogue -------------------------------------------------------------------


def _load_category(session: Session, merchant_id: int, category_id: int) -> Category:
    category = session.get(Category, category_id)
    if category is None or category.merchant_id != merchant_id:
        raise NotFound("Category not found.", category_id=category_id)
    return category


def _load_product(session: Session, merchant_id: int, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None or product.merchant_id != merchant_id:
        raise NotFound("Product not found.", product_id=product_id)
    return product


def _load_variant(session: Session, merchant_id: int, variant_id: int) -> Variant:
    variant = session.get(Variant, variant_id)
    if variant is None or variant.merchant_id != merchant_id:
        raise NotFound("Variant not found.", variant_id=variant_id)
    return variant


#: Unique constraints as named by PostgreSQL and by SQLite, and the conflict each one means.
_UNIQUE_CODES: tuple[tuple[tuple[str, str], type[DomainError], str], ...] = (
    (("uq_variants_merchant_id_barcode", "variants.barcode"), BarcodeTaken,
     "Another variant of this merchant has this barcode."),
    (("uq_variants_merchant_id_sku", "variants.sku"), SkuTaken,
     "Another variant of this merchant has this SKU."),
    (("uq_products_merchant_id_slug", "products.slug"), ProductSlugTaken,
     "Another product of this merchant has this slug."),
    (("uq_categories_merchant_id_slug", "categories.slug"), CategorySlugTaken,
     "Another category of this merchant has this slug."),
)


def _conflict_of(exc: IntegrityError) -> DomainError | None:
    """The clear conflict behind a unique constraint another writer won a race for."""
    first_line = str(exc.orig).partition("\n")[0]
    for names, error, message in _UNIQUE_CODES:
        if any(name in first_line for name in names):
            return error(message)
    return None


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        conflict = _conflict_of(exc)
        if conflict is None:
            raise
        raise conflict from exc


def _ensure_codes_free(
    session: Session, merchant_id: int, skus: Iterable[str], barcodes: Iterable[str],
    *, besides: int | None = None,
) -> None:
    """SKUs and barcodes are unique within a merchant (``besides``: the variant changed)."""
    mine = [Variant.merchant_id == merchant_id]
    if besides is not None:
        mine.append(Variant.id != besides)
    skus, barcodes = list(skus), list(barcodes)
    if skus and (sku := session.scalar(
        select(Variant.sku).where(*mine, Variant.sku.in_(skus)).limit(1)
    )):
        raise SkuTaken("Another variant of this merchant has this SKU.", sku=sku)
    if barcodes and (barcode := session.scalar(
        select(Variant.barcode).where(*mine, Variant.barcode.in_(barcodes)).limit(1)
    )):
        raise BarcodeTaken("Another variant of this merchant has this barcode.",
                           barcode=barcode)


def _slug(
    session: Session, column: InstrumentedAttribute[str], mine: list[ColumnElement[bool]],
    *, name: str, wanted: str | None, fallback: str, max_length: int,
) -> str | None:
    """A free slug made from the name, the wanted one if free, or None if it is taken."""
    if wanted is not None:
        return None if session.scalar(select(column).where(*mine, column == wanted)) else wanted
    base = search.slug_base(name, fallback=fallback, max_length=max_length)
    taken = session.scalars(
        select(column).where(*mine, or_(column == base, column.like(f"{base}-%")))
    ).all()
    return search.unique_slug(base, set(taken))


def _product_slug(session: Session, merchant_id: int, name: str, wanted: str | None,
                  *, besides: int | None = None) -> str:
    mine = [Product.merchant_id == merchant_id]
    if besides is not None:
        mine.append(Product.id != besides)
    slug = _slug(session, Product.slug, mine, name=name, wanted=wanted, fallback="product",
                 max_length=190)
    if slug is None:
        raise ProductSlugTaken("Another product of this merchant has this slug.", slug=wanted)
    return slug


def _refresh_search_text(product: Product) -> None:
    """Called after every change of name, brand, category or a variant's codes."""
    product.search_text = search.search_text(
        name=product.name,
        brand=product.brand,
        category=product.category.name if product.category else None,
        variant_words=[word for v in product.variants
                       for word in (v.sku, v.barcode or "", *v.options.values())],
    )


def _images(product_merchant_id: int, images: list[ImageIn]) -> list[ProductImage]:
    return [
        ProductImage(merchant_id=product_merchant_id, url=image.url, alt=image.alt,
                     position=position)
        for position, image in enumerate(images)
    ]


def _new_variant(merchant_id: int, data: VariantCreate) -> Variant:
    return Variant(merchant_id=merchant_id, **data.model_dump())


def create_category(session: Session, *, actor: Actor, data: CategoryCreate) -> Category:
    merchant_id = manager_merchant(actor)
    with transaction(session):
        if data.parent_id is not None:
            _load_category(session, merchant_id, data.parent_id)
        slug = _slug(session, Category.slug, [Category.merchant_id == merchant_id],
                     name=data.name, wanted=data.slug, fallback="category", max_length=110)
        if slug is None:
            raise CategorySlugTaken("Another category of this merchant has this slug.",
                                    slug=data.slug)
        category = Category(merchant_id=merchant_id, parent_id=data.parent_id,
                            name=data.name, slug=slug)
        session.add(category)
        _flush(session)
    return category


def create_product(session: Session, *, actor: Actor, data: ProductCreate) -> Product:
    """A product with its variants and images, all or nothing.

    Raises SkuTaken or BarcodeTaken (also when a concurrent writer took the code first).
    """
    merchant_id = manager_merchant(actor)
    with transaction(session):
        category = (_load_category(session, merchant_id, data.category_id)
                    if data.category_id is not None else None)
        _ensure_codes_free(session, merchant_id, [v.sku for v in data.variants],
                           [v.barcode for v in data.variants if v.barcode])
        product = Product(
            merchant_id=merchant_id,
            slug=_product_slug(session, merchant_id, data.name, data.slug),
            name=data.name, description=data.description, brand=data.brand,
            status=data.status, category=category,
            images=_images(merchant_id, data.images),
            variants=[_new_variant(merchant_id, v) for v in data.variants],
        )
        _refresh_search_text(product)
        session.add(product)
        _flush(session)
    return product


def update_product(
    session: Session, *, actor: Actor, product_id: int, data: ProductUpdate
) -> Product:
    merchant_id = manager_merchant(actor)
    with transaction(session):
        product = _load_product(session, merchant_id, product_id)
        changes = data.model_dump(exclude_unset=True, exclude={"images", "category_id", "slug"})
        for field, value in changes.items():
            setattr(product, field, value)
        if "slug" in data.model_fields_set and data.slug != product.slug:
            product.slug = _product_slug(session, merchant_id, product.name, data.slug,
                                         besides=product.id)
        if "category_id" in data.model_fields_set:
            product.category = (_load_category(session, merchant_id, data.category_id)
                                if data.category_id is not None else None)
        if data.images is not None:
            product.images = _images(merchant_id, data.images)
        _refresh_search_text(product)
        product.updated_at = utcnow()
        _flush(session)
    return product


def add_variant(
    session: Session, *, actor: Actor, product_id: int, data: VariantCreate
) -> Variant:
    merchant_id = manager_merchant(actor)
    with transaction(session):
        product = _load_product(session, merchant_id, product_id)
        _ensure_codes_free(session, merchant_id, [data.sku],
                           [data.barcode] if data.barcode else [])
        variant = _new_variant(merchant_id, data)
        product.variants.append(variant)
        _refresh_search_text(product)
        product.updated_at = utcnow()
        _flush(session)
    return variant


def update_variant(
    session: Session, *, actor: Actor, variant_id: int, data: VariantUpdate
) -> Variant:
    """Change a variant's codes, options, prices, channels or whether it is on sale.

    Raises CompareAtBelowPrice when the result would show a "was" price below the price.
    """
    merchant_id = manager_merchant(actor)
    with transaction(session):
        variant = _load_variant(session, merchant_id, variant_id)
        changes = data.model_dump(exclude_unset=True)
        _ensure_codes_free(
            session, merchant_id,
            [data.sku] if data.sku else [], [data.barcode] if data.barcode else [],
            besides=variant.id,
        )
        for field, value in changes.items():
            setattr(variant, field, value)
        if variant.compare_at_price is not None and variant.compare_at_price < variant.price:
            raise CompareAtBelowPrice("compare_at_price cannot be below price.",
                                      price=variant.price,
                                      compare_at_price=variant.compare_at_price)
        variant.updated_at = utcnow()
        _refresh_search_text(variant.product)
        _flush(session)
    return variant


class ForSale(NamedTuple):
    """What a checkout copies of a variant onto an order line, and the rules it checks."""

    variant_id: int
    merchant_id: int
    product_id: int
    category_id: int | None
    sku: str
    name: str
    price: int
    on_sale: bool
    channels: Channel


def variants_for_sale(session: Session, *, variant_ids: Iterable[int]) -> dict[int, ForSale]:
    """``{variant_id: facts}`` for the ids that exist, whatever their merchant: the name is
    the product's with the variant's options ("Áo thun cotton · Trắng / M")."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Variant.id, Variant.merchant_id, Variant.product_id, Product.category_id,
               Variant.sku, Product.name, Variant.options, Variant.price, _ON_SALE,
               Variant.channels)
        .join(Product, Product.id == Variant.product_id)
        .join(Merchant, Merchant.id == Variant.merchant_id)
        .where(Variant.id.in_(ids))
    )
    found = {}
    for vid, mid, pid, cid, sku, name, options, price, on_sale, channels in rows:
        label = " / ".join(str(value) for value in (options or {}).values())
        found[vid] = ForSale(vid, mid, pid, cid, sku, f"{name} · {label}" if label else name,
                             price, bool(on_sale), channels)
    return found


def category_lineage(session: Session, *, merchant_id: int) -> dict[int, frozenset[int]]:
    """``{category_id: it and all its ancestors}`` for a merchant: a promotion on "Áo" reaches
    a product filed under "Áo > Áo thun"."""
    parents = dict(session.execute(
        select(Category.id, Category.parent_id).where(Category.merchant_id == merchant_id)
    ).all())
    lineage = {}
    for category_id in parents:
        chain: set[int] = set()
        current: int | None = category_id
        while current is not None and current not in chain:
            chain.add(current)
            current = parents.get(current)
        lineage[category_id] = frozenset(chain)
    return lineage


def unknown_ids(session: Session, *, merchant_id: int, variant_ids: Iterable[int] = (),
                product_ids: Iterable[int] = (),
                category_ids: Iterable[int] = ()) -> dict[str, list[int]]:
    """The ids among these that are not the merchant's (a promotion may name only its own)."""
    missing = {}
    for name, model, wanted in (("variant_ids", Variant, set(variant_ids)),
                                ("product_ids", Product, set(product_ids)),
                                ("category_ids", Category, set(category_ids))):
        if not wanted:
            continue
        found = set(session.scalars(select(model.id).where(
            model.id.in_(wanted), model.merchant_id == merchant_id)))
        if wanted - found:
            missing[name] = sorted(wanted - found)
    return missing
