"""``hypersweep studies``, ``trials`` and ``best``: look into a storage."""

from __future__ import annotations

import argparse
from typing import Any

from ..storage import get_storage
from ..study import load_study
from ._table import format_value, render, trials_table


def add_parsers(sub: Any) -> None:
    studies = sub.add_parser("studies", help="list or delete the studies of a storage")
    studies_sub = studies.add_subparsers(dest="action", required=True)
    listing = studies_sub.add_parser("list", help="list the studies")
    listing.add_argument("--storage", required=True, help="storage URL")
    listing.set_defaults(run=run_list)
    delete = studies_sub.add_parser("delete", help="delete a study and its trials")
    delete.add_argument("--storage", required=True, help="storage URL")
    delete.add_argument("--study", required=True, help="study name")
    delete.set_defaults(run=run_delete)

    trials = sub.add_parser("trials", help="show the trials of a study")
    trials.add_argument("--storage", required=True, help="storage URL")
    trials.add_argument("--study", required=True, help="study name")
    trials.set_defaults(run=run_trials)

    best = sub.add_parser("best", help="show the best trial of a study")
    best.add_argument("--storage", required=True, help="storage URL")
    best.add_argument("--study", required=True, help="study name")
    best.set_defaults(run=run_best)


def run_list(args: argparse.Namespace) -> int:
    infos = get_storage(args.storage).get_all_studies()
    rows = [
        [s.study_name, ", ".join(d.name.lower() for d in s.directions), s.n_trials] for s in infos
    ]
    print(render(["study", "directions", "trials"], rows))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    storage = get_storage(args.storage)
    storage.delete_study(storage.get_study_id_from_name(args.study))
    print(f"Deleted study {args.study!r}.")
    return 0


def run_trials(args: argparse.Namespace) -> int:
    study = load_study(study_name=args.study, storage=args.storage)
    print(trials_table(study.trials))
    return 0


def run_best(args: argparse.Namespace) -> int:
    study = load_study(study_name=args.study, storage=args.storage)
    for trial in study.best_trials:
        values = ", ".join(format_value(v) for v in trial.values or ())
        print(f"trial {trial.number}: {values}")
        for name, value in trial.params.items():
            print(f"  {name} = {format_value(value)}")
    return 0
