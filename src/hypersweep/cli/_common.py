"""Arguments and helpers shared by the command groups."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..storage import Storage, get_storage

DEFAULT_STORAGE = "sqlite:///hypersweep.db"
STORAGE_ENV = "HYPERSWEEP_STORAGE"


def default_storage() -> str:
    """The storage URL used when ``--storage`` is not given."""
    return os.environ.get(STORAGE_ENV, DEFAULT_STORAGE)


def add_storage(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--storage",
        default=None,
        help=f"storage URL (default: ${STORAGE_ENV} or {DEFAULT_STORAGE})",
    )


def add_study(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--study", required=required, help="study name")


def open_storage(args: argparse.Namespace, *, create: bool = False, **options: Any) -> Storage:
    """The storage of ``--storage``; only commands that create pass ``create=True``: the
    others refuse a SQLite file that does not exist rather than create it."""
    return get_storage(args.storage or default_storage(), create=create, **options)
