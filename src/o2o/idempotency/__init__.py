"""Idempotency keys with Stripe's semantics for every request that creates or moves money."""
