from __future__ import annotations

import pytest

import hypersweep as hs


def test_ask_tell_loop() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    for _ in range(5):
        trial = study.ask()
        x = trial.suggest_float("x", -1, 1)
        study.tell(trial, x**2)
    assert len(study.get_trials(states=(hs.TrialState.COMPLETE,))) == 5


def test_fixed_distributions_are_sampled_at_ask() -> None:
    study = hs.create_study()
    trial = study.ask({"lr": hs.FloatDistribution(1e-4, 1e-1, log=True)})
    assert set(trial.params) == {"lr"}
    assert study.tell(trial, 0.1).params == trial.params


def test_tell_by_number_and_twice() -> None:
    study = hs.create_study()
    trial = study.ask()
    frozen = study.tell(trial.number, 1.0)
    assert frozen.value == 1.0
    with pytest.raises(hs.UpdateFinishedTrialError, match="already finished"):
        study.tell(trial, 2.0)
    assert study.tell(trial, 2.0, skip_if_finished=True).value == 1.0
    with pytest.raises(hs.TrialNotFoundError):
        study.tell(99, 1.0)


def test_tell_states() -> None:
    study = hs.create_study()
    pruned = study.ask()
    pruned.report(0.7, 0)
    pruned.report(0.4, 3)
    assert study.tell(pruned, state=hs.TrialState.PRUNED).value == 0.4
    failed = study.ask()
    assert study.tell(failed, state=hs.TrialState.FAIL).state is hs.TrialState.FAIL
    with pytest.raises(ValueError, match="needs values"):
        study.tell(study.ask())
    with pytest.raises(ValueError, match="has no values"):
        study.tell(study.ask(), 1.0, state=hs.TrialState.FAIL)
    with pytest.raises(ValueError, match="COMPLETE, PRUNED or FAIL"):
        study.tell(study.ask(), 1.0, state=hs.TrialState.WAITING)
    nan_trial = study.ask()
    assert study.tell(nan_trial, float("nan")).state is hs.TrialState.FAIL


def test_tell_rejects_foreign_trials() -> None:
    a, b = hs.create_study(), hs.create_study()
    with pytest.raises(ValueError, match="another study"):
        b.tell(a.ask(), 1.0)
    with pytest.raises(TypeError):
        a.tell("0", 1.0)  # type: ignore[arg-type]


def test_a_sampler_error_at_ask_fails_the_new_trial() -> None:
    class Broken(hs.samplers.RandomSampler):
        def start_trial(self, history, trial, rng):  # type: ignore[no-untyped-def]
            raise RuntimeError("sampler bug")

    study = hs.create_study(sampler=Broken())
    with pytest.raises(RuntimeError, match="sampler bug"):
        study.ask()
    assert study.trials[0].state is hs.TrialState.FAIL
    assert "sampler bug" in (study.trials[0].fail_reason or "")
