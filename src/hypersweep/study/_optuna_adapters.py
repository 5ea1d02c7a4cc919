"""Samplers and pruners written in the study-based shape (Optuna's ``BaseSampler`` /
``BasePruner``), adapted to hypersweep's protocols.

hypersweep's samplers and schedulers decide from a :class:`~hypersweep.trial.History`. Code
written for Optuna receives the *study* instead: ``prune(study, trial)``,
``sample_independent(study, trial, name, distribution)``. Such objects get a
:class:`StudyView` (read-only, built from the History) and are wrapped here so the study
runs them like its own; anything that is neither is refused with a ``TypeError`` when the
study is created, never by failing every trial.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Any

import numpy as np

from ..samplers import Sampler
from ..samplers.compat import BaseSampler
from ..schedulers import CONTINUE, Action, Decision, Scheduler
from ..space import Distribution, SearchSpace
from ..trial import FrozenTrial, History, StudyDirection


class StudyView:
    """The read-only study a study-based sampler or pruner receives.

    It offers ``trials``, ``get_trials(deepcopy=, states=)``, ``best_trial``,
    ``best_value``, ``best_params``, ``direction``, ``directions`` and ``study_name``.

    >>> from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState
    >>> done = FrozenTrial(number=0, state=TrialState.COMPLETE, values=(0.5,))
    >>> view = StudyView(History([StudyDirection.MINIMIZE], [done], "demo"))
    >>> view.best_value, len(view.get_trials(states=(TrialState.COMPLETE,))), view.study_name
    (0.5, 1, 'demo')
    """

    def __init__(self, history: History) -> None:
        self._history = history

    @property
    def study_name(self) -> str | None:
        return self._history.study_name

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial, the running ones included, in order of their numbers."""
        return list(self._history.trials)

    def get_trials(
        self, deepcopy: bool = True, states: Container[Any] | None = None
    ) -> list[FrozenTrial]:
        """The trials whose state is in ``states`` (all when ``None``); ``deepcopy`` is
        accepted and ignored (trial records are immutable). States of another library's
        ``TrialState`` enumeration are matched by name."""
        if states is None:
            return self.trials
        names = {getattr(s, "name", s) for s in states}  # type: ignore[attr-defined]
        return [t for t in self._history.trials if t.state.name in names]

    @property
    def directions(self) -> list[StudyDirection]:
        return list(self._history.directions)

    @property
    def direction(self) -> StudyDirection:
        if self._history.n_objectives != 1:
            raise RuntimeError(
                "This study has several objectives; use `directions` instead of `direction`."
            )
        return self._history.directions[0]

    @property
    def best_trial(self) -> FrozenTrial:
        """The best COMPLETE trial, the best feasible one in a constrained study, as
        ``Study.best_trial`` (``ValueError`` when there is none)."""
        if self._history.n_objectives != 1:
            raise RuntimeError("A multi-objective study has no single best trial.")
        best = self._history.best_completed()
        if best is None:
            raise ValueError("No (feasible) trials are completed yet.")
        return best

    @property
    def best_value(self) -> float:
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_params(self) -> dict[str, Any]:
        return dict(self.best_trial.params)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"The study a study-based sampler or pruner receives is a read-only view without "
            f"{name!r}; it offers trials, get_trials(states=...), best_trial, best_value, "
            "best_params, direction, directions and study_name."
        )


class BasePruner(Scheduler):
    """Base class of pruners with the study-based signature ``prune(study, trial) -> bool``
    (Optuna's ``BasePruner``); ``study`` is a read-only :class:`StudyView`.

    >>> import hypersweep as hs
    >>> class StopAboveOne(hs.pruners.BasePruner):
    ...     def prune(self, study, trial):
    ...         return trial.intermediate_values[trial.last_step] > 1.0
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 2)
    ...     trial.report(x, 0)
    ...     if trial.should_prune():
    ...         raise hs.TrialPruned()
    ...     return x
    >>> study = hs.create_study(pruner=StopAboveOne())
    >>> study.optimize(objective, n_trials=20)
    >>> all((t.state.name == "PRUNED") == (t.params["x"] > 1.0) for t in study.trials)
    True
    """

    def prune(self, study: Any, trial: FrozenTrial) -> bool:
        """Whether ``trial`` should stop after its latest report."""
        raise NotImplementedError(f"{type(self).__name__} must implement prune(study, trial).")

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        answer = self.prune(StudyView(history), trial)
        if not isinstance(answer, (bool, np.bool_)):
            raise TypeError(
                f"{type(self).__name__}.prune() must return a bool, got "
                f"{type(answer).__name__} {answer!r}."
            )
        if answer:
            return Decision(Action.PRUNE, f"{type(self).__name__}.prune() returned True")
        return CONTINUE


class PrunerAdapter(BasePruner):
    """A study-based pruner that does not derive from :class:`BasePruner` (e.g. one written
    against another library's base class), run through its ``prune`` method."""

    def __init__(self, pruner: Any) -> None:
        self.pruner = pruner

    def prune(self, study: Any, trial: FrozenTrial) -> bool:
        return self.pruner.prune(study, trial)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"PrunerAdapter({self.pruner!r})"


