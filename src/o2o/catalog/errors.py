from o2o.errors import Conflict, InvalidInput


class SkuTaken(Conflict):
    code = "sku_taken"


class BarcodeTaken(Conflict):
    code = "barcode_taken"


class ProductSlugTaken(Conflict):
    code = "product_slug_taken"


class CategorySlugTaken(Conflict):
    code = "category_slug_taken"


class CompareAtBelowPrice(InvalidInput):
    """The struck-through "was" price cannot be below the price charged."""

    code = "compare_at_below_price"
