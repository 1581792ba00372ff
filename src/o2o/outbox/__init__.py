"""Events written in the transaction of the change that caused them, delivered after it."""
