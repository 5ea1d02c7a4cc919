"""Constructor checks and the cost of a trial for the cost-frugal samplers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ...algorithms.flow2 import SHRINK_RULES
from ...space import Distribution
from ...trial import FrozenTrial, TrialState

#: ``cost_attr`` value that counts every trial as cost 1 (reproducible, no report needed).
UNIT_COST = "@trials"


def check_low_cost(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """``low_cost_partial_config`` as a dict; ``TypeError`` when it is not a str-keyed map."""
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise TypeError(
            f"low_cost_partial_config must be a dict of parameter name -> value, got "
            f"{type(config).__name__}."
        )
    for name in config:
        if not isinstance(name, str):
            raise TypeError(
                f"low_cost_partial_config keys must be parameter names (str), got {name!r}."
            )
    return dict(config)


def check_options(cost_attr: str | None, shrink: str) -> None:
    """``TypeError``/``ValueError`` for a bad ``cost_attr`` or ``shrink``."""
    if cost_attr is not None and not isinstance(cost_attr, str):
        raise TypeError(f"cost_attr must be a str or None, got {type(cost_attr).__name__}.")
    if cost_attr == "":
        raise ValueError("cost_attr must name a user attribute (or be None: trial duration).")
    if shrink not in SHRINK_RULES:
        raise ValueError(f"shrink must be one of {SHRINK_RULES}, got {shrink!r}.")


def check_low_cost_value(config: Mapping[str, Any], name: str, dist: Distribution) -> None:
    """``ValueError`` when the low-cost value of ``name`` is outside ``dist``."""
    if name in config and not dist.contains(config[name]):
        raise ValueError(
            f"low_cost_partial_config[{name!r}] = {config[name]!r} is not in the distribution "
            f"the objective suggests for it: {dist}."
        )


def check_low_cost_names(config: Mapping[str, Any], finished: Iterable[FrozenTrial]) -> None:
    """``ValueError`` naming low-cost parameters that no finished trial suggested."""
    seen: set[str] = set()
    for t in finished:
        seen.update(t.params)
    unknown = sorted(set(config) - seen)
    if unknown:
        raise ValueError(
            f"low_cost_partial_config names {unknown}, which the objective never suggested "
            f"(it suggests {sorted(seen)}); check the spelling."
        )


def trial_cost(trial: FrozenTrial, cost_attr: str | None) -> float:
    """The cost of a finished trial: its duration in seconds (``cost_attr=None``), 1
    (``cost_attr="@trials"``), or its user attribute ``cost_attr``.

    A COMPLETE trial without that attribute raises ``ValueError``; a failed or pruned one
    costs 0 (it may have stopped before reporting).
    """
    if cost_attr is None:
        duration = trial.duration
        return 0.0 if duration is None else max(duration.total_seconds(), 0.0)
    if cost_attr == UNIT_COST:
        return 1.0
    value = trial.user_attrs.get(cost_attr)
    if value is None:
        if trial.state is TrialState.COMPLETE:
            raise ValueError(
                f"Trial {trial.number} has no user attribute {cost_attr!r} (the cost_attr); "
                f"set it with trial.set_user_attr({cost_attr!r}, cost) in the objective."
            )
        return 0.0
    try:
        cost = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"The cost of trial {trial.number} (user attribute {cost_attr!r}) must be a number, "
            f"got {value!r}."
        ) from None
    if not math.isfinite(cost) or cost < 0:
        raise ValueError(f"The cost of trial {trial.number} must be >= 0, got {cost}.")
    return cost
