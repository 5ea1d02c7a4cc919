"""What a new user hit in a first afternoon: progress bar, automatic steps, failing
objectives, messages outside ``tune``, and API rough edges."""

from __future__ import annotations

import logging
import math
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hypersweep as hs

ROOT = Path(__file__).resolve().parents[2]


def _study(**kwargs: Any) -> hs.Study:
    return hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), **kwargs)


def _notes(exc: BaseException) -> str:
    return "\n".join(getattr(exc, "__notes__", []))


# -- 6. the progress bar of a timeout counts seconds -----------------------------------------
def test_a_progress_bar_with_only_a_timeout_counts_seconds_and_shows_trials(
    capsys: pytest.CaptureFixture[str],
) -> None:
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), timeout=0.2, show_progress_bar=True)
    err = capsys.readouterr().err
    final = err.replace("\r", "\n").strip().splitlines()[-1]
    assert re.search(r"\d+\.\d/0\.2 s \[", final), final
    assert "trial/s" not in err and "it/s" not in err
    assert f"trials={len(study.trials)}" in final
    assert "best=" in final
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3, show_progress_bar=True)
    final = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "3/3" in final and "trial/s" in final and "trials=" not in final


# -- 7. automatic steps are the resource used so far: the first report is step 1 -------------
def test_a_9_epoch_trainable_under_asha_reports_steps_1_to_9() -> None:
    from hypersweep.schedulers.asha import ASHAScheduler

    trained: list[tuple[float, int]] = []

    def train(config: dict) -> None:
        state = hs.get_checkpoint() or {"epoch": 0}
        for epoch in range(state["epoch"] + 1, 10):  # epochs 1..9
            trained.append((config["x"], epoch))
            state = {"epoch": epoch}
            hs.report({"loss": config["x"] / epoch}, checkpoint=state)

    result = hs.tune(
        train,
        {"x": hs.uniform(0.1, 1)},
        metric="loss",
        num_samples=9,
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=ASHAScheduler(1, 9, 3, pause=True),
    )
    for t in result.trials:  # every report's step is its epoch, resumed ones included
        assert set(t.intermediate_values) <= set(range(1, 10)), t.intermediate_values
        for step, value in t.intermediate_values.items():
            assert value == pytest.approx(t.params["x"] / step)
    fresh = [t for t in result.trials if "lineage" not in t.system_attrs]
    assert len(fresh) == 9
    for t in fresh:  # the 1-epoch rung is decided right after the first report
        assert sorted(t.intermediate_values) == [1]
        assert t.system_attrs["paused_at"] == 1
    assert sorted(e for x, e in trained if x == fresh[0].params["x"])[0] == 1
    complete = result.study.get_trials(states=(hs.TrialState.COMPLETE,))
    assert complete and all(t.last_step == 9 for t in complete)
    assert len(trained) == len(set(trained)), "an epoch was trained twice"
    assert result.best_checkpoint == {"epoch": 9}


# -- 8. failing trials: the first traceback, and stopping when the first ones all fail -------
def _always_fails(calls: list[int]) -> Any:
    def objective(trial: hs.Trial) -> float:
        calls.append(trial.number)
        trial.suggest_float("x", 0, 1)
        return 1 / 0

    return objective


def test_optimize_reraises_when_the_first_5_trials_all_fail_the_same_way() -> None:
    calls: list[int] = []
    study = _study()
    with pytest.raises(ZeroDivisionError) as info:
        study.optimize(_always_fails(calls), n_trials=20)
    assert len(calls) == 5 and len(study.trials) == 5
    assert all(t.state is hs.TrialState.FAIL for t in study.trials)
    if sys.version_info >= (3, 11):
        notes = _notes(info.value)
        assert "first 5 trials" in notes and "max_initial_failures=None" in notes
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)  # the study goes on


def test_the_check_counts_per_call_and_its_limit_is_an_option() -> None:
    calls: list[int] = []
    study = _study()
    with pytest.raises(ZeroDivisionError):
        study.optimize(_always_fails(calls), n_trials=20, max_initial_failures=2)
    with pytest.raises(ZeroDivisionError):
        study.optimize(_always_fails(calls), n_trials=20, max_initial_failures=1)
    assert len(study.trials) == 3


def test_max_initial_failures_none_runs_every_trial() -> None:
    calls: list[int] = []
    study = _study()
    study.optimize(_always_fails(calls), n_trials=8, max_initial_failures=None)
    assert len(calls) == 8
    assert {t.state for t in study.trials} == {hs.TrialState.FAIL}


