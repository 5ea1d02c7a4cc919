"""Helpers of the evolution-strategy samplers: option checks, independent sampling, lookups."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..algorithms.es import RestartState
from ..space import SearchSpace
from ..trial import FrozenTrial, TrialState
from .base import Sampler


def check_options(
    x0: Mapping[str, Any] | None,
    sigma0: float | None,
    popsize: int | None,
    n_startup_trials: int,
    independent_sampler: Sampler | None,
) -> None:
    """Raise ``TypeError``/``ValueError`` saying which option to fix."""
    if x0 is not None and not isinstance(x0, Mapping):
        raise TypeError(f"x0 must be a dict of parameter values, got {type(x0).__name__}.")
    if sigma0 is not None and not (
        isinstance(sigma0, (int, float)) and math.isfinite(sigma0) and sigma0 > 0
    ):
        raise ValueError(f"sigma0 must be a number > 0 (1 = the whole range), got {sigma0!r}.")
    if popsize is not None and (
        isinstance(popsize, bool) or not isinstance(popsize, int) or popsize < 2
    ):
        raise ValueError(f"popsize must be an int >= 2 or None, got {popsize!r}.")
    if isinstance(n_startup_trials, bool) or not isinstance(n_startup_trials, int):
        raise TypeError(f"n_startup_trials must be an int, got {n_startup_trials!r}.")
    if n_startup_trials < 1:
        raise ValueError(f"n_startup_trials must be >= 1, got {n_startup_trials}.")
    if independent_sampler is not None and not isinstance(independent_sampler, Sampler):
        raise TypeError("independent_sampler must be a hypersweep Sampler or None.")


def check_options_restart(restart_strategy: str | None, inc_popsize: float) -> None:
    """Raise ``ValueError`` for an unknown restart strategy or a population that cannot grow."""
    if not (isinstance(inc_popsize, (int, float)) and inc_popsize > 1):
        raise ValueError(f"inc_popsize must be a number > 1, got {inc_popsize!r}.")
    RestartState(restart_strategy, 1)  # validates the strategy


def default_independent(seed: int) -> Sampler:
    """The sampler for parameters outside the joint space: TPE (random search without it)."""
    try:
        from .tpe import TPESampler

        return TPESampler(seed=seed)
    except ImportError:  # pragma: no cover - TPE ships with hypersweep
        from .random import RandomSampler

        return RandomSampler(seed=seed)


def outside(completed: Sequence[FrozenTrial], space: SearchSpace) -> list[str]:
    """The parameters of ``completed`` trials that ``space`` leaves out (single values aside)."""
    dists = {n: d for t in completed for n, d in t.distributions.items()}
    return sorted(n for n, d in dists.items() if n not in space and not d.single())


def lookup(trials: Sequence[FrozenTrial], number: int) -> FrozenTrial | None:
    """The trial numbered ``number`` (``None`` if ``trials`` does not hold it yet)."""
    if number < len(trials) and trials[number].number == number:
        return trials[number]
    for t in trials:
        if t.number == number:
            return t
    return None


def told_value(t: FrozenTrial, consider_pruned: bool) -> float | None:
    """The value to tell for ``t``: COMPLETE's value, or PRUNED's last report if asked."""
    if t.state is TrialState.COMPLETE:
        return None if t.values is None else float(t.values[0])
    if t.state is TrialState.PRUNED and consider_pruned and t.intermediate_values:
        return float(t.intermediate_values[max(t.intermediate_values)])
    return None
