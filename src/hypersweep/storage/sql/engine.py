"""Engines for the SQL storage: URL normalisation, SQLite pragmas, readable errors."""

from __future__ import annotations

import contextlib
import os
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


_SQLITE_HEADER = b"SQLite format 3\x00"

CREATE_FIRST = (
    "create a study first (create_study or `hypersweep worker --create`) or pass the right "
    "storage URL (--storage)"
)


def sqlite_file(url: str, *, create: bool) -> str | None:
    """The absolute path of the SQLite file ``url`` names, after checking it can be used.

    ``None`` for server URLs and for an explicit in-memory SQLite (``sqlite:///:memory:`` or
    a ``file:`` URI). Raises ``ValueError`` for a URL without a path, and ``StorageError``
    for a missing folder, a folder in place of the file, a file that is not SQLite, and
    (with ``create=False``) a file that does not exist: reading never creates a database.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database:
        raise ValueError(
            f"The SQLite URL {url!r} names no file, so nothing would be kept: give a file path "
            "such as 'sqlite:///study.db' (relative) or 'sqlite:////abs/study.db', or use the "
            "in-memory storage (storage=None) on purpose."
        )
    if database == ":memory:" or str(parsed.query.get("uri", "")).lower() in ("true", "1"):
        return None
    path = os.path.abspath(database)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise StorageError(
            f"The folder {folder} does not exist, so the SQLite database {path} can be neither "
            "opened nor created; create the folder or fix the path in the storage URL."
        )
    if os.path.isdir(path):
        raise StorageError(
            f"{path} is a folder, not a SQLite database file; give the path of a .db file."
        )
    if not os.path.exists(path):
        if create:
            return path
        raise StorageError(f"No SQLite database at {path}; {CREATE_FIRST}.")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(f"Cannot read the SQLite database {path}: {exc.strerror}.") from None
    if header and header != _SQLITE_HEADER:
        raise StorageError(
            f"{path} is not a SQLite database (it does not start with the SQLite header), so "
            "it holds no hypersweep storage; point the storage URL at a hypersweep .db file."
        )
    return path


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
    """A readable error for a database that cannot be opened (a server or a SQLite file)."""
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
    try:
        parsed = sa.make_url(url)
    except Exception:
        parsed = None
    if parsed is not None and parsed.get_backend_name() == "sqlite":
        where = os.path.abspath(parsed.database) if parsed.database else "(in memory)"
        return StorageError(
            f"Cannot open the SQLite database {where}: {reason}. Check that it is a hypersweep "
            "SQLite file (not another kind of file), that you may read and write it and its "
            "folder (SQLite writes -wal and -shm files beside it), and that the disk has room."
        )
    return StorageError(
        f"Cannot open the storage {safe_url(url)!r}: {reason}. Check that the server runs, "
        "the database exists and the URL (user, host, port, name) is right."
    )
