from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from o2o.orm import Base, BigId, CreatedAt, IdPk, Money, str_enum
from o2o.stores.models import Merchant


class ProductStatus(StrEnum):
    DRAFT = "draft"  # being prepared, only staff see it
    ACTIVE = "active"  # on sale
    ARCHIVED = "archived"  # no longer sold, kept for order history


class Channel(StrEnum):
    """Where a variant may be sold: the channel assortment."""

    BOTH = "both"
    ONLINE = "online"
    STORE = "store"


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("merchant_id", "slug"),)

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("categories.id"))
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120))


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("merchant_id", "slug"),
        Index("ix_products_merchant_id_status", "merchant_id", "status"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    category_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("categories.id"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    brand: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[ProductStatus] = mapped_column(
        str_enum(ProductStatus), default=ProductStatus.ACTIVE
    )
    #: Name, brand and category folded to lower-case ASCII, so "ao thun" finds "Áo thun".
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]

    variants: Mapped[list["Variant"]] = relationship(
        back_populates="product", order_by="Variant.position, Variant.id", lazy="selectin"
    )
    images: Mapped[list["ProductImage"]] = relationship(
        order_by="ProductImage.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    category: Mapped[Category | None] = relationship(lazy="selectin")
    #: Read-only: who sells it, shown with the product (the merchant is the stores domain's).
    merchant: Mapped[Merchant] = relationship(lazy="selectin", viewonly=True)


class ProductImage(Base):
    __tablename__ = "product_images"

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(1000))
    alt: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)


class Variant(Base):
    """What is stocked, scanned and sold: one size/colour of a product."""

    __tablename__ = "variants"
    __table_args__ = (
        UniqueConstraint("merchant_id", "sku"),
        UniqueConstraint("merchant_id", "barcode"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint(
            "compare_at_price IS NULL OR compare_at_price >= price", name="compare_at_price"
        ),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    #: EAN-13, checked digit and all.
    barcode: Mapped[str | None] = mapped_column(String(13))
    #: e.g. {"Màu": "Đỏ", "Size": "M"}; order is the display order.
    options: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    price: Mapped[Money]
    #: The "was" price shown struck through; never below the price.
    compare_at_price: Mapped[Money | None]
    channels: Mapped[Channel] = mapped_column(str_enum(Channel), default=Channel.BOTH)
    is_active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship(back_populates="variants")
