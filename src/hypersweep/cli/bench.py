"""``hypersweep bench``: rerun published HPO comparisons (``yang-shami``, ``gan``)."""

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
    gan = bench.add_parser(
        "gan",
        help="the W&B report's DCGAN comparison: RS(10), BO(10), ASHA(20), PBT(5), PBT(10)",
        description="Tune a DCGAN's two learning rates on scikit-learn's digits (upscaled to "
        "32x32) with random search, BO, ASHA and PBT at equal total training steps, scored by "
        "an inception score from a small classifier trained once (cached); writes gan.md "
        "(the table beside the report's ordering), gan.json and gan.png (best IS against "
        "training steps and wall time) into --out. Needs 'hypersweep[gan]'. The default size "
        "took 19 min on 2 shared CPU cores (docs/reproduction.md).",
    )
    gan.add_argument("--out", type=Path, default=Path("bench-gan"), help="output folder")
    gan.add_argument("--seeds", type=_seeds, default=None, help="count or list (default 2)")
    gan.add_argument("--methods", type=_names, default=None, help="comma-separated (default all)")
    gan.add_argument(
        "--quick",
        action="store_true",
        help="CI smoke test: 1 seed, 120 steps per method, width 8 (numbers not comparable)",
    )
    gan.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="default cpu")
    gan.add_argument(
        "--budget", type=int, default=None, help="training steps per method and seed (1800)"
    )
    gan.add_argument("--width", type=int, default=None, help="DCGAN feature maps (16; Ray's 32)")
    gan.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    gan.add_argument(
        "--cache", type=Path, default=None, help="classifier cache (default OUT/cache)"
    )
    gan.set_defaults(run=run_gan)


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


def run_gan(args: argparse.Namespace) -> int:
    from .._internal.optional import import_optional

    torch = import_optional("torch", "gan", "hypersweep bench gan")
    import_optional("sklearn", "gan", "hypersweep bench gan (digits)")
    from ..bench import gan

    if args.threads < 1:
        raise ValueError(f"--threads must be >= 1, got {args.threads}.")
    setup = gan.sized(args.quick, budget=args.budget, width=args.width, device=args.device)
    methods = args.methods or list(gan.METHODS)
    seeds = args.seeds or (list(range(1)) if args.quick else list(range(2)))
    start = time.perf_counter()
    threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)  # the process's own setting comes back afterwards
    try:
        results = gan.run_benchmark(
            methods,
            seeds,
            setup,
            quick=args.quick,
            cache=args.cache or args.out / "cache",
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    finally:
        torch.set_num_threads(threads)
    paths = gan.write(results, args.out)
    print(gan.markdown(results))
    print()
    print(f"Wrote {', '.join(str(p) for p in paths)} in {time.perf_counter() - start:.0f} s.")
    return 0
