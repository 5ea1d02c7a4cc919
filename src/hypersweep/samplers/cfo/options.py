"""Constructor checks and the cost of a trial for the cost-frugal samplers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ...algorithms.flow2 import SHRINK_RULES, ResourceLadder
from ...space import Distribution, FloatDistribution, IntDistribution
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


def check_resource(
    resource_attr: str | None,
    min_resource: float | None,
    max_resource: float | None,
    reduction_factor: float,
    low_cost: Mapping[str, Any],
) -> ResourceLadder | None:
    """The resource ladder (``None`` without ``resource_attr``); ``TypeError``/``ValueError``
    for inconsistent arguments. ``min_resource`` defaults to ``max_resource /
    reduction_factor**5`` (as FLAML)."""
    if resource_attr is None:
        if min_resource is not None or max_resource is not None:
            raise ValueError(
                "min_resource / max_resource need resource_attr: the name of the parameter "
                "holding the resource (e.g. resource_attr='n_samples')."
            )
        return None
    if not isinstance(resource_attr, str) or not resource_attr:
        raise TypeError(f"resource_attr must be a parameter name (str), got {resource_attr!r}.")
    if resource_attr in low_cost:
        raise ValueError(
            f"{resource_attr!r} is the resource_attr: give its cheap end as min_resource, "
            "not in low_cost_partial_config."
        )
    if max_resource is None:
        raise ValueError("resource_attr needs max_resource (the full sample size or rounds).")
    number = isinstance(reduction_factor, (int, float)) and not isinstance(reduction_factor, bool)
    if min_resource is None and number and reduction_factor > 1:
        min_resource = max_resource / reduction_factor**5
    return ResourceLadder(
        min_resource,  # type: ignore[arg-type]  # checked by ResourceLadder
        max_resource,
        reduction_factor,
    )


def resource_value(ladder: ResourceLadder, name: str, dist: Distribution, resource: float) -> Any:
    """``resource`` as a value of ``dist`` (rounded for an integer one); ``ValueError`` when
    ``dist`` cannot hold the ladder's values."""
    if not isinstance(dist, (IntDistribution, FloatDistribution)):
        raise ValueError(
            f"The resource parameter {name!r} must be suggested as an int or a float, got {dist}."
        )
    value: Any = round(resource) if isinstance(dist, IntDistribution) else float(resource)
    if not dist.contains(value):
        raise ValueError(
            f"The resource parameter {name!r} takes the values {ladder.rungs()} "
            f"(min_resource * reduction_factor**k, then max_resource), but the objective "
            f"suggests it from {dist}; suggest it over [min_resource, max_resource]."
        )
    return value


def check_resource_name(resource_attr: str, trial: FrozenTrial) -> None:
    """``ValueError`` when the first finished trial did not suggest the resource parameter."""
    if resource_attr not in trial.params:
        raise ValueError(
            f"resource_attr={resource_attr!r} names a parameter the objective never suggested "
            f"(it suggests {sorted(trial.params)}); suggest it, e.g. "
            f"trial.suggest_int({resource_attr!r}, min_resource, max_resource)."
        )


def check_global_share(share: float) -> float:
    """``global_share`` as a float in ``[0, 1)``; ``TypeError``/``ValueError`` otherwise."""
    if isinstance(share, bool) or not isinstance(share, (int, float)):
        raise TypeError(f"global_share must be a number in [0, 1), got {share!r}.")
    if not 0 <= share < 1:
        raise ValueError(f"global_share must be in [0, 1), got {share}.")
    return float(share)
