"""Merchants (tenants) and their locations: stores and warehouses."""