def test_a_mix_of_successes_and_failures_never_raises() -> None:
    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number != 4:  # four failures, a success, then failures only
            raise RuntimeError("flaky")
        return x

    study = _study()
    study.optimize(objective, n_trials=20, max_initial_failures=5)
    assert len(study.trials) == 20


def test_failures_of_different_types_never_raise() -> None:
    def objective(trial: hs.Trial) -> float:
        raise (ValueError if trial.number % 2 else KeyError)("bad")

    study = _study()
    study.optimize(objective, n_trials=10, max_initial_failures=2)
    assert len(study.trials) == 10


def test_a_bad_return_value_counts_as_a_failure_but_nan_does_not() -> None:
    study = _study()
    with pytest.raises(ValueError, match="returned None"):
        study.optimize(lambda t: None, n_trials=20)
    assert len(study.trials) == 5
    nan = _study()
    nan.optimize(lambda t: math.nan, n_trials=8)  # a diverging region, not a broken objective
    assert len(nan.trials) == 8


def test_the_count_is_shared_by_threads() -> None:
    calls: list[int] = []
    lock = threading.Lock()

    def objective(trial: hs.Trial) -> float:
        with lock:
            calls.append(trial.number)
        raise OSError("no such file")

    study = _study()
    with pytest.raises(OSError, match="no such file"):
        study.optimize(objective, n_trials=100, n_jobs=4)
    # Five counted failures, plus at most one trial in flight on each other worker.
    assert 5 <= len(study.trials) <= 8


def test_only_the_first_failure_of_each_call_is_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 2:
            raise ZeroDivisionError("division by zero")
        return x

    study = _study()
    for _ in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="hypersweep"):
            study.optimize(objective, n_trials=6)
        failed = [r for r in caplog.records if "failed: ZeroDivisionError" in r.getMessage()]
        assert len(failed) == 3
        assert [r.exc_info is not None for r in failed] == [True, False, False]
        assert caplog.text.count("Traceback") == 1
        assert 'raise ZeroDivisionError("division by zero")' in caplog.text


