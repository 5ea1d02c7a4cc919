"""Turn what an objective returned into objective values, or a reason to fail the trial."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

#: The fail reason of a trial whose objective returned NaN.
NAN_REASON = "the objective returned NaN"


def unwrap_0d(item: Any) -> Any:
    """A 0-d numpy array as the Python scalar it holds (Optuna accepts them too)."""
    if isinstance(item, np.ndarray) and item.ndim == 0:
        return item.item()
    return item


def _array_problem(item: Any) -> str | None:
    if isinstance(item, np.ndarray):
        return (
            f"the objective returned a numpy array of shape {item.shape}; return a float, or "
            "a list of floats with one per objective (float(a) or a.tolist())"
        )
    return None


def convert_values(raw: Any, n_objectives: int) -> tuple[tuple[float, ...] | None, str | None]:
    """``(values, None)`` for a valid return value, ``(None, reason)`` otherwise.

    A 0-d numpy array counts as the number it holds; other arrays are not results (as in
    Optuna), so return ``float(a)`` for an array of one value.

    >>> convert_values(0.5, 1)
    ((0.5,), None)
    >>> convert_values(np.array(0.5), 1)
    ((0.5,), None)
    >>> convert_values(float("nan"), 1)[1]
    'the objective returned NaN'
    """
    raw = unwrap_0d(raw)
    problem = _array_problem(raw)
    if problem is not None:
        return None, problem
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
        items: Sequence[Any] = (raw,)
    else:
        items = raw
    if len(items) != n_objectives:
        return None, (
            f"the objective returned {len(items)} value(s) but the study has "
            f"{n_objectives} objective(s)"
        )
    values = []
    for item in map(unwrap_0d, items):
        problem = _array_problem(item)
        if problem is not None:
            return None, problem
        if item is None:
            return None, "the objective returned None; return the objective value (a float)"
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            return None, (
                f"the objective returned {type(item).__name__} {item!r}; it must return a "
                "float (or a sequence of floats, one per objective)"
            )
        value = float(item)
        if math.isnan(value):
            return None, NAN_REASON
        values.append(value)
    return tuple(values), None


def convert_report(raw: Any, n_objectives: int) -> tuple[float, ...]:
    """Validate a reported intermediate value; ``TypeError``/``ValueError`` if it is wrong.

    A 0-d numpy array counts as the number it holds, as in :func:`convert_values`.
    """
    raw = unwrap_0d(raw)
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
        items: Sequence[Any] = (raw,)
    else:
        items = raw
    if len(items) != n_objectives:
        raise ValueError(
            f"report() got {len(items)} value(s) but the study has {n_objectives} objective(s); "
            "report one value per objective."
        )
    out = []
    for item in map(unwrap_0d, items):
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise TypeError(
                f"report() needs a float (one per objective), got {type(item).__name__} {item!r}."
            )
        out.append(float(item))
    return tuple(out)
