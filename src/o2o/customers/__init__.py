"""Customers as each merchant knows them: profile, consent to be contacted."""
