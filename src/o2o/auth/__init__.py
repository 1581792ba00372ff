"""People who sign in (operator, merchant staff, customers), tokens and permissions."""
