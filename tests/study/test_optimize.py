from __future__ import annotations

import logging
import math
import time

import pytest

import hypersweep as hs
from hypersweep.testing import sphere


def _study(**kwargs: object) -> hs.Study:
    return hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), **kwargs)  # type: ignore[arg-type]


def test_n_trials_and_repeated_calls() -> None:
    study = _study()
    study.optimize(sphere, n_trials=7)
    study.optimize(sphere, n_trials=3)
    assert [t.number for t in study.trials] == list(range(10))
    assert study.best_value == min(t.value for t in study.trials)  # type: ignore[type-var]


def test_timeout_stops_starting_trials() -> None:
    study = _study()
    start = time.monotonic()
    study.optimize(lambda t: time.sleep(0.05) or t.suggest_float("x", 0, 1), timeout=0.3)
    elapsed = time.monotonic() - start
    assert 2 <= len(study.trials) <= 12
    assert elapsed < 2.0


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        (float("nan"), "NaN"),
        ("0.5", "must return a float"),
        (None, "returned None"),
        ([1.0, 2.0], "2 value(s) but the study has 1"),
        (True, "must return a float"),
    ],
)
def test_bad_return_values_fail_the_trial_with_the_reason(returned: object, reason: str) -> None:
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) and returned, n_trials=1)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    failed, ok = study.trials
    assert failed.state is hs.TrialState.FAIL
    assert reason in (failed.fail_reason or "")
    assert failed.params  # what was suggested before the failure is kept
    assert ok.state is hs.TrialState.COMPLETE


def test_infinite_values_are_valid_results() -> None:
    study = _study(direction="maximize")
    study.optimize(lambda t: t.suggest_float("x", 0, 1) * math.inf, n_trials=1)
    assert study.trials[0].state is hs.TrialState.COMPLETE


def test_an_exception_fails_the_trial_and_the_study_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            raise RuntimeError("out of memory")
        return x

    study = _study()
    with caplog.at_level(logging.WARNING, logger="hypersweep"):
        study.optimize(objective, n_trials=4)
    states = [t.state for t in study.trials]
    assert states.count(hs.TrialState.FAIL) == 1
    assert study.trials[1].fail_reason == "RuntimeError: out of memory"
    assert "Trial 1 failed: RuntimeError: out of memory" in caplog.text


def test_catch_empty_reraises_after_recording() -> None:
    def objective(trial: hs.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        raise KeyError("missing column")

    study = _study()
    with pytest.raises(KeyError, match="missing column"):
        study.optimize(objective, n_trials=5, catch=())
    assert len(study.trials) == 1
    assert study.trials[0].state is hs.TrialState.FAIL


def test_only_listed_exceptions_are_caught() -> None:
    def objective(trial: hs.Trial) -> float:
        raise ValueError("bad") if trial.number == 0 else TypeError("worse")

    study = _study()
    with pytest.raises(TypeError):
        study.optimize(objective, n_trials=5, catch=ValueError)
    assert [t.state for t in study.trials] == [hs.TrialState.FAIL, hs.TrialState.FAIL]


def test_keyboard_interrupt_fails_the_trial_and_propagates() -> None:
    def objective(trial: hs.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        raise KeyboardInterrupt

    study = _study()
    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=3)
    assert study.trials[0].state is hs.TrialState.FAIL
    assert "KeyboardInterrupt" in (study.trials[0].fail_reason or "")


def test_callbacks_and_stop() -> None:
    seen: list[int] = []

    def callback(study: hs.Study, trial: hs.FrozenTrial) -> None:
        seen.append(trial.number)
        if trial.number == 4:
            study.stop()

    study = _study()
    study.optimize(sphere, n_trials=100, callbacks=[callback])
    assert seen == [0, 1, 2, 3, 4]
    study.optimize(sphere, n_trials=2)  # stop() does not stick to later calls
    assert len(study.trials) == 7


def test_stop_outside_optimize_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="only works while optimize"):
        _study().stop()


def test_max_trials_callback_is_a_study_wide_budget() -> None:
    study = _study()
    callback = hs.MaxTrialsCallback(5, states=None)
    study.optimize(sphere, n_trials=3, callbacks=[callback])
    study.optimize(sphere, n_trials=10, callbacks=[callback])
    assert len(study.trials) == 5
    with pytest.raises(ValueError):
        hs.MaxTrialsCallback(0)


def test_threads_run_exactly_n_trials() -> None:
    study = _study()
    study.optimize(sphere, n_trials=50, n_jobs=4)
    assert len(study.trials) == 50
    study.optimize(sphere, n_trials=5, n_jobs=-1)
    assert len(study.trials) == 55


def test_progress_bar_and_gc(capsys: pytest.CaptureFixture[str]) -> None:
    study = _study()
    study.optimize(sphere, n_trials=5, show_progress_bar=True, gc_after_trial=True)
    assert "5/5" in capsys.readouterr().err
    study.optimize(sphere, timeout=0.2, show_progress_bar=True)
    assert len(study.trials) > 5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_trials": -1}, "n_trials"),
        ({"n_trials": 2.5}, "n_trials"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": "1"}, "timeout"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"catch": [1]}, "catch"),
    ],
)
def test_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        _study().optimize(sphere, **kwargs)


def test_objective_must_be_callable() -> None:
    with pytest.raises(TypeError, match="callable"):
        _study().optimize(42, n_trials=1)  # type: ignore[arg-type]
