"""Warm-starting CMA-ES (WS-CMA-ES): how many trials a re-tuning needs after the task drifted.

The periodic re-tuning case: a source study optimised ``f``; the data drifted, so the target
study optimises a shifted ``f``. Cold CMA-ES starts from the centre of the box; WS-CMA-ES
starts from the distribution of the source study's best trials. For each problem:

1. the source study: cold CMA-ES on ``f`` for ``--source-trials`` trials (per seed);
2. the cold target: CMA-ES on the shifted ``f`` for ``--trials`` trials; its median best value
   over seeds is the bar;
3. the warm target: CMA-ES with ``source_trials=`` (the source study's trials).

Reported: the (low) median over seeds of the number of trials each needs to reach the bar
(">N": not reached within the budget in more than half of the seeds), and the median best
value. Use an odd number of seeds.

    python benchmarks/warm_start.py                     # 300 trials, 5 seeds
    python benchmarks/warm_start.py --seeds 11 --peers  # also Optuna's CmaEsSampler
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

Loss = Callable[[Sequence[float]], float]
Objective = Callable[[Any], float]


def _sphere(center: float) -> Loss:
    return lambda xs: sum((x - center) ** 2 for x in xs)


def _ellipsoid(center: float) -> Loss:
    def loss(xs: Sequence[float]) -> float:
        n = len(xs)
        return sum(10 ** (4 * i / (n - 1)) * (x - center) ** 2 for i, x in enumerate(xs))

    return loss


def _ackley(center: float) -> Loss:
    def loss(xs: Sequence[float]) -> float:
        n = len(xs)
        zs = [x - center for x in xs]
        s1 = sum(z * z for z in zs) / n
        s2 = sum(math.cos(2 * math.pi * z) for z in zs) / n
        return -20 * math.exp(-0.2 * math.sqrt(s1)) - math.exp(s2) + 20 + math.e

    return loss


# Log-scaled, HPO-like: six log-scaled parameters (learning rate, weight decay, ...) with an
# interaction; after the drift every optimum moved by a factor of 2.
_LOG_TARGETS = {"lr": 3e-4, "wd": 2e-6, "eps": 1e-7, "scale": 30.0, "batch": 48.0, "units": 600.0}
_LOG_RANGES = {
    "lr": (1e-6, 1.0),
    "wd": (1e-9, 1e-1),
    "eps": (1e-10, 1e-2),
    "scale": (1e-2, 1e3),
    "batch": (4.0, 1024.0),
    "units": (2.0, 4096.0),
}


def _log_hpo(factor: float) -> Objective:
    def objective(trial: Any) -> float:
        d = {
            name: math.log10(trial.suggest_float(name, lo, hi, log=True))
            - math.log10(_LOG_TARGETS[name] * factor)
            for name, (lo, hi) in _LOG_RANGES.items()
        }
        return sum(v * v for v in d.values()) + 2.0 * (d["lr"] - 0.5 * d["batch"]) ** 2

    return objective


def _box(dims: int, low: float, high: float, loss: Loss) -> Objective:
    return lambda t: loss([t.suggest_float(f"x{i}", low, high) for i in range(dims)])


# name: (source objective, target objective = the source after the drift)
PROBLEMS: dict[str, tuple[Objective, Objective]] = {
    "sphere-8d": (_box(8, -5.0, 5.0, _sphere(1.7)), _box(8, -5.0, 5.0, _sphere(2.2))),
    "ellipsoid-8d": (_box(8, -5.0, 5.0, _ellipsoid(-2.0)), _box(8, -5.0, 5.0, _ellipsoid(-1.6))),
    "ackley-10d": (
        _box(10, -32.768, 32.768, _ackley(7.3)),
        _box(10, -32.768, 32.768, _ackley(8.3)),
    ),
    "log-hpo-6d": (_log_hpo(1.0), _log_hpo(2.0)),
}


def _trace(values: Sequence[float]) -> list[float]:
    best, out = math.inf, []
    for v in values:
        best = min(best, v)
        out.append(best)
    return out


def hypersweep_runs(
    problem: str, seed: int, n_source: int, n_trials: int
) -> tuple[list[float], ...]:
    import hypersweep as hs
    from hypersweep.samplers.cmaes import CmaEsSampler

    f_src, f_tgt = PROBLEMS[problem]

    def run(objective: Objective, n: int, **options: Any) -> Any:
        study = hs.create_study(sampler=CmaEsSampler(seed=seed, **options))
        study.optimize(objective, n_trials=n)
        return study

    source = run(f_src, n_source)
    cold = run(f_tgt, n_trials)
    warm = run(f_tgt, n_trials, source_trials=source.trials)
    return tuple(_trace([t.value for t in s.trials]) for s in (cold, warm))


def optuna_runs(problem: str, seed: int, n_source: int, n_trials: int) -> tuple[list[float], ...]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    f_src, f_tgt = PROBLEMS[problem]

    def run(objective: Objective, n: int, **options: Any) -> Any:
        study = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(seed=seed, **options))
        study.optimize(objective, n_trials=n)
        return study

    source = run(f_src, n_source)
    cold = run(f_tgt, n_trials)
    warm = run(f_tgt, n_trials, source_trials=source.trials)
    return tuple(_trace([t.value for t in s.trials]) for s in (cold, warm))


def trials_to_reach(trace: Sequence[float], bar: float) -> float:
    """1-based index of the first trial at or below ``bar`` (inf: never)."""
    return next((i + 1 for i, v in enumerate(trace) if v <= bar), math.inf)


def _fmt(n: float, budget: int) -> str:
    return f">{budget}" if math.isinf(n) else f"{n:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS))
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--source-trials", type=int, default=300)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--peers", action="store_true", help="also run Optuna's CmaEsSampler")
    args = parser.parse_args()
    libraries = {"hypersweep": hypersweep_runs}
    if args.peers:
        libraries["optuna"] = optuna_runs
    print(
        f"{'problem':<14} {'library':<11} {'bar':>10} {'cold trials':>11} {'warm trials':>11} "
        f"{'cold best':>10} {'warm best':>10} {'time':>6}"
    )
    for problem in args.problems:
        for name, runs in libraries.items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                traces = [
                    runs(problem, s, args.source_trials, args.trials) for s in range(args.seeds)
                ]
            bar = statistics.median(cold[-1] for cold, _ in traces)
            cold_n = statistics.median_low(trials_to_reach(cold, bar) for cold, _ in traces)
            warm_n = statistics.median_low(trials_to_reach(warm, bar) for _, warm in traces)
            cold_best = statistics.median(cold[-1] for cold, _ in traces)
            warm_best = statistics.median(warm[-1] for _, warm in traces)
            print(
                f"{problem:<14} {name:<11} {bar:>10.4g} {_fmt(cold_n, args.trials):>11} "
                f"{_fmt(warm_n, args.trials):>11} {cold_best:>10.4g} {warm_best:>10.4g} "
                f"{time.perf_counter() - start:>5.0f}s",
                flush=True,
            )


if __name__ == "__main__":
    main()
