"""Distributions: what values one parameter can take, and their encoding to the unit interval.

Three kinds cover every parameter: :class:`FloatDistribution` (optionally log-scaled or on a
step grid), :class:`IntDistribution` (optionally log-scaled or stepped) and
:class:`CategoricalDistribution`. Each knows

* its *internal* representation (a float: the value itself, or a choice's index), which is
  what storage keeps,
* how many values it has (:meth:`~BaseDistribution.n_levels`; ``None`` if continuous), and
* an encoding to the unit interval ``[0, 1]`` used by model-based samplers. Discrete values
  own equal-width cells of the interval, so ``from_unit(u)`` for a uniform ``u`` samples the
  distribution (log-uniformly where ``log=True``) and ``from_unit(to_unit(x)) == x``.
  :mod:`hypersweep.space.encoding` applies it to whole search spaces.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

CategoricalChoice = None | bool | int | float | str
FloatArray = npt.NDArray[np.float64]

_STEP_TOLERANCE = 1e-8


def _floats(values: Any) -> FloatArray:
    return np.asarray(values, dtype=float)


def _grid_value(low: float, k: float, step: float) -> float:
    # low + k * step carries float noise (0.7000000000000001); 12 significant digits remove it.
    return float(f"{low + k * step:.12g}")


def _check_number(name: str, value: Any, kind: type) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if kind is int and float(value) != int(value):
        raise ValueError(f"{name} must be an integer, got {value!r}.")


class BaseDistribution:
    """Common interface of the three distribution kinds."""

    __slots__ = ()

    def to_internal(self, value: Any) -> float:
        """The float that storage keeps for ``value``."""
        raise NotImplementedError

    def to_external(self, internal: float) -> Any:
        """The user-facing value for a stored float."""
        raise NotImplementedError

    def contains(self, value: Any) -> bool:
        """Whether ``value`` can be drawn from this distribution."""
        raise NotImplementedError

    def to_internal_repr(self, value: Any) -> float:
        """Optuna's name of :meth:`to_internal`."""
        return self.to_internal(value)

    def to_external_repr(self, internal: float) -> Any:
        """Optuna's name of :meth:`to_external`."""
        return self.to_external(internal)

    def single(self) -> bool:
        """Whether the distribution has exactly one value."""
        raise NotImplementedError

    def n_levels(self) -> int | None:
        """How many values the distribution has; ``None`` where they are continuous.

        Integers and stepped floats count their grid points, categoricals their choices.

        >>> IntDistribution(0, 30, step=3).n_levels(), FloatDistribution(0, 1, step=0.1).n_levels()
        (11, 11)
        >>> CategoricalDistribution(["a", "b"]).n_levels(), FloatDistribution(0, 1).n_levels()
        (2, None)
        """
        raise NotImplementedError

    def to_unit(self, internal: FloatArray) -> FloatArray:
        """Encode internal values to ``[0, 1]`` (vectorised)."""
        raise NotImplementedError

    def from_unit(self, unit: FloatArray) -> FloatArray:
        """Decode points of ``[0, 1]`` to internal values (vectorised)."""
        raise NotImplementedError

    def from_unit_scalar(self, u: float) -> Any:
        """Decode one point of ``[0, 1]`` to an external value (fast scalar path)."""
        raise NotImplementedError


