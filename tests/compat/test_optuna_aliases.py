"""Optuna's older and smaller names: journal storage aliases, fail_stale_trials,
StudySummary, the version module; each used as Optuna's documentation shows."""

from __future__ import annotations

import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs

from .test_define_by_run import lib_param


def test_journal_file_storage_alias_runs_a_study(tmp_path: Path) -> None:
    storage = hs.storages.JournalStorage(
        hs.storages.JournalFileStorage(str(tmp_path / "journal.log"))
    )
    study = hs.create_study(storage=storage, study_name="j")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    again = hs.load_study(
        study_name="j",
        storage=hs.storages.JournalStorage(
            hs.storages.JournalFileBackend(str(tmp_path / "journal.log"))
        ),
    )
    assert len(again.trials) == 3
    assert hs.storages.JournalRedisStorage is hs.storages.JournalRedisBackend
    assert {"JournalFileStorage", "fail_stale_trials"} <= set(dir(hs.storages))


def test_fail_stale_trials_fails_a_trial_whose_worker_died(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    worker = (
        "import os, hypersweep as hs\n"
        f"st = hs.storages.RDBStorage({url!r}, heartbeat_interval=1, grace_period=2)\n"
        "hs.create_study(storage=st, study_name='s').ask()\n"
        "os._exit(0)  # killed while its trial runs: no more heartbeats\n"
    )
    subprocess.run([sys.executable, "-c", worker], check=True, timeout=120)
    failed: list[int] = []
    storage = hs.storages.RDBStorage(
        url,
        heartbeat_interval=1,
        grace_period=2,
        failed_trial_callback=lambda study, trial: failed.append(trial.number),
    )
    study = hs.load_study(study_name="s", storage=storage)
    time.sleep(2.5)
    hs.storages.fail_stale_trials(study)
    assert failed == [0]
    assert study.trials[0].state == hs.TrialState.FAIL


def test_study_summary_and_version() -> None:
    storage = hs.storages.InMemoryStorage()
    hs.create_study(storage=storage, study_name="a")
    (summary,) = hs.get_all_study_summaries(storage)
    assert isinstance(summary, hs.study.StudySummary) and summary.study_name == "a"
    import hypersweep.version

    assert hypersweep.version.__version__ == hs.__version__


def test_unknown_storages_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchStorage"):
        _ = hs.storages.NoSuchStorage  # type: ignore[attr-defined]


@pytest.mark.filterwarnings("error::UserWarning")
def test_tpe_hyperopt_parameters_run_on_sqlite(tmp_path: Path) -> None:
    params = hs.samplers.TPESampler.hyperopt_parameters()
    optuna = pytest.importorskip("optuna")
    assert set(params) == set(optuna.samplers.TPESampler.hyperopt_parameters())
    sampler = hs.samplers.TPESampler(**params, seed=0)
    study = hs.create_study(sampler=sampler, storage=f"sqlite:///{tmp_path / 't.db'}")
    study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=30)
    assert study.best_value < 0.5  # 20 random trials, then TPE with hyperopt's gamma


def test_tpe_weights_and_optuna_only_switches() -> None:
    def bad_weights(n: int) -> list[float]:
        return [-1.0] * n

    study = hs.create_study(sampler=hs.samplers.TPESampler(weights=bad_weights, n_startup_trials=2))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    with pytest.raises(ValueError, match="non-negative"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1, catch=())
    with pytest.raises(TypeError, match="weights must be a function"):
        hs.samplers.TPESampler(weights=3)  # type: ignore[arg-type]
    with pytest.warns(UserWarning, match=r"consider_endpoints=True\) has no effect"):
        hs.samplers.TPESampler(consider_endpoints=True)


@lib_param
def test_metric_names_label_the_dataframe(lib: types.ModuleType) -> None:
    pytest.importorskip("pandas")
    study = lib.create_study(directions=["minimize", "maximize"])
    study.set_metric_names(["loss", "accuracy"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 0.5), n_trials=2)
    assert study.metric_names == ["loss", "accuracy"]
    columns = list(study.trials_dataframe().columns)
    assert "values_loss" in columns and "values_accuracy" in columns
    single = lib.create_study()
    assert single.metric_names is None
    single.set_metric_names(["error"])
    single.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert "value_error" in list(single.trials_dataframe().columns)
    with pytest.raises(ValueError):
        single.set_metric_names(["a", "b"])


@lib_param
def test_base_trial_covers_every_trial_kind(lib: types.ModuleType) -> None:
    def objective(trial: lib.trial.BaseTrial) -> float:  # type: ignore[name-defined]
        assert isinstance(trial, lib.trial.BaseTrial)
        return float(trial.suggest_float("x", -1, 1) ** 2)

    study = lib.create_study()
    study.optimize(objective, n_trials=2)
    assert objective(lib.trial.FixedTrial({"x": 0.5})) == 0.25
    assert isinstance(study.best_trial, lib.trial.BaseTrial)


def _finished_lines(lib: types.ModuleType, caplog: pytest.LogCaptureFixture) -> list[str]:
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    for x in (3.0, 1.0, 2.0):
        study.enqueue_trial({"x": x})

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 4)
        trial.report(x, 0)
        if x == 2.0:
            raise lib.TrialPruned()
        return x

    caplog.clear()
    study.optimize(objective, n_trials=3)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Trial ")]
    return list(dict.fromkeys(lines))  # Optuna's records can reach caplog twice


@lib_param
def test_finished_trial_log_lines_read_as_optunas(
    lib: types.ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    before = lib.logging.get_verbosity()
    lib.logging.set_verbosity(lib.logging.INFO)
    lib.logging.enable_propagation()
    try:
        with caplog.at_level(20):
            lines = _finished_lines(lib, caplog)
    finally:
        lib.logging.disable_propagation()
        lib.logging.set_verbosity(before)
    assert lines[:2] == [
        "Trial 0 finished with value: 3.0 and parameters: {'x': 3.0}. "
        "Best is trial 0 with value: 3.0.",
        "Trial 1 finished with value: 1.0 and parameters: {'x': 1.0}. "
        "Best is trial 1 with value: 1.0.",
    ]
    assert lines[2].startswith("Trial 2 pruned.")
