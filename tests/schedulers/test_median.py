from __future__ import annotations

import pytest

import hypersweep as hs
from hypersweep.schedulers import Action, MedianScheduler, NopScheduler
from hypersweep.testing import check_scheduler
from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState


def test_conformance() -> None:
    check_scheduler(lambda: MedianScheduler(n_startup_trials=3))
    check_scheduler(NopScheduler)


def _completed(number: int, curve: list[float]) -> FrozenTrial:
    return FrozenTrial(
        number=number,
        state=TrialState.COMPLETE,
        values=(curve[-1],),
        intermediate_values=dict(enumerate(curve)),
    )


def _running(curve: list[float]) -> FrozenTrial:
    return FrozenTrial(
        number=99, state=TrialState.RUNNING, intermediate_values=dict(enumerate(curve))
    )


CURVES = [[1.0, 0.8, 0.6], [2.0, 1.6, 1.2], [3.0, 2.4, 1.8]]  # medians per step: 2.0, 1.6, 1.2


def _history(direction: StudyDirection = StudyDirection.MINIMIZE) -> History:
    return History([direction], [_completed(i, c) for i, c in enumerate(CURVES)])


@pytest.mark.parametrize(
    ("curve", "expected"),
    [
        ([1.9], Action.CONTINUE),  # better than the median 2.0 at step 0
        ([2.1], Action.PRUNE),  # worse
        ([2.5, 1.7], Action.PRUNE),  # best so far 1.7 > median 1.6 at step 1
        ([2.5, 1.5], Action.CONTINUE),
        ([0.1, 5.0, 5.0], Action.CONTINUE),  # its best value (0.1) counts, not its last
    ],
)
def test_scripted_decisions(curve: list[float], expected: Action) -> None:
    decision = MedianScheduler(n_startup_trials=3).decide(_history(), _running(curve))
    assert decision.action is expected
    if expected is Action.PRUNE:
        assert "median" in decision.reason


def test_maximisation_mirrors_minimisation() -> None:
    history = _history(StudyDirection.MAXIMIZE)
    scheduler = MedianScheduler(n_startup_trials=0)
    assert scheduler.decide(history, _running([1.9])).action is Action.PRUNE
    assert scheduler.decide(history, _running([2.1])).action is Action.CONTINUE


def test_startup_warmup_and_interval() -> None:
    worse = _running([9.0, 9.0, 9.0])
    assert MedianScheduler(n_startup_trials=4).decide(_history(), worse).action is Action.CONTINUE
    assert (
        MedianScheduler(n_startup_trials=0, n_warmup_steps=3).decide(_history(), worse).action
        is Action.CONTINUE
    )
    # warm-up 0, interval 2: decisions at steps 0, 2, 4 ... only; the last step is 2 here.
    assert (
        MedianScheduler(n_startup_trials=0, interval_steps=2).decide(_history(), worse).action
        is Action.PRUNE
    )
    two_steps = _running([9.0, 9.0])
    assert (
        MedianScheduler(n_startup_trials=0, interval_steps=2).decide(_history(), two_steps).action
        is Action.CONTINUE
    )


def test_min_trials_and_nan() -> None:
    scheduler = MedianScheduler(n_startup_trials=0, n_min_trials=4)
    assert scheduler.decide(_history(), _running([9.0])).action is Action.CONTINUE
    nan = _running([float("nan")])
    assert MedianScheduler(n_startup_trials=0).decide(_history(), nan).action is Action.PRUNE
    no_reports = FrozenTrial(number=5, state=TrialState.RUNNING)
    assert MedianScheduler().decide(_history(), no_reports).action is Action.CONTINUE


def test_end_to_end_prunes_and_records_the_reason() -> None:
    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        for step in range(5):
            trial.report(x + 1 / (step + 1), step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return x

    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=MedianScheduler(n_startup_trials=5),
    )
    study.optimize(objective, n_trials=40)
    pruned = study.get_trials(states=(hs.TrialState.PRUNED,))
    assert pruned
    assert all("median" in (t.system_attrs.get("prune_reason") or "") for t in pruned)
    assert all(t.value == t.intermediate_values[t.last_step] for t in pruned)
    assert not any(t.number < 5 for t in pruned)


def test_refuses_multi_objective_studies() -> None:
    with pytest.raises(ValueError, match="one objective"):
        hs.create_study(directions=["minimize", "minimize"], scheduler=MedianScheduler())


@pytest.mark.parametrize(
    "kwargs",
    [{"n_startup_trials": -1}, {"n_warmup_steps": 1.5}, {"interval_steps": 0}, {"n_min_trials": 0}],
)
def test_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        MedianScheduler(**kwargs)


def test_pruner_aliases() -> None:
    assert hs.pruners.MedianPruner is MedianScheduler
    study = hs.create_study(pruner=hs.pruners.MedianPruner())
    assert isinstance(study.pruner, MedianScheduler)
    with pytest.raises(ValueError, match="not both"):
        hs.create_study(pruner=MedianScheduler(), scheduler=NopScheduler())
