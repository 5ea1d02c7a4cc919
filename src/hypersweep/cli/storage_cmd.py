"""``hypersweep storage``: schema version and upgrades of SQL storages."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import add_storage, default_storage


def add_parser(sub: Any) -> None:
    storage = sub.add_parser("storage", help="schema version and upgrade of a SQL storage")
    actions = storage.add_subparsers(dest="action", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="migrate a database to this version's schema")
    add_storage(upgrade)
    upgrade.set_defaults(run=run_upgrade)
    version = actions.add_parser("version", help="show the database's schema revision")
    add_storage(version)
    version.set_defaults(run=run_version)


def _engine(args: argparse.Namespace) -> Any:
    from ..storage.sql.engine import create_engine, sqlite_file

    url = args.storage or default_storage()
    if not url.startswith(("sqlite", "postgres", "mysql", "mariadb")):
        raise ValueError(f"Schema upgrades apply to SQL storages only, not {url!r}.")
    sqlite_file(url, create=False)  # never create a SQLite file only to look at it
    return create_engine(url)


def _revision(engine: Any, url: str) -> str | None:
    from sqlalchemy.exc import DBAPIError

    from ..storage.sql import current_revision
    from ..storage.sql.engine import connection_error

    try:
        return current_revision(engine)
    except DBAPIError as exc:
        raise connection_error(url, exc) from exc


def run_upgrade(args: argparse.Namespace) -> int:
    from ..storage.sql import SCHEMA_HEAD, upgrade

    engine = _engine(args)
    try:
        before = _revision(engine, args.storage or default_storage())
        if before == SCHEMA_HEAD:
            print(f"Schema already at the current revision {SCHEMA_HEAD}; nothing to upgrade.")
            return 0
        upgrade(engine)
    finally:
        engine.dispose()  # closing the last connection folds SQLite's -wal into the file
    print(f"Schema upgraded from {before or 'empty'} to {SCHEMA_HEAD}.")
    return 0


def run_version(args: argparse.Namespace) -> int:
    from ..storage.sql import SCHEMA_HEAD

    engine = _engine(args)
    try:
        revision = _revision(engine, args.storage or default_storage())
    finally:
        engine.dispose()
    print(f"schema revision: {revision or 'none (empty database)'}; this hypersweep: {SCHEMA_HEAD}")
    return 0
