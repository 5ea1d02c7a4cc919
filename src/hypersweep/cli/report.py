"""``hypersweep report``: one self-contained HTML file of a study (needs the ``plot`` extra)."""

from __future__ import annotations

import argparse
from typing import Any

from ..study import load_study
from ._common import add_storage, add_study, open_storage


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "report",
        help="write a self-contained HTML report of a study (plots, importances)",
        description="Write one HTML file with the study's summary, best trials, plots and "
        "parameter importances; plotly.js is inlined, so it opens offline.",
    )
    add_study(parser)
    add_storage(parser)
    parser.add_argument("-o", "--output", default="report.html", help="output file")
    parser.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    from ..visualization.report import write_report

    study = load_study(study_name=args.study, storage=open_storage(args))
    path = write_report(study, args.output)
    print(f"wrote {path}")
    return 0
