"""Time per trial of GP-BO: hypersweep's GPSampler vs Optuna's GPSampler, in one run.

    python benchmarks/gp_time.py                         # 200 trials side by side + 1,000 alone
    python benchmarks/gp_time.py --trials 200 --long-trials 0 --seeds 0 1

The objective is a cheap 5-D problem (``sphere-5d`` of ``benchmarks/problems.py`` by default),
so the time measured is the sampler's. Storage is in memory. Part 1 reports the average
ms/trial over ``--trials`` trials for both libraries and their ratio; part 2 runs hypersweep
alone for ``--long-trials`` trials and compares the ms/trial of trials 200-300 with that of
the last 100 (bounded cost: the ratio should stay below 2).

Optuna's GPSampler needs torch (``pip install torch``); a missing peer is reported as such.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from problems import PROBLEMS


class _Clock:
    """Records wall and CPU time at the end of every trial (a study callback).

    CPU time (of the whole process, all threads) is reported next to wall time: on a shared
    machine it moves much less with the load of other processes.
    """

    def __init__(self) -> None:
        self.stamps = [time.perf_counter()]
        self.cpu = [time.process_time()]

    def __call__(self, study: Any, trial: Any) -> None:
        self.stamps.append(time.perf_counter())
        self.cpu.append(time.process_time())

    def ms_per_trial(self, start: int, stop: int, cpu: bool = False) -> float:
        """Mean ms/trial over trials ``start`` (0-based) to ``stop`` (excluded)."""
        marks = self.cpu if cpu else self.stamps
        return (marks[stop] - marks[start]) / (stop - start) * 1e3


def run_hypersweep(problem: str, n_trials: int, seed: int) -> tuple[_Clock, float]:
    import hypersweep as hs
    from hypersweep.samplers.gp import GPSampler

    clock = _Clock()
    study = hs.create_study(sampler=GPSampler(seed=seed))
    study.optimize(PROBLEMS[problem].objective, n_trials=n_trials, callbacks=[clock])
    return clock, float(study.best_value)


def run_optuna(problem: str, n_trials: int, seed: int) -> tuple[_Clock, float]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        import torch  # noqa: F401  (Optuna's GPSampler imports it lazily; fail early)
    except ImportError as exc:
        raise ImportError(f"Optuna's GPSampler needs torch: {exc}") from exc
    clock = _Clock()
    study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=seed))
    study.optimize(PROBLEMS[problem].objective, n_trials=n_trials, callbacks=[clock])
    return clock, float(study.best_value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="sphere-5d")
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--long-trials", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--skip-optuna", action="store_true")
    args = parser.parse_args()

    print(f"part 1: {args.problem}, {args.trials} trials, seeds {args.seeds}")
    print(f"{'library':<11} {'seed':>4} {'ms/trial':>9} {'cpu ms':>9} {'best':>12}")
    results: dict[str, list[float]] = {}
    cpu_results: dict[str, list[float]] = {}
    peers = [("hypersweep", run_hypersweep)]
    if not args.skip_optuna:
        peers.append(("optuna", run_optuna))
    for seed in args.seeds:
        for name, fn in peers:
            gc.collect()
            try:
                clock, best = fn(args.problem, args.trials, seed)
            except ImportError as exc:
                print(f"{name:<11} {seed:>4} {'missing':>9}  ({exc})")
                continue
            ms = clock.ms_per_trial(0, args.trials)
            cpu = clock.ms_per_trial(0, args.trials, cpu=True)
            results.setdefault(name, []).append(ms)
            cpu_results.setdefault(name, []).append(cpu)
            print(f"{name:<11} {seed:>4} {ms:>9.2f} {cpu:>9.2f} {best:>12.6g}", flush=True)
    for label, table in (("wall", results), ("cpu", cpu_results)):
        if "hypersweep" in table and "optuna" in table:
            hs_ms = statistics.mean(table["hypersweep"])
            op_ms = statistics.mean(table["optuna"])
            print(
                f"average {label}: hypersweep {hs_ms:.2f} ms/trial, optuna {op_ms:.2f} ms/trial,"
                f" ratio {hs_ms / op_ms:.4f} (1/{op_ms / hs_ms:.1f}); target <= 1/7"
            )

    n = args.long_trials
    if n >= 400:
        print(f"\npart 2: hypersweep alone, {args.problem}, {n} trials, seed {args.seeds[0]}")
        gc.collect()
        clock, best = run_hypersweep(args.problem, n, args.seeds[0])
        print(f"{'trials':<10} {'ms/trial':>9} {'cpu ms':>9}")
        for start in range(0, n, 100):
            wall = clock.ms_per_trial(start, start + 100)
            cpu = clock.ms_per_trial(start, start + 100, cpu=True)
            print(f"{start:>4}-{start + 100:<5} {wall:>9.2f} {cpu:>9.2f}")
        for label, use_cpu in (("wall", False), ("cpu", True)):
            early = clock.ms_per_trial(200, 300, cpu=use_cpu)
            late = clock.ms_per_trial(n - 100, n, cpu=use_cpu)
            ratio = late / early
            print(f"{label}: last 100 / trials 200-300 = {late:.2f} / {early:.2f} = {ratio:.2f}")
        print(f"target <= 2; best {best:.6g}")


if __name__ == "__main__":
    main()
