"""Loyalty points per merchant and the network's cashback."""
