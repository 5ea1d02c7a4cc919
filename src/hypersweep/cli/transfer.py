"""``hypersweep export`` and ``import``: studies to files, and in from Optuna storages."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..study import load_study
from ..study._transfer import export_trials, import_optuna_study
from ._common import add_storage, add_study, open_storage


def add_parsers(sub: Any) -> None:
    export = sub.add_parser("export", help="write a study's trials as CSV or JSON")
    add_storage(export)
    add_study(export)
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")
    export.set_defaults(run=run_export)

    imp = sub.add_parser("import", help="import a study from an Optuna storage URL")
    imp.add_argument(
        "--from",
        dest="source",
        required=True,
        help="Optuna storage: an RDB URL (sqlite:///optuna.db, postgresql://...) or "
        "journal:///path/to/optuna.log",
    )
    add_study(imp)
    add_storage(imp)
    imp.add_argument("--to-study", default=None, help="name in hypersweep (default: the same)")
    imp.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    study = load_study(study_name=args.study, storage=open_storage(args))
    text = export_trials(study.trials, args.format)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        print(f"Wrote {len(study.trials)} trials to {args.output}.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    imported, skipped = import_optuna_study(
        from_storage=args.source,
        study_name=args.study,
        to_storage=open_storage(args, create=True),
        to_study_name=args.to_study,
    )
    print(
        f"Imported {imported} trials of {args.study!r}"
        + (f" ({skipped} running trials skipped)." if skipped else ".")
    )
    return 0
