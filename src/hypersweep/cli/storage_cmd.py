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
    from ..storage.sql.engine import create_engine

    url = args.storage or default_storage()
    if not url.startswith(("sqlite", "postgres", "mysql", "mariadb")):
        raise ValueError(f"Schema upgrades apply to SQL storages only, not {url!r}.")
    return create_engine(url)


def run_upgrade(args: argparse.Namespace) -> int:
    from ..storage.sql import SCHEMA_HEAD, current_revision, upgrade

    engine = _engine(args)
    before = current_revision(engine)
    upgrade(engine)
    print(f"Schema upgraded from {before or 'empty'} to {SCHEMA_HEAD}.")
    return 0


def run_version(args: argparse.Namespace) -> int:
    from ..storage.sql import SCHEMA_HEAD, current_revision

    revision = current_revision(_engine(args))
    print(f"schema revision: {revision or 'none (empty database)'}; this hypersweep: {SCHEMA_HEAD}")
    return 0
