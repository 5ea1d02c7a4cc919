"""The Terminator and its callback: stop a study once what is left to gain is within noise."""

from __future__ import annotations

from typing import Any

from .._internal.logging import get_logger
from ..trial import FrozenTrial, TrialState
from ._errors import BaseErrorEvaluator, CrossValidationErrorEvaluator, StaticErrorEvaluator
from ._improvement import (
    DEFAULT_MIN_N_TRIALS,
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    RegretBoundEvaluator,
)

_logger = get_logger("hypersweep.terminator")


class BaseTerminator:
    """Decides from a study whether to stop it."""

    def should_terminate(self, study: Any) -> bool:
        raise NotImplementedError


class Terminator(BaseTerminator):
    """Stop when the improvement left (``improvement_evaluator``, by default the GP's
    :class:`RegretBoundEvaluator`) is below the objective's error (``error_evaluator``, by
    default :class:`CrossValidationErrorEvaluator`; :class:`StaticErrorEvaluator` ``(0)``
    with :class:`BestValueStagnationEvaluator`), never before ``min_n_trials`` completed
    trials. Single-objective studies only.

    >>> import hypersweep as hs
    >>> terminator = hs.terminator.Terminator(
    ...     hs.terminator.BestValueStagnationEvaluator(max_stagnation_trials=3), min_n_trials=2)
    >>> study = hs.create_study()
    >>> study.optimize(lambda t: 1.0, n_trials=50,
    ...                callbacks=[hs.terminator.TerminatorCallback(terminator)])
    >>> len(study.trials)  # the best value (trial 0) stagnated for 4 trials
    5
    """

    def __init__(
        self,
        improvement_evaluator: BaseImprovementEvaluator | None = None,
        error_evaluator: BaseErrorEvaluator | None = None,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
    ) -> None:
        if isinstance(min_n_trials, bool) or not isinstance(min_n_trials, int) or min_n_trials <= 0:
            raise ValueError(f"min_n_trials must be a positive integer, got {min_n_trials!r}.")
        self._improvement = improvement_evaluator or RegretBoundEvaluator()
        if error_evaluator is None:
            if isinstance(self._improvement, BestValueStagnationEvaluator):
                error_evaluator = StaticErrorEvaluator(0.0)
            else:
                error_evaluator = CrossValidationErrorEvaluator()
        self._error = error_evaluator
        self._min_n_trials = min_n_trials

    def should_terminate(self, study: Any) -> bool:
        """Whether the improvement left is below the error (``False`` before
        ``min_n_trials`` completed trials)."""
        trials: list[FrozenTrial] = list(study.trials)
        if sum(t.state is TrialState.COMPLETE for t in trials) < self._min_n_trials:
            return False
        direction = study.direction
        improvement = self._improvement.evaluate(trials, direction)
        error = self._error.evaluate(trials, direction)
        return bool(improvement < error)


class TerminatorCallback:
    """A study callback that calls ``study.stop()`` when ``terminator`` (default:
    ``Terminator()``) says so; the trials already running finish."""

    def __init__(self, terminator: BaseTerminator | None = None) -> None:
        self._terminator = terminator or Terminator()

    def __call__(self, study: Any, trial: FrozenTrial) -> None:
        if self._terminator.should_terminate(study):
            _logger.info("The study has been stopped by the terminator.")
            study.stop()
