"""Population based training through both front doors, on threads and processes."""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.trial import LineageInfo, TrialState, keys
from tests.study._pbt_objectives import STEPS, pbt_objective

MUTATIONS = {"lr": hs.loguniform(1e-4, 1e-1)}


def _train(config: dict[str, Any]) -> None:
    state = hs.get_checkpoint()
    accuracy, done = (state["acc"], state["step"]) if state else (0.0, 0)
    for step in range(done + 1, 17):
        accuracy += 1.0 / (1.0 + abs(config["lr"] - 0.01) * 100)
        hs.report(acc=accuracy, checkpoint={"acc": accuracy, "step": step})


def _each_paused_record_continued_at_most_once(trials: list[hs.FrozenTrial]) -> None:
    continued = collections.Counter(
        LineageInfo.of(t).resume_from for t in trials if keys.RESUME_FROM in t.system_attrs
    )
    assert all(n == 1 for n in continued.values()), continued
    for number in continued:
        assert trials[number].system_attrs.get(keys.PAUSED_AT) is not None


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_tune_with_pbt_evolves_the_population_and_reports_its_schedule(n_jobs: int) -> None:
    pbt = hs.schedulers.PBTScheduler(
        perturbation_interval=4, hyperparam_mutations=MUTATIONS, seed=0
    )
    result = hs.tune(
        _train,
        {"lr": hs.loguniform(1e-4, 1e-1)},
        metric="acc",
        mode="max",
        num_samples=4,
        scheduler=pbt,
        sampler=hs.samplers.RandomSampler(seed=1),
        n_jobs=n_jobs,
    )
    trials = result.trials
    assert not [t for t in trials if t.state is TrialState.FAIL], [t.fail_reason for t in trials]
    configurations = [t for t in trials if keys.RESUME_FROM not in t.system_attrs]
    assert len(configurations) == 4
    clones = [t for t in trials if keys.LINEAGE_PARENT in t.system_attrs]
    assert clones, "no member was ever exploited"
    assert (
        result.best_trial.intermediate_values and max(result.best_trial.intermediate_values) == 16
    )
    schedule = result.pbt_schedule()
    assert schedule[0][0] == 0 and all(isinstance(cfg["lr"], float) for _, cfg in schedule)
    assert [s for s, _ in schedule] == sorted(s for s, _ in schedule)
    assert result.best_checkpoint["step"] == 16
    _each_paused_record_continued_at_most_once(trials)


def test_members_take_turns_on_one_worker() -> None:
    study = hs.create_study(
        direction="maximize",
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=hs.schedulers.PBTScheduler(
            perturbation_interval=4, hyperparam_mutations={"lr": hs.loguniform(1e-4, 1e-1)}
        ),
    )
    study.optimize(pbt_objective, n_trials=4)
    first_four = study.trials[:4]
    assert all(t.system_attrs.get(keys.PAUSED_AT) == 4 for t in first_four)


def test_clones_never_skip_steps_and_members_stay_in_step() -> None:
    # A clone loads the top member's record of the step it was compared at, so no member
    # gets ahead by cloning: every member trains all 16 steps (some twice), and on one
    # worker no record starts more than one interval behind the most advanced pause.
    pbt = hs.schedulers.PBTScheduler(
        perturbation_interval=4, hyperparam_mutations=MUTATIONS, seed=3
    )
    result = hs.tune(
        _train,
        {"lr": hs.loguniform(1e-4, 1e-1)},
        metric="acc",
        mode="max",
        num_samples=4,
        scheduler=pbt,
        sampler=hs.samplers.RandomSampler(seed=2),
    )
    trials = result.trials
    assert [t for t in trials if keys.LINEAGE_PARENT in t.system_attrs], "nothing exploited"
    for t in trials:
        info = LineageInfo.of(t)
        if info.resume_from is not None:
            assert info.resume_step is not None
            assert info.resume_step <= trials[info.resume_from].system_attrs[keys.PAUSED_AT]
    trained = sum(
        max(t.intermediate_values) - (t.system_attrs.get(keys.RESUME_STEP) or 0) for t in trials
    )
    assert trained >= 4 * 16
    assert len([t for t in trials if t.state is TrialState.COMPLETE]) == 4


def test_pbt_across_four_processes_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pbt.db"
    study = hs.create_study(
        storage=url,
        direction="maximize",
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=hs.schedulers.PBTScheduler(
            perturbation_interval=3, hyperparam_mutations=MUTATIONS, seed=0
        ),
    )
    study.optimize(pbt_objective, n_trials=4, n_jobs=4, executor="processes")
    trials = hs.load_study(study_name=study.study_name, storage=url).trials
    assert not [t for t in trials if t.state in (TrialState.FAIL, TrialState.RUNNING)]
    _each_paused_record_continued_at_most_once(trials)
    finished = [t for t in trials if t.state is TrialState.COMPLETE]
    assert len(finished) == 4 and all(max(t.intermediate_values) == STEPS for t in finished)