@pytest.mark.parametrize("bad", [0, -1, 2.5, "5", True])
def test_max_initial_failures_is_validated(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_initial_failures must be an int >= 1"):
        _study().optimize(lambda t: 1.0, n_trials=1, max_initial_failures=bad)
    with pytest.raises(ValueError, match="max_initial_failures"):
        hs.tune(lambda c: 1.0, {"x": hs.uniform(0, 1)}, metric="m", max_initial_failures=bad)


def test_tune_reraises_when_the_first_5_trials_all_fail() -> None:
    calls: list[float] = []

    def train(config: dict) -> float:
        calls.append(config["x"])
        return 1 / 0

    with pytest.raises(ZeroDivisionError) as info:
        hs.tune(train, {"x": hs.uniform(0, 1)}, metric="loss", num_samples=20)
    assert len(calls) == 5
    if sys.version_info >= (3, 11):
        assert "max_initial_failures=None" in _notes(info.value)


def test_tune_with_a_mix_or_with_the_check_off_runs_every_sample() -> None:
    calls: list[float] = []

    def flaky(config: dict) -> float:
        calls.append(config["x"])
        if len(calls) != 5:
            raise RuntimeError("flaky")
        return config["x"]

    result = hs.tune(flaky, {"x": hs.uniform(0, 1)}, metric="loss", num_samples=12)
    assert len(result.trials) == 12
    result = hs.tune(
        lambda c: None,  # never reports: every trial fails
        {"x": hs.uniform(0, 1)},
        metric="loss",
        num_samples=7,
        max_initial_failures=None,
    )
    assert [t.state for t in result.trials] == [hs.TrialState.FAIL] * 7


# -- 11. outside tune, the messages suggest methods that exist ----------------------------------
@pytest.mark.parametrize(
    ("call", "suggested"),
    [
        (lambda: hs.report(loss=1.0), {"report", "should_prune"}),
        (hs.get_checkpoint, {"load_checkpoint", "save_checkpoint"}),
    ],
)
def test_outside_tune_the_message_names_real_trial_methods(call: Any, suggested: set) -> None:
    with pytest.raises(RuntimeError, match=r"outside hypersweep\.tune") as info:
        call()
    message = str(info.value)
    named = set(re.findall(r"trial\.(\w+)\(", message))
    assert named == suggested, message
    assert all(callable(getattr(hs.Trial, name, None)) for name in named)
    assert ")()" not in message


# -- 13. API -----------------------------------------------------------------------------------
def _objective_with_attrs(trial: Any) -> float:
    if trial.number == 0:
        raise ValueError("fails before suggesting")
    b = trial.suggest_float("b", 0, 1)
    a = trial.suggest_float("a", 0, 1)
    trial.set_user_attr("u", 1)
    return a + b


def test_trials_dataframe_columns_follow_optuna_with_state_last() -> None:
    optuna = pytest.importorskip("optuna")
    pytest.importorskip("pandas")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    theirs = optuna.create_study()
    theirs.optimize(_objective_with_attrs, n_trials=3, catch=(ValueError,))
    ours = hs.create_study()
    ours.optimize(_objective_with_attrs, n_trials=3)
    columns = list(ours.trials_dataframe().columns)
    assert columns == list(theirs.trials_dataframe().columns)
    assert columns[-1] == "state"
    for attrs in (("state", "number", "params"), ("number", "params", "state")):
        assert list(ours.trials_dataframe(attrs=attrs).columns) == list(
            theirs.trials_dataframe(attrs=attrs).columns
        )
    multi = ours.trials_dataframe(multi_index=True)
    assert list(multi.columns)[-1] == ("state", "")


def test_trials_dataframe_hides_internal_system_attributes() -> None:
    pytest.importorskip("pandas")
    study = hs.create_study()
    study.add_trial(
        hs.create_trial(
            value=1.0,
            params={"x": 0.5},
            distributions={"x": hs.FloatDistribution(0, 1)},
            system_attrs={"hypersweep.tpe.planned": [0.1], "gp:model": [1, 2], "grid_id": 3},
        )
    )
    df = study.trials_dataframe()
    assert [c for c in df.columns if c.startswith("system_attrs")] == ["system_attrs_grid_id"]
    assert list(df.columns)[-1] == "state"


def test_tune_result_results_is_a_property() -> None:
    result = hs.tune(lambda c: c["x"], {"x": hs.uniform(0, 1)}, metric="m", num_samples=3)
    assert len(result.results) == 3
    assert result.results[0]["state"] == "COMPLETE"
    assert set(result.results[0]) == {"number", "state", "config", "metrics"}


def test_dir_of_lazy_packages_lists_every_public_name() -> None:
    assert "GPSampler" in dir(hs.samplers)
    for module in (
        hs,
        hs.samplers,
        hs.schedulers,
        hs.storage,
        hs.storages,
        hs.executors,
        hs.pruners,
    ):
        missing = sorted(set(module.__all__) - set(dir(module)))
        assert missing == [], f"{module.__name__}: {missing}"


@pytest.mark.parametrize("returned", [np.array(0.25), np.array(1)])
def test_a_0d_numpy_array_is_a_result(returned: Any) -> None:
    study = _study()
    study.optimize(lambda t: returned, n_trials=1)
    trial = study.trials[0]
    assert trial.state is hs.TrialState.COMPLETE
    assert trial.value == float(returned)


def test_other_arrays_fail_the_trial_as_in_optuna() -> None:
    study = _study()
    study.optimize(lambda t: np.array([0.25]), n_trials=1)
    assert study.trials[0].state is hs.TrialState.FAIL
    assert "numpy array of shape (1,)" in (study.trials[0].fail_reason or "")
    multi = _study(directions=["minimize", "minimize"])
    multi.optimize(lambda t: [np.array(1.0), np.array(2.0)], n_trials=1)
    assert list(multi.trials[0].values or ()) == [1.0, 2.0]


def test_a_0d_array_can_be_reported() -> None:
    study = _study()
    study.optimize(lambda t: t.report(np.array(0.5), 1) or 0.5, n_trials=1)
    assert study.trials[0].intermediate_values == {1: 0.5}


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_installs_only_what_the_demo_needs() -> None:
    demo = subprocess.run(
        ["make", "-n", "-B", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "'.[sklearn]'" in demo and ".[dev]" not in demo
    assert ".installed-demo" in demo
    test = subprocess.run(
        ["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "'.[dev]'" in test


def test_pyproject_license_is_an_spdx_expression() -> None:
    tomllib = pytest.importorskip("tomllib")
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["license"] == "MIT"
    setuptools = [r for r in data["build-system"]["requires"] if r.startswith("setuptools")]
    assert setuptools == ["setuptools>=77"]
