"""How much can *any* restart rule gain within a budget? A bound for IPOP restarts of CMA-ES.

An IPOP run is plain CMA-ES until its first restart, so within a budget of ``B`` trials a
restart can only pay off if the new run (population doubled, uniformly random mean), given
the ``B - t`` trials left after a restart at trial ``t``, beats what the first run would have
found by trial ``B``. This script measures that directly, per seed, for one restart:

* ``plain``: one CMA-ES run (mean at the centre, sigma 1/6 of the unit box, default
  population) for ``B`` trials — what plain CMA-ES finds;
* ``restart at f``: the first run stopped after ``round(f * B)`` trials (a whole
  generation), then a second run for the rest; the study's best is the better of the two;
* ``hindsight``: per seed, the restart time (any generation boundary) that gives the best
  result, chosen after seeing both runs. No rule that restarts once with this second run can
  do better; it is an optimistic bound, since on a seed where the second run is simply luckier
  it restarts at once (it picks the better of two runs).

If even ``hindsight`` does not beat ``plain`` on a problem, no restart rule (IPOP's, BIPOP's
or any other) can make restarts better than plain CMA-ES there at that budget. Both runs use
hypersweep's ``cmaes`` glue (:func:`hypersweep.algorithms.es.make_cma`), the update that
``CmaEsSampler`` drives, on the problems of ``benchmarks/problems.py``.

    python benchmarks/restart_bound.py --trials 300 --seeds 20
    python benchmarks/restart_bound.py --problems ackley-3d rastrigin-2d --trials 1000
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from problems import PROBLEMS, Float

from hypersweep.algorithms.es import make_cma

FRACTIONS = (0.1, 0.2, 0.3, 0.5, 0.7)
UnitLoss = Callable[[np.ndarray], float]


def unit_loss(name: str) -> tuple[UnitLoss, int]:
    """The problem's loss on the unit box, and its dimension (continuous problems only)."""
    problem = PROBLEMS[name]
    if not all(isinstance(d, Float) and not d.log and d.step is None for d in problem.space):
        raise ValueError(f"{name} is not a continuous problem; pick one with linear floats.")
    names = [d.name for d in problem.space]
    low = np.array([d.low for d in problem.space])  # type: ignore[union-attr]
    high = np.array([d.high for d in problem.space])  # type: ignore[union-attr]

    def loss(u: np.ndarray) -> float:
        return problem.loss(dict(zip(names, map(float, low + u * (high - low)), strict=True)))

    return loss, len(names)


def best_so_far(
    loss: UnitLoss, mean: np.ndarray, popsize: int | None, budget: int, seed: int
) -> tuple[np.ndarray, int]:
    """One CMA-ES run: its best value after each of ``budget`` trials, and its population."""
    opt = make_cma("cma", mean, 1.0 / 6.0, population_size=popsize, seed=seed)
    values: list[float] = []
    while len(values) < budget:
        told = []
        for _ in range(opt.population_size):
            x = opt.ask_pair()[1]
            told.append((x, loss(x)))
        values.extend(v for _, v in told)
        opt.tell(told)
    return np.minimum.accumulate(values[:budget]), opt.population_size


def seed_results(loss: UnitLoss, dim: int, budget: int, seed: int) -> dict[str, float]:
    """Plain, fixed-time restarts and the hindsight restart, for one seed."""
    first, lam = best_so_far(loss, np.full(dim, 0.5), None, budget, seed)
    mean = np.random.default_rng([seed, 1]).random(dim)
    second, _ = best_so_far(loss, mean, 2 * lam, budget, seed + 100_000)

    def restarted(t: int) -> float:  # first run stopped after t trials, second run after
        return float(min(first[t - 1], second[budget - t - 1]))

    out = {"plain": float(first[-1])}
    for f in FRACTIONS:
        out[f"restart at {f:.0%}"] = restarted(max(lam, round(f * budget / lam) * lam))
    best_t = min(range(lam, budget, lam), key=restarted)
    out["hindsight"] = min(out["plain"], restarted(best_t))
    out["hindsight at"] = best_t if out["hindsight"] < out["plain"] else math.nan
    return out


def summarise(name: str, budget: int, rows: Sequence[dict[str, float]]) -> None:
    plain = [r["plain"] for r in rows]
    print(f"\n{name}, {budget} trials, {len(rows)} seeds (median best; seeds better / worse)")
    for key in rows[0]:
        if key == "hindsight at":
            times = [r[key] for r in rows if not math.isnan(r[key])]
            at = f"{statistics.median(times):.0f}" if times else "-"
            print(f"  (hindsight restarts after {at} trials, median over the seeds it helps)")
            continue
        values = [r[key] for r in rows]
        better = sum(v < p - 1e-12 * max(1.0, abs(p)) for v, p in zip(values, plain, strict=True))
        worse = sum(v > p + 1e-12 * max(1.0, abs(p)) for v, p in zip(values, plain, strict=True))
        tail = "" if key == "plain" else f"  {better:2d} / {worse:2d}"
        print(f"  {key:16s} {statistics.median(values):12.6g}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--problems",
        nargs="+",
        default=["rastrigin-2d", "rastrigin-3d", "rastrigin-5d", "ackley-3d", "ackley-10d"],
    )
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    for name in args.problems:
        loss, dim = unit_loss(name)
        rows = [seed_results(loss, dim, args.trials, seed) for seed in range(args.seeds)]
        summarise(name, args.trials, rows)


if __name__ == "__main__":
    main()
