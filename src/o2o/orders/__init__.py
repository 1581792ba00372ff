"""Checkout, orders, their fulfilment state machines, pickup codes and returns."""
