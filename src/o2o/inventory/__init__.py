"""One stock for every channel: levels, the movement ledger and reservations."""
