"""Alembic migrations of the registry's schema, shipped inside the installed package.

Driven from Python by registry.schema; there is no alembic.ini to find.
"""
