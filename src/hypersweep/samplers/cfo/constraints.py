"""Config constraints and metric constraints of the cost-frugal samplers (FLAML's semantics).

* **Config constraints** ``[(fn, sign, threshold), ...]``: ``fn(params)`` (the parameters the
  local searches move, decoded) must satisfy ``fn(params) sign threshold``, ``sign`` one of
  ``"<="``, ``">="``, ``"<"``, ``">"``. A proposal that violates one is never run: a local
  proposal is answered at once as a failure (no improvement, like FLAML's infinite result);
  a start is redrawn; a global proposal goes to the backup local thread (the global sampler
  cannot be told a result without a trial). The very first trial (before any trial has
  completed the space is unknown) is not checked: give a low-cost start that satisfies them.
* **Metric constraints** ``[(name, sign, threshold), ...]``: the user attribute ``name``
  (``trial.set_user_attr(name, value)``) must satisfy ``value sign threshold``, ``sign`` one
  of ``"<="``, ``">="``. The threads see the Lagrangian ``objective + sum_i penalty_i *
  violation_i`` (in the minimised sign). Until a feasible trial is seen every penalty is
  ``1e10`` (infeasible points rank by their violation); at the first feasible trial they
  reset to 1 and each grows by the violation of every infeasible result (dual ascent).
  Only feasible global trials start threads; while none is feasible, each local result
  widens the admissible region by 0.1. A trial without the attribute counts as feasible
  for that constraint. The global sampler and the study's ``best_trial`` see the raw
  objective: filter trials by the attribute to find the best feasible one.

>>> holds(3.0, "<=", 4.0), holds(3.0, ">", 4.0)
(True, False)
>>> violation(5.0, "<=", 4.0), violation(5.0, ">=", 4.0)
(1.0, -1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from typing import Any

#: The penalty on every metric constraint until a feasible trial is seen (FLAML's PENALTY).
PENALTY = 1e10
#: How far the admissible region widens per local result while no trial is feasible.
STEP_WIDEN = 0.1
CONFIG_SIGNS = ("<=", ">=", "<", ">")
METRIC_SIGNS = ("<=", ">=")

ConfigConstraint = tuple[Callable[[Mapping[str, Any]], float], str, float]
MetricConstraint = tuple[str, str, float]


def holds(value: float, sign: str, threshold: float) -> bool:
    """Whether ``value sign threshold``."""
    if sign == "<=":
        return value <= threshold
    if sign == ">=":
        return value >= threshold
    if sign == "<":
        return value < threshold
    return value > threshold


def violation(value: float, sign: str, threshold: float) -> float:
    """How far ``value`` is beyond ``threshold`` (positive: violated) for ``"<="``/``">="``."""
    return (value - threshold) * (1.0 if sign == "<=" else -1.0)


def _check_triple(item: Any, what: str) -> tuple[Any, str, float]:
    if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 3:
        raise TypeError(f"each of {what} must be a (.., sign, threshold) triple, got {item!r}.")
    first, sign, threshold = item
    if not isinstance(threshold, Real) or isinstance(threshold, bool):
        raise TypeError(f"the threshold in {what} must be a real number, got {threshold!r}.")
    if math.isnan(float(threshold)):
        raise ValueError(f"the threshold in {what} must not be NaN.")
    return first, sign, float(threshold)


def check_config_constraints(items: Sequence[Any] | None) -> list[ConfigConstraint]:
    """``config_constraints`` as a list; ``TypeError``/``ValueError`` for a bad entry."""
    out: list[ConfigConstraint] = []
    for item in items or ():
        fn, sign, threshold = _check_triple(item, "config_constraints")
        if not callable(fn):
            raise TypeError(f"config_constraints need a callable of the params, got {fn!r}.")
        if sign not in CONFIG_SIGNS:
            raise ValueError(f"config constraint sign must be one of {CONFIG_SIGNS}, got {sign!r}.")
        out.append((fn, sign, threshold))
    return out


def check_metric_constraints(items: Sequence[Any] | None) -> list[MetricConstraint]:
    """``metric_constraints`` as a list; ``TypeError``/``ValueError`` for a bad entry."""
    out: list[MetricConstraint] = []
    for item in items or ():
        name, sign, threshold = _check_triple(item, "metric_constraints")
        if not isinstance(name, str) or not name:
            raise TypeError(f"metric constraints name a user attribute (str), got {name!r}.")
        if sign not in METRIC_SIGNS:
            raise ValueError(f"metric constraint sign must be one of {METRIC_SIGNS}, got {sign!r}.")
        out.append((name, sign, threshold))
    return out


def violates(constraints: Sequence[ConfigConstraint], params: Mapping[str, Any]) -> bool:
    """Whether ``params`` violates one of ``constraints``."""
    return any(not holds(float(fn(params)), sign, thr) for fn, sign, thr in constraints)


def lagrangian(
    constraints: Sequence[MetricConstraint],
    attrs: Mapping[str, Any],
    value: float,
    penalties: list[float],
    feasible_seen: bool,
) -> tuple[float, bool, list[float]]:
    """``(penalised value, feasible, new penalties)`` of a result ``value`` (minimised) whose
    user attributes are ``attrs`` (see the module docstring; ``penalties`` empty: start).

    >>> c = [("mem", "<=", 4.0)]
    >>> lagrangian(c, {"mem": 5.0}, 1.0, [], False)
    (10000000001.0, False, [10000000000.0])
    >>> lagrangian(c, {"mem": 3.0}, 1.0, [1e10], False)   # first feasible: reset to 1
    (1.0, True, [1.0])
    >>> lagrangian(c, {"mem": 6.0}, 1.0, [1.0], True)     # 1 + 1 * 2; penalty grows by 2
    (3.0, False, [3.0])
    """
    pen = list(penalties) if penalties else [PENALTY] * len(constraints)
    feasible = True
    for i, (name, sign, threshold) in enumerate(constraints):
        raw = attrs.get(name)
        if raw is None:
            continue
        v = violation(float(raw), sign, threshold)
        if v > 0:
            value += pen[i] * v
            feasible = False
            if pen[i] < PENALTY:
                pen[i] += v
    if feasible and not feasible_seen:
        pen = [1.0] * len(constraints)
    return value, feasible, pen
