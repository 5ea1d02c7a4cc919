"""Reading a study for plots: trial selection, targets and parameter columns.

Everything here goes through :meth:`Study.get_trials` (the storage protocol), so every
backend works. Columns are numpy arrays built in one pass over the trials.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ...space.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from ...study import Study
from ...trial import FrozenTrial, StudyDirection, TrialState

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Target = Callable[[FrozenTrial], float]

DEFAULT_TARGET_NAME = "Objective Value"


def as_study(study: Any) -> Study:
    """``study`` if it is a :class:`Study`, else a ``TypeError``."""
    if not isinstance(study, Study):
        raise TypeError(f"Expected a hypersweep Study, got {type(study).__name__}.")
    return study


def as_studies(study: Any) -> list[Study]:
    """One study or a sequence of studies, as a non-empty list."""
    if isinstance(study, Study):
        return [study]
    if isinstance(study, (str, bytes)) or not isinstance(study, Sequence):
        raise TypeError(
            f"Expected a hypersweep Study or a sequence of them, got {type(study).__name__}."
        )
    studies = [as_study(s) for s in study]
    if not studies:
        raise ValueError("Pass at least one study.")
    return studies


def check_target(study: Study, target: Target | None) -> None:
    """A multi-objective study needs ``target`` for single-objective plots."""
    if target is not None and not callable(target):
        raise TypeError("`target` must be a callable taking a FrozenTrial and returning a float.")
    if target is None and len(study.directions) > 1:
        raise ValueError(
            "This study has several objectives: pass `target` "
            "(e.g. target=lambda t: t.values[0]) to plot one of them."
        )


def check_target_name(target_name: Any) -> str:
    if not isinstance(target_name, str):
        raise TypeError(f"`target_name` must be a string, got {type(target_name).__name__}.")
    return target_name


def completed(study: Study) -> list[FrozenTrial]:
    """The COMPLETE trials, in order of their numbers."""
    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


def target_values(trials: Sequence[FrozenTrial], target: Target | None) -> FloatArray:
    """The value each trial is judged by: ``target(trial)`` or its (single) objective."""
    if target is None:
        return np.fromiter(
            (t.values[0] if t.values else math.nan for t in trials), float, len(trials)
        )
    return np.fromiter((float(target(t)) for t in trials), float, len(trials))


def numbers(trials: Sequence[FrozenTrial]) -> IntArray:
    return np.fromiter((t.number for t in trials), np.int64, len(trials))


def is_minimize(study: Study, target: Target | None) -> bool:
    """Whether lower is better for the plotted value (a custom target: the first direction)."""
    return study.directions[0] is StudyDirection.MINIMIZE


def param_names(trials: Sequence[FrozenTrial]) -> list[str]:
    """Every parameter name of ``trials``, sorted."""
    names: set[str] = set()
    for t in trials:
        names.update(t.params)
    return sorted(names)


def resolve_params(trials: Sequence[FrozenTrial], params: Sequence[str] | None) -> list[str]:
    """``params`` checked against the trials' parameters, or every parameter (sorted)."""
    known = param_names(trials)
    if params is None:
        return known
    if isinstance(params, str) or not isinstance(params, Sequence):
        raise TypeError(f"`params` must be a list of parameter names, got {params!r}.")
    if any(not isinstance(p, str) for p in params):
        raise TypeError(f"`params` must be a list of parameter names, got {params!r}.")
    missing = [p for p in params if p not in known]
    if missing and trials:
        raise ValueError(f"Parameters {missing} are not in the study (it has {known}).")
    return list(params)


@dataclass(frozen=True)
class ParamColumn:
    """One parameter over a list of trials.

    ``values`` holds the numbers to plot: the value itself for numeric parameters, the
    index into ``categories`` for categorical ones; NaN where a trial lacks the parameter.
    ``labels`` holds the category labels (strings; ``None`` where missing) for categorical
    parameters and is empty otherwise.

    >>> from hypersweep.trial import FrozenTrial, TrialState
    >>> from hypersweep.space import CategoricalDistribution
    >>> d = CategoricalDistribution(["a", "b"])
    >>> t = FrozenTrial(number=0, state=TrialState.COMPLETE, params={"k": "b"},
    ...                 distributions={"k": d})
    >>> col = param_column([t], "k")
    >>> col.categories, col.values.tolist()
    (('a', 'b'), [1.0])
    """

    name: str
    values: FloatArray
    is_log: bool
    is_categorical: bool
    categories: tuple[str, ...]
    low: float
    high: float

    @property
    def present(self) -> npt.NDArray[np.bool_]:
        """Which trials have the parameter."""
        return ~np.isnan(self.values)

    def labels(self) -> list[str | None]:
        """The category label of each trial (categorical parameters only)."""
        return [None if math.isnan(v) else self.categories[int(v)] for v in self.values]


def _label(value: Any) -> str:
    return str(value)


def param_column(trials: Sequence[FrozenTrial], name: str) -> ParamColumn:
    """The column of parameter ``name`` (see :class:`ParamColumn`)."""
    dists = {id(d): d for t in trials if (d := t.distributions.get(name)) is not None}
    categorical = any(isinstance(d, CategoricalDistribution) for d in dists.values())
    if categorical:
        categories: dict[str, int] = {}
        for d in dists.values():
            if isinstance(d, CategoricalDistribution):
                for c in d.choices:
                    categories.setdefault(_label(c), len(categories))
        values = np.full(len(trials), math.nan)
        for i, t in enumerate(trials):
            if name in t.params:
                label = _label(t.params[name])
                values[i] = categories.setdefault(label, len(categories))
        return ParamColumn(name, values, False, True, tuple(categories), 0.0, len(categories) - 1)
    values = np.fromiter(
        (float(t.params[name]) if name in t.params else math.nan for t in trials),
        float,
        len(trials),
    )
    numeric = [d for d in dists.values() if isinstance(d, (FloatDistribution, IntDistribution))]
    is_log = bool(numeric) and all(d.log for d in numeric)
    if numeric:
        low = min(float(d.low) for d in numeric)
        high = max(float(d.high) for d in numeric)
    else:
        finite = values[~np.isnan(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    return ParamColumn(name, values, is_log, False, (), low, high)


def padded_range(low: float, high: float, is_log: bool) -> tuple[float, float]:
    """An axis range around ``[low, high]`` with 5% padding (in log10 units when ``is_log``)."""
    if is_log:
        low, high = math.log10(low), math.log10(high)
    pad = (high - low) * 0.05 or 0.5
    return low - pad, high + pad
