"""The demo network: a realistic one to click through, and generated ones at benchmark scale.

This package is a data loader, like a test fixture: it is the one place that writes other
domains' tables directly (SQLAlchemy Core bulk inserts; COPY on PostgreSQL), because going
through the services row by row would take hours at a million customers.
"""