@dataclass(frozen=True)
class FloatDistribution(BaseDistribution):
    """Real values in ``[low, high]``; ``log=True`` samples log-uniformly, ``step`` makes a grid.

    >>> d = FloatDistribution(0.0, 1.0, step=0.25)
    >>> d.contains(0.5), d.contains(0.3)
    (True, False)
    >>> d.from_unit_scalar(0.99)
    1.0
    """

    low: float
    high: float
    log: bool = False
    step: float | None = None

    def __post_init__(self) -> None:
        _check_number("low", self.low, float)
        _check_number("high", self.high, float)
        object.__setattr__(self, "low", float(self.low))
        object.__setattr__(self, "high", float(self.high))
        if self.low > self.high:
            raise ValueError(
                f"low must be <= high, got low={self.low}, high={self.high}. Swap the bounds."
            )
        if not isinstance(self.log, bool):
            raise TypeError(f"log must be a bool, got {self.log!r}.")
        if self.log and self.low <= 0.0:
            raise ValueError(
                f"log=True needs low > 0, got low={self.low}. Use a positive lower bound "
                "or log=False."
            )
        if self.step is not None:
            if self.log:
                raise ValueError("step and log=True cannot be combined; choose one of them.")
            _check_number("step", self.step, float)
            step = float(self.step)
            object.__setattr__(self, "step", step)
            if step <= 0:
                raise ValueError(f"step must be > 0, got {step}.")
            n = (self.high - self.low) / step
            if abs(n - round(n)) > _STEP_TOLERANCE * max(1.0, abs(n)):
                valid_high = float(f"{self.low + math.floor(n) * step:.12g}")
                raise ValueError(
                    f"step={step} does not divide the range [{self.low}, {self.high}]; "
                    f"use high={valid_high!r} or a step that divides high - low."
                )

    def to_internal(self, value: Any) -> float:
        return float(value)

    def to_external(self, internal: float) -> float:
        return float(internal)

    def contains(self, value: Any) -> bool:
        try:
            v = float(value)
        except (TypeError, ValueError):
            return False
        if not (self.low <= v <= self.high):
            return False
        if self.step is None:
            return True
        k = (v - self.low) / self.step
        return abs(k - round(k)) <= _STEP_TOLERANCE * max(1.0, abs(k))

    def single(self) -> bool:
        return self.low == self.high

    def n_levels(self) -> int | None:
        if self.step is None:
            return None
        return round((self.high - self.low) / self.step) + 1

    def to_unit(self, internal: FloatArray) -> FloatArray:
        x = np.asarray(internal, dtype=float)
        if self.low == self.high:
            return _floats(np.full_like(x, 0.5))
        if self.log:
            lo, hi = math.log(self.low), math.log(self.high)
            return _floats(np.clip((np.log(x) - lo) / (hi - lo), 0.0, 1.0))
        step, n = self.step, self.n_levels()
        if step is not None and n is not None:
            k = np.round((x - self.low) / step)
            return (k + 0.5) / n
        return _floats(np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0))

    def from_unit(self, unit: FloatArray) -> FloatArray:
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        if self.low == self.high:
            return _floats(np.full_like(u, self.low))
        if self.log:
            lo, hi = math.log(self.low), math.log(self.high)
            return _floats(np.clip(np.exp(lo + u * (hi - lo)), self.low, self.high))
        step, n = self.step, self.n_levels()
        if step is not None and n is not None:
            k = np.minimum(np.floor(u * n), n - 1)
            grid = [_grid_value(self.low, float(i), step) for i in k.ravel()]
            return _floats(np.minimum(np.reshape(grid, k.shape), self.high))
        return _floats(np.clip(self.low + u * (self.high - self.low), self.low, self.high))

    def from_unit_scalar(self, u: float) -> float:
        low, high, step = self.low, self.high, self.step
        if self.log:
            lo = math.log(low)
            v = math.exp(lo + u * (math.log(high) - lo))
        elif step is None:  # the common case first: no level count to compute
            v = low + u * (high - low)
        else:
            n = round((high - low) / step) + 1  # n_levels(), inlined on this hot path
            v = _grid_value(low, min(math.floor(u * n), n - 1), step)
        return min(max(v, low), high)


