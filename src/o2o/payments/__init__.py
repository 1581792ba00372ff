"""Payments: VietQR, cards, e-wallets, cash and 0 % instalments, and their provider events."""
