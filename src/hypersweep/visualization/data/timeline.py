"""Timeline: when each trial ran, by state."""

from __future__ import annotations

import datetime as _dt
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ...study import Study
from ...trial import TrialState
from ._common import IntArray, as_study


@dataclass(frozen=True)
class TimelineData:
    """Start and end (``datetime64[us]``) of each started trial; a running trial ends now.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> data = timeline_data(study)
    >>> data.numbers.tolist(), [s.name for s in data.states]
    ([0, 1, 2], ['COMPLETE', 'COMPLETE', 'COMPLETE'])
    """

    numbers: IntArray
    states: tuple[TrialState, ...]
    starts: npt.NDArray[np.datetime64]
    ends: npt.NDArray[np.datetime64]

    @property
    def durations_ms(self) -> npt.NDArray[np.float64]:
        """Each trial's duration in milliseconds."""
        return (self.ends - self.starts).astype("timedelta64[us]").astype(float) / 1000.0


def timeline_data(study: Study, n_recent_trials: int | None = None) -> TimelineData:
    """The data of :func:`plot_timeline`: trials that started (the last ``n_recent_trials``)."""
    if n_recent_trials is not None and (
        isinstance(n_recent_trials, bool)
        or not isinstance(n_recent_trials, int)
        or n_recent_trials <= 0
    ):
        raise ValueError(f"`n_recent_trials` must be a positive int, got {n_recent_trials!r}.")
    trials = [t for t in as_study(study).get_trials(deepcopy=False) if t.datetime_start]
    if n_recent_trials is not None:
        trials = trials[-n_recent_trials:]
    if not trials:
        warnings.warn("There are no started trials to plot.", stacklevel=2)
    now = _dt.datetime.now()
    starts = np.array([t.datetime_start for t in trials], dtype="datetime64[us]")
    ends = np.array(
        [t.datetime_complete if t.datetime_complete is not None else now for t in trials],
        dtype="datetime64[us]",
    )
    nums = np.fromiter((t.number for t in trials), np.int64, len(trials))
    return TimelineData(nums, tuple(t.state for t in trials), starts, ends)
