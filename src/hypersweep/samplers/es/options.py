"""Helpers of the evolution-strategy samplers: option checks, independent sampling, lookups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..._internal.validation import check_float, check_int
from ...algorithms.es import RestartState
from ...space import SearchSpace
from ...trial import FrozenTrial, LineageInfo, TrialState, keys
from ..base import Sampler


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
    # sigma0 and popsize: any bad value is a ValueError, a wrong type included (as it was).
    check_float(
        "sigma0",
        sigma0,
        greater_than=0,
        allow_none=True,
        type_error=ValueError,
        hint="(1 = the whole range)",
    )
    check_int("popsize", popsize, minimum=2, allow_none=True, type_error=ValueError)
    check_int("n_startup_trials", n_startup_trials, minimum=1)
    if independent_sampler is not None and not isinstance(independent_sampler, Sampler):
        raise TypeError("independent_sampler must be a hypersweep Sampler or None.")


def check_options_restart(restart_strategy: str | None, inc_popsize: float) -> None:
    """Raise ``ValueError`` for an unknown restart strategy or a population that cannot grow."""
    check_float("inc_popsize", inc_popsize, greater_than=1, type_error=ValueError)
    RestartState(restart_strategy, 1)  # validates the strategy


def default_independent(seed: int) -> Sampler:
    """The sampler for parameters outside the joint space: TPE (random search without it)."""
    try:
        from ..tpe import TPESampler

        return TPESampler(seed=seed)
    except ImportError:  # pragma: no cover - TPE ships with hypersweep
        from ..random import RandomSampler

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


def latest_record(trials: Sequence[FrozenTrial], t: FrozenTrial) -> FrozenTrial:
    """``t``, or, when ``t`` was paused and continued (pause/resume schedulers), the latest
    continuation of its configuration: the record whose result the configuration has."""
    if t.state is not TrialState.PRUNED or keys.PAUSED_AT not in t.system_attrs:
        return t
    root = LineageInfo.of(t).root
    latest = t
    for other in trials:
        if other.number > latest.number and other.system_attrs.get(keys.LINEAGE) == root:
            latest = other
    return latest


def told_value(t: FrozenTrial, consider_pruned: bool) -> float | None:
    """The value to tell for ``t``: COMPLETE's value, or PRUNED's last report if asked.

    A paused record (PRUNED with ``paused_at``) has no value yet: it may be continued.
    """
    if keys.PAUSED_AT in t.system_attrs and t.state is TrialState.PRUNED:
        return None
    if t.state is TrialState.COMPLETE:
        return None if t.values is None else float(t.values[0])
    if t.state is TrialState.PRUNED and consider_pruned and t.intermediate_values:
        return float(t.intermediate_values[max(t.intermediate_values)])
    return None
