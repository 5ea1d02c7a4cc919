"""Conformance suite for schedulers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from .._internal.exceptions import TrialPruned
from ..samplers import RandomSampler
from ..schedulers import Action, Decision, Scheduler
from ..study import Study, Trial, create_study
from ..trial import FrozenTrial, History, StudyDirection, TrialState
from ..trial.lineage import is_continuation
from ._assert import ConformanceError, expect
from ._spec import first_difference, spec_round_trip

#: Attributes naming the first step at which a scheduler may stop a trial.
_FLOOR_ATTRS = ("min_resource", "n_warmup_steps")


def _curve_objective(trial: Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    value = 1.0
    for step in range(8):
        value = x + 1.0 / (step + 1)
        trial.report(value, step)
        if trial.should_prune():
            raise TrialPruned()
    return value


def _floor(scheduler: Scheduler) -> tuple[str, int] | None:
    """The step before which ``scheduler`` promises not to stop a trial, if it names one."""
    for name in _FLOOR_ATTRS:
        value = getattr(scheduler, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return name, value
    return None


def _check_decision(scheduler: Scheduler, trial: FrozenTrial, decision: object) -> None:
    """The rules every single decision must keep."""
    step = trial.last_step
    where = f"trial {trial.number} at step {step}"
    expect(
        isinstance(decision, Decision),
        f"decide() must return a Decision (CONTINUE or Decision(Action.PRUNE/PAUSE, reason)), "
        f"got {decision!r} for {where}",
    )
    assert isinstance(decision, Decision)
    if decision.action is Action.CONTINUE:
        return
    expect(
        step is not None,
        f"decide() returned {decision.action.name} for trial {trial.number} before its first "
        "report: a trial without reports has nothing to be judged on",
    )
    assert step is not None
    floor = _floor(scheduler)
    if floor is not None:
        name, first = floor
        expect(
            step >= first,
            f"decide() returned {decision.action.name} for {where}, before {name}={first}: no "
            f"trial may be stopped or paused before it reported at a step >= {name}",
        )
    if decision.action is Action.PAUSE:
        expect(
            scheduler.pauses_trials,
            f"decide() returned PAUSE for {where} but pauses_trials is False, so the paused "
            "trial would never be promoted; return PRUNE or make pauses_trials true",
        )


def _watch(scheduler: Scheduler) -> Scheduler:
    """``scheduler``, with every decision the study asks of it checked as it is made."""
    decide = scheduler.decide

    def checked(history: History, trial: FrozenTrial) -> Decision:
        decision = decide(history, trial)
        _check_decision(scheduler, trial, decision)
        return decision

    scheduler.decide = checked  # type: ignore[method-assign]
    return scheduler


def _run(scheduler: Scheduler, direction: str, n_trials: int) -> Study:
    study = create_study(
        sampler=RandomSampler(seed=0), scheduler=_watch(scheduler), direction=direction
    )
    try:
        study.optimize(_curve_objective, n_trials=n_trials, catch=())
    except ConformanceError:
        raise
    except Exception as exc:
        raise ConformanceError(
            f"a {direction}d study with the scheduler raised {type(exc).__name__}: {exc}"
        ) from exc
    return study


def _outline(study: Study) -> list[tuple[str, dict[str, Any], dict[int, Any]]]:
    return [(t.state.name, dict(t.params), dict(t.intermediate_values)) for t in study.trials]


def _check_pure(factory: Callable[[], Scheduler], study: Study) -> None:
    history = study._history()
    for t in study.trials[-5:]:
        first = factory().decide(history, t)
        second = factory().decide(history, t)
        expect(first == second, "decide() must be a function of (history, trial)")
        steps = sorted(t.intermediate_values)
        if len(steps) < 2:
            continue
        earlier = dataclasses.replace(
            t,
            state=TrialState.RUNNING,
            values=None,
            intermediate_values={s: t.intermediate_values[s] for s in steps[:1]},
        )
        used = factory()
        used.decide(history, earlier)
        again = used.decide(history, t)
        expect(
            again == first,
            f"decide() must not depend on earlier calls: for trial {t.number} at step "
            f"{steps[-1]} a fresh scheduler decides {first}, one that decided on its step "
            f"{steps[0]} before decides {again}",
        )


def check_scheduler(factory: Callable[[], Scheduler], n_trials: int = 30) -> None:
    """Check a scheduler built by ``factory()`` against the scheduler protocol.

    * every decision (also each one the study asks for while trials run) is a
      :class:`Decision`; a trial without reports is never stopped; a scheduler with a
      ``min_resource`` (or ``n_warmup_steps``) attribute stops or pauses no trial before that
      step; ``PAUSE`` comes only from a scheduler whose ``pauses_trials`` is true;
    * it is a function of its inputs: the same history and trial give the same decision,
      whatever the scheduler decided before;
    * a study using it runs to completion; pruned trials are recorded PRUNED;
    * it works for minimised and maximised objectives;
    * its specification (constructor arguments) goes through JSON and the scheduler rebuilt
      from it decides the same (a study stores it so other processes rebuild it).

    Raises :class:`~hypersweep.testing.ConformanceError` naming the broken rule:

    >>> import hypersweep as hs
    >>> class Optunaish(hs.schedulers.Scheduler):
    ...     def decide(self, history, trial):
    ...         return False  # a bool, as Optuna's prune(), instead of a Decision
    >>> try:
    ...     check_scheduler(Optunaish)
    ... except ConformanceError as exc:
    ...     print(str(exc)[:33])
    decide() must return a Decision (
    """
    scheduler = factory()
    expect(
        isinstance(scheduler, Scheduler),
        f"factory() must return a hypersweep.schedulers.Scheduler, got {scheduler!r}",
    )
    fresh = FrozenTrial(number=0, state=TrialState.RUNNING)
    _check_decision(
        scheduler, fresh, scheduler.decide(History([StudyDirection.MINIMIZE], []), fresh)
    )

    runs: dict[str, Study] = {}
    for direction in ("minimize", "maximize"):
        study = runs[direction] = _run(factory(), direction, n_trials)
        states = {t.state for t in study.trials}
        configurations = [t for t in study.trials if not is_continuation(t)]
        expect(len(configurations) == n_trials, f"expected {n_trials} configurations")
        expect(states <= {TrialState.COMPLETE, TrialState.PRUNED}, f"unexpected states {states}")
        completed = study.get_trials(states=(TrialState.COMPLETE,))
        expect(completed, "at least one trial must complete")
        _check_pure(factory, study)

    rebuilt, text = spec_round_trip(factory(), "scheduler")
    reference = _outline(runs["minimize"])
    got = _outline(_run(rebuilt, "minimize", n_trials))
    expect(
        got == reference,
        f"the scheduler rebuilt from its specification {text[:300]} decides otherwise than "
        f"the original ({first_difference(reference, got)}): every setting must come from the "
        "constructor's arguments, unchanged (do not modify an argument in __init__, store "
        "state not derived from the arguments, or set attributes after construction)",
    )
