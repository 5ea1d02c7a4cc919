"""Turn what an objective returned into objective values, or a reason to fail the trial."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any


def convert_values(raw: Any, n_objectives: int) -> tuple[tuple[float, ...] | None, str | None]:
    """``(values, None)`` for a valid return value, ``(None, reason)`` otherwise.

    >>> convert_values(0.5, 1)
    ((0.5,), None)
    >>> convert_values(float("nan"), 1)[1]
    'the objective returned NaN'
    """
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
    for item in items:
        if item is None:
            return None, "the objective returned None; return the objective value (a float)"
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            return None, (
                f"the objective returned {type(item).__name__} {item!r}; it must return a "
                "float (or a sequence of floats, one per objective)"
            )
        value = float(item)
        if math.isnan(value):
            return None, "the objective returned NaN"
        values.append(value)
    return tuple(values), None


def convert_report(raw: Any, n_objectives: int) -> tuple[float, ...]:
    """Validate a reported intermediate value; ``TypeError``/``ValueError`` if it is wrong."""
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
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise TypeError(
                f"report() needs a float (one per objective), got {type(item).__name__} {item!r}."
            )
        out.append(float(item))
    return tuple(out)
