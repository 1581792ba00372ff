from o2o.errors import Conflict, InvalidInput


class SkuTaken(Conflict):
    """Another variant of the merchant already has this SKU."""

    code = "sku_taken"


class BarcodeTaken(Conflict):
    """Another variant of the merchant already has this barcode."""

    code = "barcode_taken"


class ProductSlugTaken(Conflict):
    """Another product of the merchant already has this slug."""

    code = "product_slug_taken"


class CategorySlugTaken(Conflict):
    """Another category of the merchant already has this slug."""

    code = "category_slug_taken"


class CompareAtBelowPrice(InvalidInput):
    """The struck-through "was" price cannot be below the price charged."""

    code = "compare_at_below_price"
