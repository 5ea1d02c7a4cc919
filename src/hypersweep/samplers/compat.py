"""``BaseSampler``: the base class of samplers written in the define-by-run study shape.

Such a sampler's methods receive the *study* (a read-only view: ``trials``,
``get_trials(states=...)``, ``best_trial``, ``direction``) instead of a
:class:`~hypersweep.trial.History` and keep their random state themselves. The study wraps
it on creation (``hypersweep.study`` adapts it to the :class:`Sampler` protocol), so code
written for Optuna's ``BaseSampler`` runs unchanged. hypersweep's own samplers derive from
:class:`~hypersweep.samplers.Sampler` instead.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any

from .._internal.spec import RecordsArguments
from ..space import Distribution
from ..trial import FrozenTrial, TrialState


class BaseSampler(RecordsArguments, abc.ABC):
    """Base class of samplers with the study-based signatures (Optuna's ``BaseSampler``).

    Implement ``infer_relative_search_space(study, trial)``,
    ``sample_relative(study, trial, search_space)`` and
    ``sample_independent(study, trial, param_name, param_distribution)``; ``before_trial``
    and ``after_trial`` are optional hooks.

    >>> import hypersweep as hs
    >>> class Midpoint(hs.samplers.BaseSampler):
    ...     def infer_relative_search_space(self, study, trial):
    ...         return {}
    ...     def sample_relative(self, study, trial, search_space):
    ...         return {}
    ...     def sample_independent(self, study, trial, param_name, param_distribution):
    ...         return (param_distribution.low + param_distribution.high) / 2
    >>> study = hs.create_study(sampler=Midpoint())
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 4), n_trials=2)
    >>> [t.params["x"] for t in study.trials]
    [2.0, 2.0]
    """

    @abc.abstractmethod
    def infer_relative_search_space(
        self, study: Any, trial: FrozenTrial
    ) -> dict[str, Distribution]:
        """The parameters to sample jointly for ``trial``."""

    @abc.abstractmethod
    def sample_relative(
        self, study: Any, trial: FrozenTrial, search_space: dict[str, Distribution]
    ) -> dict[str, Any]:
        """Values for (a subset of) ``search_space``."""

    @abc.abstractmethod
    def sample_independent(
        self,
        study: Any,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: Distribution,
    ) -> Any:
        """A value for one parameter that relative sampling did not cover."""

    def before_trial(self, study: Any, trial: FrozenTrial) -> None:
        """Called when a trial starts, before any sampling."""

    def after_trial(
        self,
        study: Any,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Called when a trial finishes (its record is ``trial``)."""

    def reseed_rng(self) -> None:
        """Reseed the sampler's own random state (accepted for compatibility)."""
