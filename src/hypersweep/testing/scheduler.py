"""Conformance suite for schedulers."""

from __future__ import annotations

from collections.abc import Callable

from .._internal.exceptions import TrialPruned
from ..samplers import RandomSampler
from ..schedulers import Decision, Scheduler
from ..study import Trial, create_study
from ..trial import FrozenTrial, History, StudyDirection, TrialState
from ._assert import expect


def _curve_objective(trial: Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    value = 1.0
    for step in range(8):
        value = x + 1.0 / (step + 1)
        trial.report(value, step)
        if trial.should_prune():
            raise TrialPruned()
    return value


def check_scheduler(factory: Callable[[], Scheduler], n_trials: int = 30) -> None:
    """Check a scheduler built by ``factory()`` against the scheduler protocol.

    * ``decide`` returns a :class:`Decision` for a trial without reports and with reports;
    * it is a function of its inputs: the same history and trial give the same decision;
    * a study using it runs to completion; pruned trials are recorded PRUNED;
    * it works for minimised and maximised objectives.
    """
    scheduler = factory()
    history = History([StudyDirection.MINIMIZE], [])
    fresh = FrozenTrial(number=0, state=TrialState.RUNNING)
    decision = scheduler.decide(history, fresh)
    expect(isinstance(decision, Decision), f"decide() must return a Decision, got {decision!r}")

    for direction in ("minimize", "maximize"):
        study = create_study(
            sampler=RandomSampler(seed=0), scheduler=factory(), direction=direction
        )
        study.optimize(_curve_objective, n_trials=n_trials, catch=())
        states = {t.state for t in study.trials}
        configurations = [t for t in study.trials if "lineage" not in t.system_attrs]
        expect(len(configurations) == n_trials, f"expected {n_trials} configurations")
        expect(states <= {TrialState.COMPLETE, TrialState.PRUNED}, f"unexpected states {states}")
        completed = study.get_trials(states=(TrialState.COMPLETE,))
        expect(completed, "at least one trial must complete")
        history = study._history()
        for t in study.trials[-5:]:
            first = factory().decide(history, t)
            second = factory().decide(history, t)
            expect(first == second, "decide() must be a function of (history, trial)")
