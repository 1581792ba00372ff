"""Promotions: one pure engine that prices a cart wherever a price is computed."""
