"""Alembic environment: always driven programmatically with a connection in attributes."""

from __future__ import annotations

from alembic import context

from hypersweep.storage.sql.schema import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    version_table=VERSION_TABLE,
)
with context.begin_transaction():
    context.run_migrations()
