"""SQL storage: SQLite (the embedded default), PostgreSQL and MySQL/MariaDB."""

from .engine import StorageError
from .migrate import current_revision, upgrade
from .schema import SCHEMA_HEAD
from .storage import SQLStorage

__all__ = ["SCHEMA_HEAD", "SQLStorage", "StorageError", "current_revision", "upgrade"]