@dataclass(frozen=True)
class IntDistribution(BaseDistribution):
    """Integers in ``[low, high]`` (both included), every ``step``-th, or log-uniform.

    >>> IntDistribution(1, 10, step=3).contains(7)
    True
    >>> IntDistribution(1, 1000, log=True).from_unit_scalar(0.5)  # about sqrt(0.5 * 1000.5)
    22
    """

    low: int
    high: int
    log: bool = False
    step: int = 1

    def __post_init__(self) -> None:
        _check_number("low", self.low, int)
        _check_number("high", self.high, int)
        _check_number("step", self.step, int)
        object.__setattr__(self, "low", int(self.low))
        object.__setattr__(self, "high", int(self.high))
        object.__setattr__(self, "step", int(self.step))
        if self.low > self.high:
            raise ValueError(
                f"low must be <= high, got low={self.low}, high={self.high}. Swap the bounds."
            )
        if not isinstance(self.log, bool):
            raise TypeError(f"log must be a bool, got {self.log!r}.")
        if self.step <= 0:
            raise ValueError(f"step must be >= 1, got {self.step}.")
        if self.log and self.low < 1:
            raise ValueError(
                f"log=True needs low >= 1, got low={self.low}. Use a positive lower bound "
                "or log=False."
            )
        if self.log and self.step != 1:
            raise ValueError("step != 1 and log=True cannot be combined; choose one of them.")
        if (self.high - self.low) % self.step != 0:
            valid_high = self.low + (self.high - self.low) // self.step * self.step
            raise ValueError(
                f"step={self.step} does not divide the range [{self.low}, {self.high}]; "
                f"use high={valid_high} or a step that divides high - low."
            )

    def to_internal(self, value: Any) -> float:
        return float(value)

    def to_external(self, internal: float) -> int:
        return round(internal)

    def contains(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        try:
            v = float(value)
        except (TypeError, ValueError):
            return False
        if not math.isfinite(v) or v != int(v):
            return False
        iv = int(v)
        return self.low <= iv <= self.high and (iv - self.low) % self.step == 0

    def single(self) -> bool:
        return self.low == self.high

    def n_levels(self) -> int:
        return (self.high - self.low) // self.step + 1

    def _log_bounds(self) -> tuple[float, float]:
        return math.log(self.low - 0.5), math.log(self.high + 0.5)

    def to_unit(self, internal: FloatArray) -> FloatArray:
        x = np.asarray(internal, dtype=float)
        if self.low == self.high:
            return _floats(np.full_like(x, 0.5))
        if self.log:
            lo, hi = self._log_bounds()
            return _floats(np.clip((np.log(x) - lo) / (hi - lo), 0.0, 1.0))
        n = self.n_levels()
        k = np.round((x - self.low) / self.step)
        return (k + 0.5) / n

    def from_unit(self, unit: FloatArray) -> FloatArray:
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        if self.log:
            lo, hi = self._log_bounds()
            return _floats(np.clip(np.round(np.exp(lo + u * (hi - lo))), self.low, self.high))
        n = self.n_levels()
        k = np.minimum(np.floor(u * n), n - 1)
        return _floats(self.low + k * self.step)

    def from_unit_scalar(self, u: float) -> int:
        if self.log:
            lo, hi = self._log_bounds()
            return min(max(round(math.exp(lo + u * (hi - lo))), self.low), self.high)
        n = self.n_levels()
        return self.low + min(math.floor(u * n), n - 1) * self.step


def _choice_key(value: Any) -> tuple[type, Any]:
    return (type(value), value)


@dataclass(frozen=True)
class CategoricalDistribution(BaseDistribution):
    """One of a fixed tuple of choices (``None``, ``bool``, ``int``, ``float`` or ``str``).

    Storage keeps the index of the choice.

    >>> d = CategoricalDistribution(["rbf", "poly"])
    >>> d.to_internal("poly"), d.to_external(0.0)
    (1.0, 'rbf')
    """

    choices: tuple[CategoricalChoice, ...]
    _index: dict[tuple[type, Any], int] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        choices = self.choices
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
            raise TypeError(
                f"choices must be a list or tuple of values, got {type(choices).__name__}."
            )
        choices = tuple(choices)
        if not choices:
            raise ValueError("choices must not be empty; give at least one value.")
        index: dict[tuple[type, Any], int] = {}
        for i, c in enumerate(choices):
            if c is not None and not isinstance(c, (bool, int, float, str)):
                raise TypeError(
                    f"choice {c!r} has type {type(c).__name__}; choices must be None, bool, "
                    "int, float or str so that storage can keep them. Use names (str) as "
                    "choices and map them to objects inside the objective."
                )
            if isinstance(c, float) and math.isnan(c):
                raise ValueError("NaN cannot be a choice (it is not equal to itself).")
            key = _choice_key(c)
            if key in index:
                raise ValueError(f"choices must be distinct; {c!r} appears twice.")
            index[key] = i
        object.__setattr__(self, "choices", choices)
        object.__setattr__(self, "_index", index)

    def to_internal(self, value: Any) -> float:
        try:
            return float(self._index[_choice_key(value)])
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is not one of the choices {self.choices}.") from None

    def to_external(self, internal: float) -> CategoricalChoice:
        return self.choices[int(internal)]

    def contains(self, value: Any) -> bool:
        try:
            return _choice_key(value) in self._index
        except TypeError:
            return False

    def single(self) -> bool:
        return len(self.choices) == 1

    def n_levels(self) -> int:
        return len(self.choices)

    def to_unit(self, internal: FloatArray) -> FloatArray:
        return (np.asarray(internal, dtype=float) + 0.5) / self.n_levels()

    def from_unit(self, unit: FloatArray) -> FloatArray:
        n = self.n_levels()
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        return _floats(np.minimum(np.floor(u * n), n - 1))

    def from_unit_scalar(self, u: float) -> CategoricalChoice:
        n = self.n_levels()
        return self.choices[min(math.floor(u * n), n - 1)]


Distribution = FloatDistribution | IntDistribution | CategoricalDistribution


def check_compatible(name: str, old: Distribution, new: Distribution) -> None:
    """Raise ``ValueError`` if ``new`` cannot describe the same parameter as ``old``.

    Ranges may change between trials (as in define-by-run code whose bounds depend on other
    parameters); the kind of distribution and a categorical parameter's choices may not.
    """
    if type(old) is not type(new):
        raise ValueError(
            f"Parameter {name!r} was suggested as {type(old).__name__} before and as "
            f"{type(new).__name__} now. One name must keep one kind of distribution; "
            "rename one of them."
        )
    if isinstance(old, CategoricalDistribution) and old.choices != new.choices:  # type: ignore[union-attr]
        raise ValueError(
            f"Parameter {name!r} was suggested with choices {old.choices} before and "
            f"{new.choices} now. Choices of one name must not change; rename one of them."  # type: ignore[union-attr]
        )
