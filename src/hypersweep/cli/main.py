"""Entry point of the ``hypersweep`` console script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._internal.exceptions import HypersweepError
from . import bench, demo, report, storage_cmd, studies, transfer, trials, worker


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="hypersweep", description="Hyperparameter optimisation from the command line."
    )
    parser.add_argument("--version", action="version", version=f"hypersweep {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo.add_parser(sub)
    studies.add_parsers(sub)
    trials.add_parsers(sub)
    transfer.add_parsers(sub)
    worker.add_parser(sub)
    storage_cmd.add_parser(sub)
    report.add_parser(sub)
    bench.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except (HypersweepError, ValueError, TypeError, ImportError, KeyError) as exc:
        print(f"hypersweep: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Ctrl-C (or SIGTERM, which the study turns into the same): what finished is stored,
        # the trial that was running is recorded as FAIL; rerun the command to go on.
        print(
            f"hypersweep {args.command}: interrupted; finished trials are kept, a running one "
            "is recorded as failed. Run the command again to go on.",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
