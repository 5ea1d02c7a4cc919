"""``hypersweep bench``: rerun published HPO comparisons (``yang-shami``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

PEER_METHODS = ("optuna-tpe", "optuna-gp")


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _seeds(text: str) -> list[int]:
    """``"10"`` -> seeds 0-9; ``"3,5,8"`` -> those seeds."""
    try:
        if "," not in text:
            n = int(text)
            if n < 1:
                raise ValueError
            return list(range(n))
        return [int(part) for part in _names(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--seeds takes a count (e.g. 10) or a comma-separated list of ints, got {text!r}"
        ) from None


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("bench", help="rerun published HPO comparisons")
    bench = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    ys = bench.add_parser(
        "yang-shami",
        help="Yang & Shami (2020) Tables 4-9: RF/SVM/KNN on digits and Boston housing",
        description="Every searching method on the six models of Yang & Shami (2020); "
        "writes yang_shami.md (tables beside the paper's cells), yang_shami.json and "
        "yang_shami.png (best-so-far curves) into --out. Needs 'hypersweep[repro]'.",
    )
    ys.add_argument("--out", type=Path, default=Path("bench-yang-shami"), help="output folder")
    ys.add_argument("--seeds", type=_seeds, default=None, help="count or list (default 10)")
    ys.add_argument("--models", type=_names, default=None, help="comma-separated (default all)")
    ys.add_argument("--methods", type=_names, default=None, help="comma-separated (default all)")
    ys.add_argument(
        "--quick",
        action="store_true",
        help="CI smoke test: 2 seeds, 3 evaluations, a sixth of the rows (numbers not comparable)",
    )
    ys.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ys.set_defaults(run=run_yang_shami)


def run_yang_shami(args: argparse.Namespace) -> int:
    from .._internal.optional import import_optional

    import_optional("sklearn", "repro", "hypersweep bench yang-shami")
    from ..bench import yang_shami

    models = args.models or list(yang_shami.MODELS)
    methods = args.methods or list(yang_shami.METHODS)
    if args.methods is None:
        try:
            import optuna  # noqa: F401  (the peers run only where Optuna is installed)
        except ImportError:
            methods = [m for m in methods if m not in PEER_METHODS]
    seeds = args.seeds or (list(range(2)) if args.quick else list(range(10)))
    if args.jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {args.jobs}.")
    start = time.perf_counter()
    results = yang_shami.run_benchmark(
        models,
        methods,
        seeds,
        quick=args.quick,
        jobs=args.jobs,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    paths = yang_shami.write(results, args.out)
    print(yang_shami.markdown(results))
    print()
    print(f"Wrote {', '.join(str(p) for p in paths)} in {time.perf_counter() - start:.0f} s.")
    return 0
