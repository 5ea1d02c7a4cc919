"""MLflowCallback with the real MLflow and a local file store, read back with MlflowClient."""

from __future__ import annotations

import pytest

import hypersweep as hs

from ..conftest import require
from .conftest import PruneAtStep


@pytest.fixture
def tracking(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 keeps the file store
    mlflow = require("mlflow")
    uri = (tmp_path / "mlruns").as_uri()
    return uri, mlflow.MlflowClient(uri)


def _objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -1, 1)
    trial.suggest_categorical("kind", ["a", "b"])
    trial.set_user_attr("note", "hello")
    for step in range(3):
        trial.report(x * x + step, step)
        if trial.number in (0, 4) and trial.should_prune():  # only these can be pruned
            raise hs.TrialPruned()
    if trial.number == 3:
        raise RuntimeError("boom")
    return x * x


def test_run_tree(tracking) -> None:
    uri, client = tracking
    study = hs.create_study(
        study_name="tree", sampler=hs.samplers.RandomSampler(seed=0), scheduler=PruneAtStep(1)
    )
    study.enqueue_trial({"x": 0.5, "kind": "a"})
    cb = hs.integrations.MLflowCallback(uri, metric_name="loss")
    # trial 0 is pruned at step 1, 1 and 2 complete, 3 fails
    study.optimize(_objective, n_trials=4, callbacks=[cb], catch=(RuntimeError,))
    experiment = client.get_experiment_by_name("tree")
    runs = client.search_runs([experiment.experiment_id])
    parents = [r for r in runs if r.info.run_name == "tree"]
    assert len(parents) == 1
    parent = parents[0]
    children = {r.data.tags["hypersweep.trial_number"]: r for r in runs if r is not parent}
    assert sorted(children) == ["0", "1", "2", "3"]
    for number, run in children.items():
        trial = study.trials[int(number)]
        assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
        assert run.info.run_name == f"trial-{number}"
        assert run.data.tags["hypersweep.state"] == trial.state.name
        assert run.data.tags["hypersweep.study_name"] == "tree"
        assert run.data.tags["hypersweep.direction"] == "minimize"
        assert run.data.tags["note"] == "hello"
        assert "FloatDistribution" in run.data.tags["hypersweep.distribution.x"]
        assert run.data.params == {"x": str(trial.params["x"]), "kind": trial.params["kind"]}
        history = client.get_metric_history(run.info.run_id, "intermediate_value")
        assert [m.step for m in history] == sorted(trial.intermediate_values)
    assert children["0"].info.status == "KILLED"
    assert children["0"].data.tags["hypersweep.state"] == "PRUNED"
    assert children["0"].data.metrics["loss"] == pytest.approx(1.25)  # its last report
    assert children["1"].info.status == "FINISHED"
    assert children["1"].data.metrics["loss"] == pytest.approx(study.trials[1].value)
    assert children["3"].info.status == "FAILED" and "loss" not in children["3"].data.metrics
    best = client.get_metric_history(parent.info.run_id, "best_loss")
    assert best[-1].value == pytest.approx(study.best_value)


def test_pruned_trial_is_killed(tracking) -> None:
    uri, client = tracking
    study = hs.create_study(study_name="pruned", scheduler=PruneAtStep(1))
    study.optimize(_objective, n_trials=1, callbacks=[hs.integrations.MLflowCallback(uri)])
    runs = client.search_runs([client.get_experiment_by_name("pruned").experiment_id])
    child = next(r for r in runs if r.info.run_name == "trial-0")
    assert child.info.status == "KILLED"
    assert child.data.tags["hypersweep.state"] == "PRUNED"
    assert child.data.metrics["value"] == study.trials[0].value


def test_multi_objective_names_each_value(tracking) -> None:
    uri, client = tracking
    study = hs.create_study(study_name="mo", directions=["minimize", "maximize"])
    cb = hs.integrations.MLflowCallback(uri, metric_name=["error", "speed"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=2, callbacks=[cb])
    runs = client.search_runs([client.get_experiment_by_name("mo").experiment_id])
    child = next(r for r in runs if r.info.run_name == "trial-1")
    assert child.data.metrics == {"error": study.trials[1].values[0], "speed": 2.0}
    assert child.data.tags["hypersweep.direction"] == "minimize,maximize"
    bad = hs.integrations.MLflowCallback(uri, metric_name=["error"])
    with pytest.raises(ValueError, match="one name per objective"):
        bad(study, study.trials[0])


def test_no_experiment_without_create(tracking) -> None:
    uri, _ = tracking
    study = hs.create_study(study_name="absent")
    study.ask()
    trial = study.tell(0, 1.0)
    cb = hs.integrations.MLflowCallback(uri, create_experiment=False)
    with pytest.raises(ValueError, match="no MLflow experiment named 'absent'"):
        cb(study, trial)


def test_study_user_attrs_and_kwargs(tracking) -> None:
    uri, client = tracking
    study = hs.create_study(study_name="attrs")
    study.set_user_attr("team", "search")
    cb = hs.integrations.MLflowCallback(
        uri,
        tag_study_user_attrs=True,
        tag_trial_user_attrs=False,
        mlflow_kwargs={"tags": {"origin": "test"}},
    )
    study.optimize(_objective, n_trials=1, callbacks=[cb])
    runs = client.search_runs([client.get_experiment_by_name("attrs").experiment_id])
    child = next(r for r in runs if r.info.run_name == "trial-0")
    assert child.data.tags["team"] == "search" and child.data.tags["origin"] == "test"
    assert "note" not in child.data.tags
