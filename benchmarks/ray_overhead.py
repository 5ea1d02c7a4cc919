"""Overhead of running trials on Ray: hypersweep's RayExecutor against Ray Tune, on the same
local Ray (2 CPUs, started once before both; start-up not counted).

    python benchmarks/ray_overhead.py                 # 200 trivial trials, 40 trials of 1 s
    python benchmarks/ray_overhead.py --trivial 100 --sleepy 20

1. ``--trivial`` trials that return at once: milliseconds per trial of the whole run (the
   first hypersweep run includes the Ray workers importing hypersweep; a second run shows
   the warm cost).
2. ``--sleepy`` trials that sleep 1 s on 2 CPUs: wall time against the minimum
   (``sleepy / 2`` seconds).

hypersweep: an in-memory study on the driver, served to the Ray workers (no database);
random sampling. Ray Tune: ``tune.Tuner`` with its default searcher (random), one CPU per
trial, its loggers off and a temporary storage directory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import warnings
from typing import Any

os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")
os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")

import hypersweep as hs


def trivial(trial: hs.Trial) -> float:
    return trial.suggest_float("x", 0.0, 1.0) ** 2


def sleepy(trial: hs.Trial) -> float:
    time.sleep(1.0)
    return trial.suggest_float("x", 0.0, 1.0) ** 2


def ours(objective: Any, n: int) -> float:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    start = time.perf_counter()
    study.optimize(objective, n_trials=n, executor="ray")
    seconds = time.perf_counter() - start
    assert len(study.trials) == n and all(t.state is hs.TrialState.COMPLETE for t in study.trials)
    return seconds


def ray_tune(seconds_per_trial: float, n: int) -> float:
    from ray import tune

    def train(config: dict[str, Any]) -> dict[str, float]:
        if seconds_per_trial:
            time.sleep(seconds_per_trial)
        return {"loss": config["x"] ** 2}

    storage = tempfile.mkdtemp(prefix="ray-overhead-")
    try:
        tuner = tune.Tuner(
            train,
            param_space={"x": tune.uniform(0.0, 1.0)},
            tune_config=tune.TuneConfig(metric="loss", mode="min", num_samples=n),
            run_config=tune.RunConfig(name="overhead", storage_path=storage, verbose=0),
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            grid = tuner.fit()
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(storage, ignore_errors=True)
    assert len(grid) == n and not grid.errors
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trivial", type=int, default=200)
    parser.add_argument("--sleepy", type=int, default=40)
    args = parser.parse_args()
    try:
        import ray
        from ray import tune  # noqa: F401
    except ImportError as exc:
        print(f"missing: ray[tune] ({exc}); pip install -e '.[bench]'")
        return
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    n = args.trivial
    cold = ours(trivial, n)
    warm = ours(trivial, n)
    peer = ray_tune(0.0, n)
    print(f"{n} trivial trials on a local Ray with 2 CPUs (ms per trial of the whole run)")
    print(f"  hypersweep, first run (workers import it) {1000 * cold / n:9.1f}")
    print(f"  hypersweep, second run                    {1000 * warm / n:9.1f}")
    print(f"  Ray Tune                                  {1000 * peer / n:9.1f}")
    print(f"  ratio (first run / Ray Tune)              {cold / peer:9.3f}")
    m = args.sleepy
    floor = m / 2
    ours_s = ours(sleepy, m)
    peer_s = ray_tune(1.0, m)
    print(f"{m} trials of 1 s on 2 CPUs (minimum {floor:.0f} s)")
    print(f"  hypersweep {ours_s:6.1f} s ({ours_s / floor:.2f}x the minimum)")
    print(f"  Ray Tune   {peer_s:6.1f} s ({peer_s / floor:.2f}x the minimum)")


if __name__ == "__main__":
    main()
