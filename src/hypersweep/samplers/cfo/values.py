"""Values of the parameters a trial's proposal does not cover (define-by-run rule).

A proposal covers the parameters of the searched space. Any other parameter the objective
suggests (conditional ones, or all of them before the first trial completes) gets, in
this order:

1. on a start trial: its low-cost value (perturbed by Gaussian noise of 0.1 in unit-box
   coordinates on a restart or when several starts run at once), else a uniform draw;
2. on a local proposal: the value of the thread's incumbent trial, when that trial
   suggested it with the same distribution (the local search keeps it fixed);
3. its low-cost value, when given;
4. a uniform draw from the trial's random stream.

Every low-cost value is checked against the distribution the first time it is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...space import Distribution
from ...trial import FrozenTrial, History
from .options import check_low_cost_value
from .space import PERTURB_SD, encode_one


def trial_by_number(history: History, number: int) -> FrozenTrial | None:
    """The trial numbered ``number`` (``None`` when absent): by position, as numbers are
    positions in one study's history, else by a scan."""
    trials = history.trials
    if 0 <= number < len(trials) and trials[number].number == number:
        return trials[number]
    return next((t for t in trials if t.number == number), None)


def independent_value(
    low_cost: Mapping[str, Any],
    info: Mapping[str, Any] | None,
    history: History,
    name: str,
    dist: Distribution,
    rng: np.random.Generator,
) -> Any:
    """The value of ``name`` for a trial whose proposal is ``info`` (see module docstring)."""
    check_low_cost_value(low_cost, name, dist)
    info = info or {}
    if info.get("start") and name in low_cost:
        if not info.get("perturb"):
            return low_cost[name]
        u = encode_one(dist, low_cost[name]) + PERTURB_SD * rng.standard_normal()
        return dist.from_unit_scalar(min(max(u, 0.0), 1.0))
    if "inc" in info:
        inc = trial_by_number(history, int(info["inc"]))
        if inc is not None and inc.distributions.get(name) == dist:
            return inc.params[name]
    if name in low_cost:
        return low_cost[name]
    return dist.from_unit_scalar(float(rng.random()))
