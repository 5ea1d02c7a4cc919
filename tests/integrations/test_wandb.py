"""WeightsAndBiasesCallback with the real wandb, offline, its files in tmp_path."""

from __future__ import annotations

import pytest

import hypersweep as hs

from ..conftest import require


@pytest.fixture
def wandb(tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_DIR", str(tmp_path))
    monkeypatch.setenv("WANDB_SILENT", "true")
    wandb = require("wandb")
    wandb.teardown()  # wandb reads its settings (WANDB_DIR) once per process setup
    yield wandb
    wandb.teardown()


def _objective(trial: hs.Trial) -> float:
    return trial.suggest_float("x", 0, 1) + trial.suggest_int("n", 1, 3)


def test_one_run_for_the_study(wandb, tmp_path) -> None:
    cb = hs.integrations.WeightsAndBiasesCallback(metric_name="loss", wandb_kwargs={"project": "t"})
    study = hs.create_study(study_name="wb", sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=3, callbacks=[cb])
    run = cb.run
    try:
        last = study.trials[-1]
        assert dict(run.config) == {"study_name": "wb", "direction": "minimize"}
        assert run.summary["loss"] == last.value
        assert run.summary["x"] == last.params["x"] and run.summary["n"] == last.params["n"]
        assert run.summary["trial_number"] == 2 and run.summary["state"] == "COMPLETE"
        assert run.project == "t" and run.offline
    finally:
        run.finish()
    assert len(list((tmp_path / "wandb").glob("offline-run-*/run-*.wandb"))) == 1


def test_multirun_makes_one_run_per_trial(wandb, tmp_path) -> None:
    cb = hs.integrations.WandbCallback(as_multirun=True)
    assert hs.integrations.WandbCallback is hs.integrations.WeightsAndBiasesCallback
    study = hs.create_study(study_name="multi")
    study.optimize(_objective, n_trials=2, callbacks=[cb])
    assert cb.run is None
    assert len(list((tmp_path / "wandb").glob("offline-run-*/run-*.wandb"))) == 2


def test_multi_objective_needs_one_name_each(wandb) -> None:
    study = hs.create_study(directions=["minimize", "minimize"])
    cb = hs.integrations.WeightsAndBiasesCallback(
        metric_name=["a"], wandb_kwargs={"mode": "disabled"}
    )
    with pytest.raises(ValueError, match="one name per objective"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=1, callbacks=[cb])
