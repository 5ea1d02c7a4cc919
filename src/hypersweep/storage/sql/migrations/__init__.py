"""Alembic migrations of the SQL storage (run by ``hypersweep storage upgrade``)."""
