"""Ready-made callbacks for ``Study.optimize``."""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

from ..trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from .study import Study


class MaxTrialsCallback:
    """Stop the study once it holds ``n_trials`` trials in ``states`` — a budget for the whole
    study, however many ``optimize`` calls or workers share it.

    >>> import hypersweep as hs
    >>> study = hs.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10,
    ...                callbacks=[hs.MaxTrialsCallback(3)])
    >>> len(study.trials)
    3
    """

    def __init__(
        self,
        n_trials: int,
        states: Container[TrialState] | None = (TrialState.COMPLETE,),
    ) -> None:
        if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
            raise ValueError(f"n_trials must be an int >= 1, got {n_trials!r}.")
        self.n_trials = n_trials
        self.states = states

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if study._storage.get_n_trials(study._study_id, self.states) >= self.n_trials:
            study.stop()
