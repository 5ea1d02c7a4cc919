"""Build a validated :class:`FrozenTrial` by hand (for ``Study.add_trial``)."""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..space.distributions import Distribution
from .frozen import FrozenTrial, TrialState


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: float | None = None,
    values: Sequence[float] | None = None,
    params: Mapping[str, Any] | None = None,
    distributions: Mapping[str, Distribution] | None = None,
    user_attrs: Mapping[str, Any] | None = None,
    system_attrs: Mapping[str, Any] | None = None,
    intermediate_values: Mapping[int, Any] | None = None,
) -> FrozenTrial:
    """A finished trial record to add to a study, checked for consistency.

    >>> import hypersweep as hs
    >>> t = hs.create_trial(value=0.2, params={"x": 0.5},
    ...                     distributions={"x": hs.FloatDistribution(0, 1)})
    >>> t.state.name, t.value
    ('COMPLETE', 0.2)
    """
    if value is not None and values is not None:
        raise ValueError("Give either value or values, not both.")
    vals: tuple[float, ...] | None = None
    if value is not None:
        vals = (float(value),)
    elif values is not None:
        vals = tuple(float(v) for v in values)
    if state is TrialState.COMPLETE and vals is None:
        raise ValueError("A COMPLETE trial needs value= or values=.")
    if state is not TrialState.COMPLETE and vals is not None and state is not TrialState.PRUNED:
        raise ValueError(f"A {state.name} trial cannot have objective values.")
    if state is TrialState.RUNNING:
        raise ValueError("add_trial takes finished or WAITING trials, not RUNNING ones.")
    if vals is not None and not all(math.isfinite(v) for v in vals):
        raise ValueError(f"Objective values must be finite, got {vals}.")
    params = dict(params or {})
    distributions = dict(distributions or {})
    if set(params) != set(distributions):
        raise ValueError(
            "params and distributions must name the same parameters; "
            f"params has {sorted(params)}, distributions has {sorted(distributions)}."
        )
    for name, dist in distributions.items():
        if not dist.contains(params[name]):
            raise ValueError(f"Parameter {name!r}={params[name]!r} is not in {dist}.")
    now = _dt.datetime.now()
    return FrozenTrial(
        number=-1,
        state=state,
        values=vals,
        params=params,
        distributions=distributions,
        user_attrs=dict(user_attrs or {}),
        system_attrs=dict(system_attrs or {}),
        intermediate_values=dict(intermediate_values or {}),
        datetime_start=now,
        datetime_complete=now if state.is_finished() else None,
    )
