"""Products, variants (SKU, barcode, options), prices in đồng and channel assortment."""