class SamplerAdapter(Sampler):
    """Runs a study-based sampler (:class:`~hypersweep.samplers.BaseSampler` or one of the
    same shape) as a :class:`~hypersweep.samplers.Sampler`: each call gets a
    :class:`StudyView` of the History, and no ``rng`` (the sampler keeps its own)."""

    def __init__(self, sampler: Any) -> None:
        super().__init__()
        self.sampler = sampler

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> dict[str, Any]:
        hook = getattr(self.sampler, "before_trial", None)
        if callable(hook):
            hook(StudyView(history), trial)
        return {}

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        return dict(self.sampler.infer_relative_search_space(StudyView(history), trial) or {})

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        return dict(self.sampler.sample_relative(StudyView(history), trial, search_space) or {})

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator | None = None,
    ) -> Any:
        return self.sampler.sample_independent(StudyView(history), trial, name, distribution)

    def trial_finished(self, history: History, trial: FrozenTrial) -> None:
        """Call the sampler's ``after_trial(study, trial, state, values)`` hook, if any."""
        hook = getattr(self.sampler, "after_trial", None)
        if callable(hook):
            values: Sequence[float] | None = None if trial.values is None else list(trial.values)
            hook(StudyView(history), trial, trial.state, values)

    def __repr__(self) -> str:
        return f"SamplerAdapter({self.sampler!r})"


def _from_foreign_library(obj: Any) -> str | None:
    module = type(obj).__module__ or ""
    root = module.split(".")[0]
    return root if root in ("optuna", "optuna_integration") else None


_SAMPLER_METHODS = ("infer_relative_search_space", "sample_relative", "sample_independent")


def as_sampler(obj: Any) -> Sampler:
    """``obj`` as a :class:`Sampler`: itself, or wrapped when it has the study-based shape;
    ``TypeError`` saying what to do otherwise."""
    if isinstance(obj, Sampler):
        return obj
    name = type(obj).__name__
    foreign = _from_foreign_library(obj)
    if foreign is not None:
        raise TypeError(
            f"sampler is {foreign}'s {name}, which works on {foreign}'s own studies; use "
            f"hypersweep's sampler of the same name (hs.samplers.{name}), or subclass "
            "hs.samplers.BaseSampler for a sampler of your own."
        )
    if isinstance(obj, BaseSampler) or all(
        callable(getattr(obj, m, None)) for m in _SAMPLER_METHODS
    ):
        return SamplerAdapter(obj)
    raise TypeError(
        f"sampler must be a hypersweep Sampler (hs.samplers.Sampler subclass) or a "
        f"study-based one (hs.samplers.BaseSampler subclass, with {', '.join(_SAMPLER_METHODS)}); "
        f"got {name}."
    )


def as_scheduler(obj: Any) -> Scheduler:
    """``obj`` as a :class:`Scheduler`: itself, or wrapped when it has a study-based
    ``prune(study, trial)``; ``TypeError`` saying what to do otherwise (also for a
    subclass that implements neither ``decide`` nor ``prune``)."""
    name = type(obj).__name__
    if isinstance(obj, Scheduler):
        cls = type(obj)
        if isinstance(obj, BasePruner):
            own_prune = cls.prune  # type: ignore[attr-defined]
            if own_prune is BasePruner.prune and cls.decide is BasePruner.decide:
                raise TypeError(f"{name} derives from BasePruner but implements no prune().")
            return obj
        if cls.decide is not Scheduler.decide:
            return obj
        if callable(getattr(obj, "prune", None)):
            return PrunerAdapter(obj)
        raise TypeError(
            f"{name} implements neither decide(history, trial) (a hypersweep Scheduler) nor "
            "prune(study, trial) (derive from hs.pruners.BasePruner for that)."
        )
    foreign = _from_foreign_library(obj)
    if foreign is not None:
        raise TypeError(
            f"pruner is {foreign}'s {name}, which works on {foreign}'s own studies; use "
            f"hypersweep's pruner of the same name (hs.pruners.{name}), or subclass "
            "hs.pruners.BasePruner for a pruner of your own."
        )
    if callable(getattr(obj, "prune", None)):
        return PrunerAdapter(obj)
    raise TypeError(
        "scheduler must be a hypersweep Scheduler, or a pruner with "
        f"prune(study, trial) (hs.pruners.BasePruner subclass); got {name}."
    )


def check_roles(sampler: Any, scheduler: Any, n_objectives: int | None = None) -> None:
    """Raise the ``TypeError`` of :func:`as_sampler` / :func:`as_scheduler` for a sampler or
    scheduler the study could not run (``None`` stands for the default), and, given
    ``n_objectives``, the ``ValueError`` of one that cannot handle that many objectives."""
    for role, adapt in ((sampler, as_sampler), (scheduler, as_scheduler)):
        if role is not None:
            adapted = adapt(role)
            if n_objectives is not None:
                adapted.check_directions(n_objectives)
