"""Optimisation quality: best value after N trials, median over seeds, and mean ranks.

    python benchmarks/quality.py --solvers hs-random optuna-random --trials 100 --seeds 10
    python benchmarks/quality.py --problems branin-2d --seeds 3
    python benchmarks/quality.py --solvers hs-tpe optuna-tpe hyperopt-tpe --json out.json
    python benchmarks/quality.py --solvers hs-tpe hs-blendsearch hs-cfo --seeds 5

Ranks are computed per problem on the median best value (1 = best; ties share the mean
rank); the mean rank over problems summarises each solver.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from problems import PROBLEMS
from solvers import SOLVERS, _hypersweep


def _cost_frugal(kind: str) -> object:
    """CFO / BlendSearch (default global sampler: TPE). These problems' cost does not
    depend on the configuration, so every trial costs 1 (``"@trials"``: reproducible)."""

    def make(seed: int) -> object:
        import hypersweep as hs

        if kind == "cfo":
            return hs.samplers.CFOSampler(cost_attr="@trials", seed=seed)
        share = float(kind.partition("-")[2] or 0) / 100
        return hs.samplers.BlendSearchSampler(cost_attr="@trials", seed=seed, global_share=share)

    return make


SOLVERS.setdefault("hs-cfo", _hypersweep(_cost_frugal("cfo")))
SOLVERS.setdefault("hs-blendsearch", _hypersweep(_cost_frugal("blendsearch")))
for _share in (25, 50, 75):  # BlendSearch with a floor on the global sampler's share (percent)
    SOLVERS.setdefault(f"hs-blendsearch-g{_share}", _hypersweep(_cost_frugal(f"bs-{_share}")))


def _auto(seed: int) -> object:
    import hypersweep as hs

    return hs.samplers.AutoSampler(seed=seed)


SOLVERS.setdefault("hs-auto", _hypersweep(_auto))


def ranks(values: dict[str, float]) -> dict[str, float]:
    """Rank solvers by value (lower is better); ties share the mean rank."""
    ordered = sorted(values.items(), key=lambda kv: kv[1])
    result: dict[str, float] = {}
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1][1] == ordered[i][1]:
            j += 1
        for k in range(i, j + 1):
            result[ordered[k][0]] = (i + j) / 2 + 1
        i = j + 1
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solvers", nargs="+", default=sorted(SOLVERS))
    parser.add_argument("--problems", nargs="+", default=sorted(PROBLEMS))
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--json", help="also write every best value to this file")
    args = parser.parse_args()
    unknown = [p for p in args.problems if p not in PROBLEMS] + [
        s for s in args.solvers if s not in SOLVERS
    ]
    if unknown:
        parser.error(f"unknown problem or solver: {unknown}; see problems.py and solvers.py")
    raw: dict[str, dict[str, list[float]]] = {}
    medians: dict[str, dict[str, float]] = {}
    for pname in args.problems:
        problem = PROBLEMS[pname]
        medians[pname] = {}
        for sname in args.solvers:
            start = time.perf_counter()
            try:
                bests = [SOLVERS[sname](problem, seed, args.trials) for seed in range(args.seeds)]
            except ImportError as exc:
                print(f"{pname:<20} {sname:<16} missing ({exc})")
                continue
            raw.setdefault(pname, {})[sname] = bests
            medians[pname][sname] = statistics.median(bests)
            elapsed = time.perf_counter() - start
            print(
                f"{pname:<20} {sname:<16} median best {medians[pname][sname]:>12.6g}  "
                f"({elapsed:.1f} s)",
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(json.dumps({"trials": args.trials, "best": raw}, indent=1))
    rank_sums: dict[str, list[float]] = {s: [] for s in args.solvers}
    for values in medians.values():
        for sname, r in ranks(values).items():
            rank_sums[sname].append(r)
    print(f"\nmean rank over {len(medians)} problems ({args.trials} trials, {args.seeds} seeds):")
    for sname, rs in sorted(rank_sums.items(), key=lambda kv: statistics.mean(kv[1] or [99])):
        if rs:
            print(f"  {sname:<16} {statistics.mean(rs):.2f}")


if __name__ == "__main__":
    main()
