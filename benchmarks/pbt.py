"""Population based training on the standard toy: hypersweep's PBT and PB2 against random
search and ASHA at equal total steps, and against Ray Tune's PopulationBasedTraining and PB2.

    python benchmarks/pbt.py                      # 10 seeds, population 4, 200 steps each
    python benchmarks/pbt.py --seeds 3 --steps 100
    python benchmarks/pbt.py --methods pbt ray-pbt --interval 10

Ray's runs (``ray-pbt``, ``ray-pb2``: ``pip install -e '.[bench]'``) train the same toy with
the same noise, population, perturbation interval and mutations (``benchmarks/_ray_pbt.py``
says how Ray is set up); a method whose library is not installed prints ``missing`` and why.

The toy (after Jaderberg et al. 2017's motivating example, the one PBT libraries test with):
a model's accuracy grows by a noisy amount per step that is largest when the learning rate
is close to an *optimal* learning rate that first rises with accuracy and then falls, and
a learning rate far above it makes the accuracy drop. No fixed learning rate is good for
the whole run, so a method that changes it during training wins. The score is the final
accuracy; median over seeds.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import hypersweep as hs

sys.path.insert(0, str(Path(__file__).parent))

import _ray_pbt

PEAK = 100.0  # the accuracy at which the optimal learning rate turns from rising to falling
TOLERANCE = 3.0  # ratio lr / optimal beyond which the accuracy drops
NOISE = 2.0
LR_SPACE = (1e-4, 1e-1)
INTERVAL = 0  # --interval; 0: steps // 20


def optimal_lr(accuracy: float) -> float:
    """Rises linearly up to ``PEAK``, then falls; kept in [0.001, 0.01]."""
    rising = accuracy < PEAK
    best = 0.01 * accuracy / PEAK if rising else 0.01 - 0.01 * (accuracy - PEAK) / PEAK
    return min(0.01, max(0.001, best))


def toy_step(accuracy: float, lr: float, rng: np.random.Generator) -> float:
    """One training step of the toy model."""
    best = optimal_lr(accuracy)
    ratio = max(lr, best) / min(lr, best)
    if ratio < TOLERANCE:
        accuracy += rng.random() / ratio
    elif lr > best:
        accuracy -= (ratio - TOLERANCE) * rng.random()
    accuracy += NOISE * rng.normal() * 0.1
    return max(0.0, accuracy)


def make_trainable(steps: int, seed: int) -> Callable[[dict[str, Any]], None]:
    def train(config: dict[str, Any]) -> None:
        state = hs.get_checkpoint()
        accuracy, done = (state["acc"], state["step"]) if state else (0.0, 0)
        lr = float(config["lr"])
        for step in range(done + 1, steps + 1):
            # The noise of each step is fixed by the seed, the step and the accuracy so far,
            # so every method sees the same problem whatever the order of its trials.
            rng = np.random.default_rng([seed, step, int(accuracy * 1e3)])
            accuracy = toy_step(accuracy, lr, rng)
            hs.report(acc=accuracy, checkpoint={"acc": accuracy, "step": step})

    return train


SPACE = {"lr": hs.loguniform(*LR_SPACE)}


def run_method(method: str, steps: int, population: int, seed: int) -> tuple[float, int, float]:
    """(final accuracy of the best member, total steps trained, seconds)."""
    train = make_trainable(steps, seed)
    sampler = hs.samplers.RandomSampler(seed=seed)
    kwargs: dict[str, Any] = {"num_samples": population}
    interval = INTERVAL or max(1, steps // 20)
    if method.startswith("ray-"):
        # The same first population as hypersweep's methods: its sampler's draws for the seed.
        first = hs.tune(
            lambda config: hs.report(acc=0.0),
            SPACE,
            metric="acc",
            mode="max",
            sampler=hs.samplers.RandomSampler(seed=seed),
            num_samples=population,
        )
        initial = [float(t.params["lr"]) for t in first.trials]
        return _ray_pbt.run(method, toy_step, steps, population, seed, interval, LR_SPACE, initial)
    if method == "random":
        scheduler = None
    elif method == "asha":
        # ASHA with the same total step budget: more configurations, stopped early.
        scheduler = hs.schedulers.ASHAScheduler(max(1, steps // 27), steps, 3)
        kwargs["num_samples"] = population * 5
    elif method == "pbt":
        scheduler = hs.schedulers.PBTScheduler(
            perturbation_interval=interval,
            hyperparam_mutations={"lr": hs.loguniform(*LR_SPACE)},
            seed=seed,
        )
    elif method == "pb2":
        scheduler = hs.schedulers.PB2Scheduler(
            perturbation_interval=interval,
            hyperparam_bounds={"lr": hs.loguniform(*LR_SPACE)},
            seed=seed,
        )
    else:
        raise ValueError(method)
    start = time.perf_counter()
    result = hs.tune(
        train, SPACE, metric="acc", mode="max", sampler=sampler, scheduler=scheduler, **kwargs
    )
    seconds = time.perf_counter() - start
    trained = sum(
        max(t.intermediate_values, default=0) - (t.system_attrs.get("resume_step") or 0)
        for t in result.trials
    )
    best = max(
        (
            t.intermediate_values[max(t.intermediate_values)]
            for t in result.trials
            if t.intermediate_values and max(t.intermediate_values) == steps
        ),
        default=math.nan,
    )
    return best, trained, seconds


METHODS = ("random", "asha", "pbt", "pb2", "ray-pbt", "ray-pb2")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--population", type=int, default=4)
    parser.add_argument("--interval", type=int, default=0, help="PBT/PB2 steps per turn")
    args = parser.parse_args()
    global INTERVAL
    INTERVAL = args.interval
    print(f"toy: population {args.population}, {args.steps} steps, {args.seeds} seeds")
    print(f"{'method':<8} {'median final acc':>17} {'total steps':>12} {'seconds':>8}")
    for method in args.methods:
        why = _ray_pbt.missing(method) if method.startswith("ray-") else None
        if why:
            print(f"{method:<8} missing: {why}", flush=True)
            continue
        runs = [run_method(method, args.steps, args.population, s) for s in range(args.seeds)]
        print(
            f"{method:<8} {statistics.median(r[0] for r in runs):>17.2f} "
            f"{statistics.median(r[1] for r in runs):>12.0f} "
            f"{statistics.median(r[2] for r in runs):>8.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
