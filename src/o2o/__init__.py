"""o2o: online-to-offline retail on one catalogue, one stock and one customer."""

__version__ = "0.1.0"
