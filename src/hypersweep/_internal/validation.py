"""Checks of numeric arguments, shared so that every constructor words its errors alike.

A ``bool`` is never accepted as a number: Python counts ``True`` as the int 1, but
``n_trials=True`` is a mistake, not a count.

A value of the wrong type raises ``type_error`` (``TypeError`` unless the caller says
otherwise: several public arguments have always raised ``ValueError`` for any bad value,
and keep doing so); a value of the right type out of range raises ``ValueError``. Both say
what was expected and what was given:

>>> check_int("n_trials", 3, minimum=1)
3
>>> check_int("n_trials", 0, minimum=1)
Traceback (most recent call last):
...
ValueError: n_trials must be an int >= 1, got 0.
>>> check_int("seed", 1.5, minimum=0, allow_none=True)
Traceback (most recent call last):
...
TypeError: seed must be an int >= 0 or None, got float 1.5.
>>> check_float("sigma0", 0.0, greater_than=0, hint="(1 = the whole range)")
Traceback (most recent call last):
...
ValueError: sigma0 must be a finite number > 0 (1 = the whole range), got 0.0.
"""

from __future__ import annotations

import math
from typing import Any, Literal, overload


def _num(x: float) -> str:
    return str(x) if isinstance(x, int) else f"{x:g}"


def _range(
    minimum: float | None,
    maximum: float | None,
    greater_than: float | None = None,
    less_than: float | None = None,
) -> str:
    """`` >= 1``, `` > 0``, `` in (0, 1]``... (empty without bounds)."""
    low, low_open = (greater_than, True) if greater_than is not None else (minimum, False)
    high, high_open = (less_than, True) if less_than is not None else (maximum, False)
    if low is not None and high is not None:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        return f" in {left}{_num(low)}, {_num(high)}{right}"
    if low is not None:
        return f" {'>' if low_open else '>='} {_num(low)}"
    if high is not None:
        return f" {'<' if high_open else '<='} {_num(high)}"
    return ""


def _expected(kind: str, bounds: str, allow_none: bool, hint: str) -> str:
    return kind + bounds + (f" {hint}" if hint else "") + (" or None" if allow_none else "")


@overload
def check_int(
    name: str,
    value: Any,
    *,
    minimum: int | None = ...,
    maximum: int | None = ...,
    allow_none: Literal[False] = ...,
    type_error: type[Exception] = ...,
    hint: str = ...,
) -> int: ...


@overload
def check_int(
    name: str,
    value: Any,
    *,
    minimum: int | None = ...,
    maximum: int | None = ...,
    allow_none: bool,
    type_error: type[Exception] = ...,
    hint: str = ...,
) -> int | None: ...


def check_int(
    name: str,
    value: Any,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    allow_none: bool = False,
    type_error: type[Exception] = TypeError,
    hint: str = "",
) -> int | None:
    """``value`` if it is an ``int`` (not a ``bool``) within ``[minimum, maximum]``.

    ``None`` passes when ``allow_none``. ``hint`` is added to the expectation in messages.
    """
    if value is None and allow_none:
        return None
    expected = _expected("an int", _range(minimum, maximum), allow_none, hint)
    if isinstance(value, bool) or not isinstance(value, int):
        raise type_error(f"{name} must be {expected}, got {type(value).__name__} {value!r}.")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {expected}, got {value!r}.")
    return int(value)  # a plain int, also for an int subclass such as an IntEnum member


@overload
def check_float(
    name: str,
    value: Any,
    *,
    minimum: float | None = ...,
    maximum: float | None = ...,
    greater_than: float | None = ...,
    less_than: float | None = ...,
    allow_none: Literal[False] = ...,
    type_error: type[Exception] = ...,
    hint: str = ...,
) -> float: ...


@overload
def check_float(
    name: str,
    value: Any,
    *,
    minimum: float | None = ...,
    maximum: float | None = ...,
    greater_than: float | None = ...,
    less_than: float | None = ...,
    allow_none: bool,
    type_error: type[Exception] = ...,
    hint: str = ...,
) -> float | None: ...


def check_float(
    name: str,
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    greater_than: float | None = None,
    less_than: float | None = None,
    allow_none: bool = False,
    type_error: type[Exception] = TypeError,
    hint: str = "",
) -> float | None:
    """``float(value)`` if ``value`` is a finite ``int`` or ``float`` (not a ``bool``) in range.

    ``minimum``/``maximum`` are inclusive bounds, ``greater_than``/``less_than`` exclusive
    ones; NaN and infinities never pass. ``None`` passes when ``allow_none``.
    """
    if value is None and allow_none:
        return None
    bounds = _range(minimum, maximum, greater_than, less_than)
    expected = _expected("a finite number", bounds, allow_none, hint)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise type_error(f"{name} must be {expected}, got {type(value).__name__} {value!r}.")
    if (
        not math.isfinite(value)
        or (minimum is not None and not value >= minimum)
        or (maximum is not None and not value <= maximum)
        or (greater_than is not None and not value > greater_than)
        or (less_than is not None and not value < less_than)
    ):
        raise ValueError(f"{name} must be {expected}, got {value!r}.")
    return float(value)
