"""Constraint values of trials (``constraints_func`` of TPE and GP): feasibility and violation.

A constrained study stores, on each finished trial, a list of floats under the system
attribute ``"constraints"`` (:data:`~hypersweep.trial.keys.CONSTRAINTS`, Optuna's name): the
trial is feasible when every value is ``<= 0``, and its violation is the sum of the positive
values. Samplers rank trials with :func:`violation`; ``Study.best_trial`` and
``best_trials`` keep the feasible ones (:func:`feasible_only`).

>>> from hypersweep.trial import TrialState
>>> t = FrozenTrial(number=0, state=TrialState.COMPLETE, values=(1.0,),
...                 system_attrs={keys.CONSTRAINTS: [-1.0, 0.5, 2.0]})
>>> is_feasible(t), violation(t)
(False, 2.5)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from typing import Any

from . import keys
from .frozen import FrozenTrial

ConstraintsFunc = Callable[[FrozenTrial], Sequence[float]]


def constraint_dict(system_attrs: Mapping[str, Any]) -> dict[str, float]:
    """The constraint values in ``system_attrs`` by name, as Optuna reads them: the list
    ``constraints_func`` stores (named ``"0"``, ``"1"``, ...) and the values
    ``Trial.set_constraint(key, value)`` stores under ``"constraints:<key>"``.

    >>> constraint_dict({keys.CONSTRAINTS: [0.5], keys.CONSTRAINTS + ":memory": -1.0})
    {'0': 0.5, 'memory': -1.0}
    """
    out = {str(i): float(v) for i, v in enumerate(system_attrs.get(keys.CONSTRAINTS) or ())}
    prefix = keys.CONSTRAINTS + ":"
    for key, value in system_attrs.items():
        if key.startswith(prefix):
            out[key[len(prefix) :]] = float(value)
    return out


def constraints_of(trial: FrozenTrial) -> list[float] | None:
    """The trial's stored constraint values (``None`` when it has none)."""
    values = constraint_dict(trial.system_attrs)
    return list(values.values()) if values else None


def violation(trial: FrozenTrial) -> float:
    """Sum of the positive constraint values (0: feasible; ``inf`` without constraints)."""
    values = constraints_of(trial)
    if values is None:
        return math.inf
    return sum(max(v, 0.0) for v in values)


def is_feasible(trial: FrozenTrial) -> bool:
    """Whether the trial has constraint values and all are ``<= 0``."""
    values = constraints_of(trial)
    return values is not None and all(v <= 0.0 for v in values)


def is_constrained(trials: Sequence[FrozenTrial]) -> bool:
    """Whether any trial has constraint values (the study is a constrained one)."""
    return any(constraint_dict(t.system_attrs) for t in trials)


def feasible_only(trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    """``trials`` without the infeasible ones (a trial without constraint values is kept, as
    in Optuna's ``best_trial``: it ran before constraints were computed or failed first)."""
    return [t for t in trials if all(v <= 0.0 for v in constraints_of(t) or ())]


def evaluate(func: ConstraintsFunc, trial: FrozenTrial) -> list[float]:
    """``func(trial)`` checked: a non-empty sequence of real numbers, none NaN.

    >>> from hypersweep.trial import TrialState
    >>> t = FrozenTrial(number=0, state=TrialState.COMPLETE, params={"x": 2.0})
    >>> evaluate(lambda t: (t.params["x"] - 1.0,), t)
    [1.0]
    """
    out = func(trial)
    if isinstance(out, (str, bytes, Real)):
        raise TypeError(f"constraints_func must return a sequence of floats, got {out!r}.")
    try:
        values = [float(v) for v in out]
    except (TypeError, ValueError):
        raise TypeError(
            f"constraints_func must return a sequence of floats, got {out!r}."
        ) from None
    if not values:
        raise ValueError("constraints_func returned no value; return at least one float.")
    if any(math.isnan(v) for v in values):
        raise ValueError("constraints_func returned NaN; return floats (<= 0: satisfied).")
    return values


def check_constraints_func(func: Any) -> ConstraintsFunc | None:
    """``func`` if callable or ``None``; ``TypeError`` otherwise."""
    if func is not None and not callable(func):
        raise TypeError(
            "constraints_func must be a function trial -> sequence of floats (<= 0: feasible)."
        )
    return func  # type: ignore[no-any-return]
