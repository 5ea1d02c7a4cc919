"""Engines for the SQL storage: URL normalisation, SQLite pragmas, readable errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from ..._internal.exceptions import HypersweepError
from ..._internal.optional import import_optional

SQLITE_BUSY_TIMEOUT_S = 60.0

_DRIVERS = {
    "postgresql": ("postgresql+psycopg", "psycopg", "postgresql"),
    "postgres": ("postgresql+psycopg", "psycopg", "postgresql"),
    "postgresql+psycopg": ("postgresql+psycopg", "psycopg", "postgresql"),
    "mysql": ("mysql+pymysql", "pymysql", "mysql"),
    "mysql+pymysql": ("mysql+pymysql", "pymysql", "mysql"),
    "mariadb": ("mariadb+pymysql", "pymysql", "mysql"),
    "mariadb+pymysql": ("mariadb+pymysql", "pymysql", "mysql"),
}


class StorageError(HypersweepError):
    """The storage cannot be used as given (unreachable server, wrong schema, bad URL)."""


def safe_url(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def normalise_url(url: str) -> sa.URL:
    """Parse ``url`` and pick the well-kept driver for bare ``postgresql://`` / ``mysql://``."""
    try:
        parsed = sa.make_url(url)
    except Exception as exc:
        raise ValueError(
            f"Invalid storage URL {url!r}: {exc}. Examples: 'sqlite:///study.db', "
            "'postgresql://user@localhost/db', 'mysql+pymysql://user@localhost/db'."
        ) from None
    backend = parsed.drivername
    if backend in _DRIVERS:
        driver, module, extra = _DRIVERS[backend]
        import_optional(module, extra, f"Storage on {parsed.get_backend_name()}")
        parsed = parsed.set(drivername=driver)
    elif not backend.startswith("sqlite"):
        raise ValueError(
            f"Unsupported database {backend!r} in {safe_url(url)!r}; hypersweep stores studies in "
            "SQLite, PostgreSQL (psycopg 3) or MySQL/MariaDB (PyMySQL)."
        )
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN IMMEDIATE ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


def create_engine(url: str, **engine_kwargs: Any) -> Engine:
    """An engine for ``url``: SQLite gets WAL, a busy timeout and explicit write locks;
    servers get READ COMMITTED and connection health checks."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        kwargs: dict[str, Any] = {
            "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        }
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = sa.pool.StaticPool  # one shared in-memory database
        kwargs.update(engine_kwargs)
        engine = sa.create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs = {"pool_pre_ping": True, "isolation_level": "READ COMMITTED", "pool_size": 2}
    kwargs.update(engine_kwargs)
    return sa.create_engine(parsed, **kwargs)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the write lock at once (``BEGIN IMMEDIATE`` on SQLite), so
    concurrent writers queue on the busy timeout instead of failing with "database is
    locked" when a read transaction tries to upgrade."""
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            conn.exec_driver_sql("COMMIT")
        else:
            with conn.begin():
                yield conn


@contextlib.contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A consistent read (one snapshot on SQLite's WAL; READ COMMITTED on servers)."""
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn.exec_driver_sql("BEGIN")
            try:
                yield conn
            finally:
                conn.exec_driver_sql("COMMIT")
        else:
            with conn.begin():
                yield conn


def connection_error(url: str, exc: BaseException) -> StorageError:
    """A readable error for a server that cannot be reached."""
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
    return StorageError(
        f"Cannot open the storage {safe_url(url)!r}: {reason}. Check that the server runs, "
        "the database exists and the URL (user, host, port, name) is right."
    )
