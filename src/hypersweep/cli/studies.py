"""``hypersweep studies``: list, create, delete and copy studies."""

from __future__ import annotations

import argparse
from typing import Any

from ..storage import get_storage
from ..study import copy_study, create_study
from ._common import add_storage, add_study, open_storage
from ._table import render


def add_parsers(sub: Any) -> None:
    studies = sub.add_parser("studies", help="list, create, delete or copy studies")
    actions = studies.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="list the studies of a storage")
    add_storage(listing)
    listing.set_defaults(run=run_list)

    create = actions.add_parser("create", help="create a study")
    add_storage(create)
    add_study(create)
    create.add_argument(
        "--direction",
        action="append",
        choices=["minimize", "maximize"],
        help="objective direction; repeat it for several objectives (default: minimize)",
    )
    create.set_defaults(run=run_create)

    delete = actions.add_parser("delete", help="delete a study and its trials")
    add_storage(delete)
    add_study(delete)
    delete.set_defaults(run=run_delete)

    copy = actions.add_parser("copy", help="copy a study (all its trials) to another storage")
    add_storage(copy)
    add_study(copy)
    copy.add_argument("--to-storage", required=True, help="destination storage URL")
    copy.add_argument("--to-study", default=None, help="destination name (default: the same)")
    copy.set_defaults(run=run_copy)


def run_list(args: argparse.Namespace) -> int:
    infos = open_storage(args).get_all_studies()
    rows = [
        [s.study_name, ", ".join(d.name.lower() for d in s.directions), s.n_trials] for s in infos
    ]
    print(render(["study", "directions", "trials"], rows))
    return 0


def run_create(args: argparse.Namespace) -> int:
    directions = args.direction or ["minimize"]
    storage = open_storage(args, create=True)
    create_study(storage=storage, study_name=args.study, directions=directions)
    print(f"Created study {args.study!r} ({', '.join(directions)}).")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    storage = open_storage(args)
    storage.delete_study(storage.get_study_id_from_name(args.study))
    print(f"Deleted study {args.study!r}.")
    return 0


def run_copy(args: argparse.Namespace) -> int:
    target = args.to_study or args.study
    n = copy_study(
        from_study_name=args.study,
        from_storage=open_storage(args),
        to_storage=get_storage(args.to_storage),
        to_study_name=target,
    )
    print(f"Copied {n} trials of {args.study!r} to {target!r}.")
    return 0
