from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from o2o.catalog import search
from o2o.catalog.models import Channel, Product, ProductStatus
from o2o.fields import VND, Ean13, Name
from o2o.schemas import Input, Output

_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ProductSlug = Annotated[str, StringConstraints(pattern=_SLUG, max_length=190)]
CategorySlug = Annotated[str, StringConstraints(pattern=_SLUG, max_length=110)]
ProductName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Brand = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
#: SKUs are compared without regard to case: stored upper-case, "at-do-m" finds "AT-DO-M".
Sku = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=64,
                      pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"),
]
OptionName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
OptionValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Position = Annotated[int, Field(ge=0, le=10_000)]


def _image_url(url: str) -> str:
    if url.startswith(("http://", "https://")) and len(url) > len("https://"):
        return url
    if url.startswith("/") and not url.startswith("//"):
        return url
    raise ValueError("an image is an http(s) URL or a path starting with /")


ImageUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=1000, pattern=r"^\S+$"),
    AfterValidator(_image_url),
]


def _refuse_nulls(model: Input, fields: tuple[str, ...]) -> None:
    """PATCH: leaving a field out keeps it; sending null for a field that needs a value is
    an error rather than a silent no-op."""
    for name in fields:
        if name in model.model_fields_set and getattr(model, name) is None:
            raise ValueError(f"{name} cannot be null; leave it out to keep it")


def _not_below_price(compare_at_price: int | None, info: ValidationInfo) -> int | None:
    price = info.data.get("price")
    if price is not None and compare_at_price is not None and compare_at_price < price:
        raise ValueError("compare_at_price cannot be below price")
    return compare_at_price


class CategoryCreate(Input):
    name: Name
    slug: CategorySlug | None = Field(None, description="From the name when left out")
    parent_id: int | None = None


class CategoryRead(Output):
    id: int
    name: str
    slug: str
    parent_id: int | None


class ImageIn(Input):
    url: ImageUrl
    alt: str = Field("", max_length=200)


class VariantCreate(Input):
    sku: Sku
    barcode: Ean13 | None = Field(None, description="EAN-13 with its check digit")
    options: dict[OptionName, OptionValue] = Field(
        default_factory=dict, max_length=3, examples=[{"Màu": "Đỏ", "Size": "M"}]
    )
    price: VND
    compare_at_price: VND | None = Field(None, description='The "was" price, struck through')
    channels: Channel = Channel.BOTH
    position: Position = 0

    _compare_at = field_validator("compare_at_price")(_not_below_price)


class VariantUpdate(Input):
    """Only the fields given change; null clears ``barcode`` or ``compare_at_price``."""

    sku: Sku | None = None
    barcode: Ean13 | None = None
    options: dict[OptionName, OptionValue] | None = Field(None, max_length=3)
    price: VND | None = None
    compare_at_price: VND | None = None
    channels: Channel | None = None
    position: Position | None = None
    is_active: bool | None = None

    _compare_at = field_validator("compare_at_price")(_not_below_price)

    @model_validator(mode="after")
    def _valid(self) -> "VariantUpdate":
        _refuse_nulls(self, ("sku", "options", "price", "channels", "position", "is_active"))
        return self


class ProductCreate(Input):
    name: ProductName
    slug: ProductSlug | None = Field(None, description="From the name when left out")
    description: str = Field("", max_length=20_000)
    brand: Brand | None = None
    category_id: int | None = None
    status: ProductStatus = ProductStatus.ACTIVE
    images: list[ImageIn] = Field(default_factory=list, max_length=20)
    variants: list[VariantCreate] = Field(min_length=1, max_length=100)

    @field_validator("variants")
    @classmethod
    def _distinct_codes(cls, variants: list[VariantCreate]) -> list[VariantCreate]:
        skus = [v.sku for v in variants]
        barcodes = [v.barcode for v in variants if v.barcode]
        if len(set(skus)) != len(skus):
            raise ValueError("two variants have the same sku")
        if len(set(barcodes)) != len(barcodes):
            raise ValueError("two variants have the same barcode")
        return variants


class ProductUpdate(Input):
    """Only the fields given change; ``images`` are replaced as a whole; null clears
    ``brand`` or ``category_id``."""

    name: ProductName | None = None
    slug: ProductSlug | None = None
    description: str | None = Field(None, max_length=20_000)
    brand: Brand | None = None
    category_id: int | None = None
    status: ProductStatus | None = None
    images: list[ImageIn] | None = Field(None, max_length=20)

    @model_validator(mode="after")
    def _valid(self) -> "ProductUpdate":
        _refuse_nulls(self, ("name", "slug", "description", "status", "images"))
        return self


class MerchantBrief(Output):
    id: int
    slug: str
    name: str


class ImageRead(Output):
    url: str
    alt: str


class VariantRead(Output):
    id: int
    product_id: int
    sku: str
    barcode: str | None
    options: dict[str, str]
    price: int = Field(description="đồng")
    compare_at_price: int | None = Field(description="đồng")
    channels: Channel
    is_active: bool
    position: int


class ProductBrief(Output):
    id: int
    name: str
    slug: str
    status: ProductStatus


class ScannedVariant(VariantRead):
    """What the till shows after a scan; whether it may be sold is the sale's rule."""

    product: ProductBrief


def _offer(product: Product) -> dict[str, Any]:
    """What a shopper sees at a glance, from the variants on sale."""
    on_sale = [v for v in product.variants if v.is_active]
    price_min, price_max = search.price_range(v.price for v in on_sale)
    channels = [v.channels for v in on_sale]
    return {
        "price_min": price_min,
        "price_max": price_max,
        "sold_online": search.sold_in(channels, Channel.ONLINE),
        "sold_in_stores": search.sold_in(channels, Channel.STORE),
    }


class ProductSummary(Output):
    """A product in a list: its first image, price range and where it is sold."""

    id: int
    slug: str
    name: str
    brand: str | None
    status: ProductStatus
    merchant: MerchantBrief
    image: ImageRead | None
    price_min: int | None = Field(description="đồng; null when no variant is on sale")
    price_max: int | None = Field(description="đồng")
    sold_online: bool
    sold_in_stores: bool

    @classmethod
    def of(cls, product: Product) -> "ProductSummary":
        return cls.model_validate({
            "id": product.id, "slug": product.slug, "name": product.name,
            "brand": product.brand, "status": product.status, "merchant": product.merchant,
            "image": product.images[0] if product.images else None, **_offer(product),
        })


class ProductRead(Output):
    """A product with every variant; the price range and channels count active ones only."""

    id: int
    slug: str
    name: str
    description: str
    brand: str | None
    status: ProductStatus
    merchant: MerchantBrief
    category: CategoryRead | None
    images: list[ImageRead]
    variants: list[VariantRead]
    price_min: int | None = Field(description="đồng; null when no variant is on sale")
    price_max: int | None = Field(description="đồng")
    sold_online: bool
    sold_in_stores: bool
    created_at: datetime
    updated_at: datetime | None

    @classmethod
    def of(cls, product: Product) -> "ProductRead":
        fields = {name: getattr(product, name) for name in (
            "id", "slug", "name", "description", "brand", "status", "merchant", "category",
            "images", "variants", "created_at", "updated_at",
        )}
        return cls.model_validate({**fields, **_offer(product)})
