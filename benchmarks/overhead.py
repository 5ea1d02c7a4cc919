"""Per-trial overhead of the library itself: hypersweep vs its peers, in one run.

The objective is a cheap 10-D sphere, so the time measured is the library's: asking for a
trial, sampling ten parameters, storing them and the result. Storage is in memory.

    python benchmarks/overhead.py                          # random and TPE, 1,000 and 10,000
    python benchmarks/overhead.py --samplers tpe --trials 1000 --repeats 5

Two measures:

* ``full``: ms/trial averaged over a whole run of N trials from an empty study (what a user
  waits for). Used up to ``--full-max`` trials (2,000 by default).
* ``at N``: ms/trial of ``--window`` trials (100) run with the sampler once the study already
  holds N finished trials (seeded by random search, which is cheap in every library). Used
  above ``--full-max``, where a full run of Optuna's or Hyperopt's TPE takes tens of minutes.

Peers: Optuna (``RandomSampler`` / ``TPESampler`` / ``CmaEsSampler`` with its defaults;
``--samplers cmaes`` measures CMA-ES) and, for TPE, Hyperopt (``fmin`` with ``tpe.suggest``
on the same 10-D space). They come from the ``bench`` extra
(``pip install -e '.[bench]'``); a missing peer is reported as such, never silently skipped.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

DIMS = 10

# fn(kind, n_trials, seed, seeded) -> seconds spent on the timed trials
Runner = Callable[[str, int, int, int], float]


def _sphere(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(DIMS))


def run_hypersweep(kind: str, n_trials: int, seed: int, seeded: int) -> float:
    import hypersweep as hs
    from hypersweep.algorithms.es import import_cmaes
    from hypersweep.samplers.cmaes import CmaEsSampler
    from hypersweep.samplers.tpe import TPESampler

    import_cmaes()  # import the cmaes library before timing (every peer's imports are warm)
    samplers: dict[str, Callable[[], Any]] = {
        "random": lambda: hs.samplers.RandomSampler(seed=seed),
        "tpe": lambda: TPESampler(seed=seed),
        "cmaes": lambda: CmaEsSampler(seed=seed),
    }
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=seed))
    if seeded:
        study.optimize(_sphere, n_trials=seeded)
    study.sampler = samplers[kind]()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(_sphere, n_trials=n_trials)
    return time.perf_counter() - start


def run_optuna(kind: str, n_trials: int, seed: int, seeded: int) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    samplers: dict[str, Callable[[], Any]] = {
        "random": lambda: optuna.samplers.RandomSampler(seed=seed),
        "tpe": lambda: optuna.samplers.TPESampler(seed=seed),
        "cmaes": lambda: optuna.samplers.CmaEsSampler(seed=seed),
    }
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    if seeded:
        study.optimize(_sphere, n_trials=seeded)
    study.sampler = samplers[kind]()
    start = time.perf_counter()
    study.optimize(_sphere, n_trials=n_trials)
    return time.perf_counter() - start


def run_hyperopt(kind: str, n_trials: int, seed: int, seeded: int) -> float:
    if kind != "tpe":
        raise NotImplementedError("Hyperopt is measured for TPE only")
    import numpy as np
    from hyperopt import Trials, fmin, hp, rand, tpe

    space = {f"x{i}": hp.uniform(f"x{i}", -5.0, 5.0) for i in range(DIMS)}

    def loss(params: dict[str, float]) -> float:
        return sum(v * v for v in params.values())

    trials = Trials()
    common: dict[str, Any] = {"trials": trials, "show_progressbar": False}
    if seeded:
        fmin(loss, space, rand.suggest, seeded, rstate=np.random.default_rng(seed), **common)
    start = time.perf_counter()
    fmin(
        loss,
        space,
        tpe.suggest,
        seeded + n_trials,
        rstate=np.random.default_rng(seed + 1),
        **common,
    )
    return time.perf_counter() - start


PEERS: dict[str, Runner] = {
    "hypersweep": run_hypersweep,
    "optuna": run_optuna,
    "hyperopt": run_hyperopt,
}


def measure(fn: Runner, kind: str, n: int, repeats: int, seeded: int) -> float:
    """Median ms/trial over ``repeats`` runs of ``n`` timed trials after ``seeded`` ones."""
    times = []
    for r in range(repeats):
        gc.collect()
        times.append(fn(kind, n, r, seeded) / n * 1e3)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samplers", nargs="+", default=["random", "tpe"])
    parser.add_argument("--trials", nargs="+", type=int, default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--full-max", type=int, default=2000)
    parser.add_argument("--window", type=int, default=100)
    parser.add_argument("--libraries", nargs="+", default=list(PEERS), choices=list(PEERS))
    args = parser.parse_args()
    header = f"{'sampler':<8} {'measure':<10} {'library':<11} {'ms/trial':>9} {'vs optuna':>9}"
    print(header)
    for kind in args.samplers:
        for n in args.trials:
            full = n <= args.full_max or kind == "random"
            label = f"full {n}" if full else f"at {n}"
            results: dict[str, float] = {}
            for name in args.libraries:
                fn = PEERS[name]
                repeats = args.repeats if full and n <= 2000 else max(1, args.repeats // 3)
                try:
                    if full:
                        results[name] = measure(fn, kind, n, repeats, 0)
                    else:
                        results[name] = measure(fn, kind, args.window, repeats, n)
                except NotImplementedError:
                    continue
                except ImportError as exc:
                    print(f"{kind:<8} {label:<10} {name:<11} {'missing':>9}  ({exc})")
            base = results.get("optuna")
            for name, ms in results.items():
                ratio = f"{ms / base:.3f}x" if base else "-"
                print(f"{kind:<8} {label:<10} {name:<11} {ms:>9.4f} {ratio:>9}", flush=True)


if __name__ == "__main__":
    main()
