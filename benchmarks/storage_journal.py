"""Per-trial time on a journal file: hypersweep's JournalStorage vs Optuna's, in one run.

RandomSampler, ten float parameters, a cheap objective: what is measured is the storage
(appending and replaying the log) plus the library's loop. Each run starts from an empty
log in a fresh temporary folder. Optuna's file backend fsyncs every append (12 per
trial here); hypersweep does not by default (2 appends per trial), so it is also measured
with ``fsync=True`` ("hypersweep+fsync") for a like-for-like durability comparison.

    python benchmarks/storage_journal.py                   # 1,000 trials, median of 3
    python benchmarks/storage_journal.py --trials 1000 --repeats 5
    python benchmarks/storage_journal.py --growth 10000    # ms/trial near trial 100 vs 10,000
    python benchmarks/storage_journal.py --redis redis://127.0.0.1:6379/0   # Redis too

``--growth N`` runs N trials on hypersweep's journal and prints the time per trial of the
block of 100 trials that starts at trial 100 and of the last block: replay must stay
incremental, so the two should be close.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

DIMS = 10


def _sphere(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(DIMS))


def run_hypersweep(path: str, n_trials: int, seed: int) -> float:
    import hypersweep as hs

    study = hs.create_study(
        storage=f"journal://{path}", sampler=hs.samplers.RandomSampler(seed=seed)
    )
    study.optimize(_sphere, n_trials=n_trials)
    return float(study.best_value)


def run_hypersweep_fsync(path: str, n_trials: int, seed: int) -> float:
    import hypersweep as hs
    from hypersweep.storage import get_storage

    study = hs.create_study(
        storage=get_storage(f"journal://{path}", fsync=True),
        sampler=hs.samplers.RandomSampler(seed=seed),
    )
    study.optimize(_sphere, n_trials=n_trials)
    return float(study.best_value)


def run_optuna(path: str, n_trials: int, seed: int) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path))
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(_sphere, n_trials=n_trials)
    return float(study.best_value)


# Optuna's file backend fsyncs every append; "hypersweep+fsync" does too (fsync=True).
PEERS: dict[str, Callable[[str, int, int], float]] = {
    "hypersweep": run_hypersweep,
    "hypersweep+fsync": run_hypersweep_fsync,
    "optuna": run_optuna,
}


def measure_redis(url: str, n: int, repeats: int) -> dict[str, float]:
    """Median ms/trial of both libraries' Redis journals (keys deleted afterwards)."""
    import uuid
    import warnings

    import optuna
    import redis

    import hypersweep as hs

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    client = redis.Redis.from_url(url)
    times: dict[str, list[float]] = {"hypersweep": [], "optuna": []}
    for r in range(repeats):
        prefix = f"bench-{uuid.uuid4().hex[:8]}"
        try:
            gc.collect()
            start = time.perf_counter()
            study = hs.create_study(
                storage=f"{url}?prefix={prefix}", sampler=hs.samplers.RandomSampler(seed=r)
            )
            study.optimize(_sphere, n_trials=n)
            times["hypersweep"].append((time.perf_counter() - start) / n * 1e3)
            gc.collect()
            start = time.perf_counter()
            backend = optuna.storages.journal.JournalRedisBackend(url, prefix=prefix + "-optuna")
            ostudy = optuna.create_study(
                storage=optuna.storages.JournalStorage(backend),
                sampler=optuna.samplers.RandomSampler(seed=r),
            )
            ostudy.optimize(_sphere, n_trials=n)
            times["optuna"].append((time.perf_counter() - start) / n * 1e3)
        finally:
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)
    return {name: statistics.median(t) for name, t in times.items()}


def measure(fn: Callable[[str, int, int], float], n: int, repeats: int) -> tuple[float, int]:
    """Median ms/trial over ``repeats`` runs, each on a new log; and the log's size in bytes."""
    times, size = [], 0
    for r in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "study.log")
            gc.collect()
            start = time.perf_counter()
            fn(path, n, r)
            times.append((time.perf_counter() - start) / n * 1e3)
            size = os.path.getsize(path)
    return statistics.median(times), size


def growth(n: int, block: int = 100) -> None:
    """ms/trial of the block at trial 100 and of the last block of an ``n``-trial study."""
    import hypersweep as hs

    marks: list[float] = []

    def stamp(study: Any, trial: Any) -> None:
        if trial.number % block == 0:
            marks.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "study.log")
        study = hs.create_study(
            storage=f"journal://{path}", sampler=hs.samplers.RandomSampler(seed=0)
        )
        study.optimize(_sphere, n_trials=n, callbacks=[stamp])
        early = (marks[2] - marks[1]) / block * 1e3
        late = (marks[-1] - marks[-2]) / block * 1e3
        print(
            f"hypersweep journal, {n} trials: {early:.4f} ms/trial at trial {block}, "
            f"{late:.4f} ms/trial at trial {n - block} (log {os.path.getsize(path) / 1e6:.1f} MB)"
        )
        start = time.perf_counter()
        reopened = hs.load_study(study_name=study.study_name, storage=f"journal://{path}")
        count = len(reopened.trials)
        print(f"replaying the {count}-trial log on open: {time.perf_counter() - start:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--growth", type=int, default=0, metavar="N")
    parser.add_argument("--redis", default=None, metavar="URL", help="also compare on Redis")
    args = parser.parse_args()
    results: dict[str, float] = {}
    print(f"{'library':<19} {'trials':>7} {'ms/trial':>9} {'log KiB':>8}")
    for name, fn in PEERS.items():
        try:
            ms, size = measure(fn, args.trials, args.repeats)
        except ImportError as exc:
            print(f"{name:<19} {args.trials:>7} {'missing':>9}  ({exc})")
            continue
        results[name] = ms
        print(f"{name:<19} {args.trials:>7} {ms:>9.4f} {size / 1024:>8.0f}")
    for name in ("hypersweep", "hypersweep+fsync"):
        if "optuna" in results and name in results:
            ratio = results[name] / results["optuna"]
            print(f"ratio {name} / optuna: {ratio:.3f}x (target <= 0.2x)")
    if args.redis:
        on_redis = measure_redis(args.redis, args.trials, args.repeats)
        for name, ms in on_redis.items():
            print(f"{name + ' (redis)':<19} {args.trials:>7} {ms:>9.4f}")
        print(f"ratio on Redis: {on_redis['hypersweep'] / on_redis['optuna']:.3f}x")
    if args.growth:
        growth(args.growth)


if __name__ == "__main__":
    main()
