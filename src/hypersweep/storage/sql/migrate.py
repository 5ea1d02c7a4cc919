"""Schema versions: create a new database, refuse an old or newer one, upgrade on request."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from .engine import CREATE_FIRST, SQLITE_BUSY_TIMEOUT_S, StorageError, is_sqlite, safe_url
from .schema import SCHEMA_HEAD, VERSION_TABLE

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (``None``: no hypersweep tables yet)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


@contextlib.contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    """Serialise schema changes between processes opening the same database."""
    if is_sqlite(engine):
        database = engine.url.database
        if not database or database == ":memory:":
            yield
            return
        with open(f"{os.path.abspath(database)}.hypersweep-lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_lock(804913)")
            try:
                yield
            finally:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(804913)")
        else:
            conn.exec_driver_sql("SELECT GET_LOCK('hypersweep_schema', 120)")
            try:
                yield
            finally:
                conn.exec_driver_sql("SELECT RELEASE_LOCK('hypersweep_schema')")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (creating the tables in an empty database)."""
    cfg = _config(engine)
    with _schema_lock(engine), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def known_revisions() -> set[str]:
    script = ScriptDirectory(str(MIGRATIONS))
    return {rev.revision for rev in script.walk_revisions()}


def _no_storage(path: str, tables: list[str]) -> StorageError:
    what = (
        f"a SQLite database with other tables: {', '.join(sorted(tables)[:5])}"
        f"{', ...' if len(tables) > 5 else ''}"
        if tables
        else "an empty SQLite database"
    )
    return StorageError(f"{path} holds no hypersweep storage ({what}); {CREATE_FIRST}.")


def require_sqlite_storage(path: str) -> None:
    """Refuse, without changing it, an existing SQLite file that holds no hypersweep storage
    (zero bytes, another application's database): reading must not turn it into one."""
    if os.path.getsize(path) == 0:
        raise StorageError(f"{path} holds no hypersweep storage (0 bytes); {CREATE_FIRST}.")
    # mode=rw never creates the file; a plain read leaves it (and its journal mode) as it is.
    uri = f"file:{urllib.parse.quote(path)}?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)
        try:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"{path} is not a usable SQLite database ({exc}); point the storage URL at a "
            "hypersweep .db file."
        ) from None
    tables = [str(row[0]) for row in rows]
    if VERSION_TABLE not in tables:
        raise _no_storage(path, tables)


def ensure_schema(engine: Engine, *, create: bool = True) -> None:
    """Create the schema in a new database; refuse an out-of-date or newer one clearly.

    With ``create=False`` a SQLite file without hypersweep's tables is refused instead
    (reading a study must not turn an unrelated file into a storage).
    """
    revision = current_revision(engine)
    if revision == SCHEMA_HEAD:
        return
    url = safe_url(engine.url.render_as_string(hide_password=False))
    if revision is None:
        if not create and is_sqlite(engine):
            path = os.path.abspath(engine.url.database or "")
            raise _no_storage(path, sa.inspect(engine).get_table_names())
        upgrade(engine)
        return
    if revision not in known_revisions():
        raise StorageError(
            f"The database {url!r} has schema revision {revision!r}, written by a newer "
            f"hypersweep (this one knows up to {SCHEMA_HEAD!r}). Upgrade hypersweep."
        )
    raise StorageError(
        f"The database {url!r} has schema revision {revision!r}; this hypersweep needs "
        f"{SCHEMA_HEAD!r}. Back it up, then run: hypersweep storage upgrade --storage URL"
    )
