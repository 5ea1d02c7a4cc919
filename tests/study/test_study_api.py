from __future__ import annotations

import pytest

import hypersweep as hs
from hypersweep.testing import sphere


def test_create_load_delete_and_list() -> None:
    storage = hs.storages.InMemoryStorage()
    study = hs.create_study(storage=storage, study_name="svm", direction="maximize")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    loaded = hs.load_study(study_name="svm", storage=storage)
    assert loaded.direction is hs.StudyDirection.MAXIMIZE
    assert len(loaded.trials) == 3
    assert hs.load_study(study_name=None, storage=storage).study_name == "svm"
    assert hs.get_all_study_names(storage) == ["svm"]
    assert hs.get_all_study_summaries(storage)[0].n_trials == 3
    with pytest.raises(hs.DuplicatedStudyError):
        hs.create_study(storage=storage, study_name="svm")
    again = hs.create_study(storage=storage, study_name="svm", load_if_exists=True)
    assert len(again.trials) == 3
    with pytest.raises(ValueError, match="exists with directions"):
        hs.create_study(
            storage=storage, study_name="svm", load_if_exists=True, direction="minimize"
        )
    hs.delete_study(study_name="svm", storage=storage)
    with pytest.raises(hs.StudyNotFoundError, match="No study named 'svm'"):
        hs.load_study(study_name="svm", storage=storage)


def test_load_without_name_needs_exactly_one_study() -> None:
    storage = hs.storages.InMemoryStorage()
    hs.create_study(storage=storage)
    hs.create_study(storage=storage)
    with pytest.raises(ValueError, match="exactly one study"):
        hs.load_study(study_name=None, storage=storage)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"direction": "min"}, "'minimize' or 'maximize'"),
        ({"directions": []}, "non-empty list"),
        ({"directions": "minimize"}, "non-empty list"),
        ({"direction": "minimize", "directions": ["minimize"]}, "not both"),
    ],
)
def test_bad_directions(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        hs.create_study(**kwargs)


def test_bad_sampler_and_scheduler_types() -> None:
    with pytest.raises(TypeError, match="sampler must be"):
        hs.create_study(sampler=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="scheduler must be"):
        hs.create_study(scheduler=object())  # type: ignore[arg-type]


def test_best_trial_single_objective() -> None:
    study = hs.create_study(direction="maximize")
    with pytest.raises(ValueError, match="No trials are completed yet"):
        _ = study.best_trial
    for value in (1.0, 3.0, 2.0):
        study.enqueue_trial({"x": value})
    study.optimize(lambda t: t.suggest_float("x", 0, 5), n_trials=3)
    assert study.best_value == 3.0
    assert study.best_params == {"x": 3.0}
    assert [t.number for t in study.best_trials] == [1]


def test_multi_objective_pareto_front() -> None:
    study = hs.create_study(directions=["minimize", "maximize"])
    points = [(1.0, 1.0), (2.0, 3.0), (2.0, 2.0), (0.5, 0.5), (3.0, 3.0)]
    for a, b in points:
        study.enqueue_trial({"a": a, "b": b})
    study.optimize(lambda t: (t.suggest_float("a", 0, 5), t.suggest_float("b", 0, 5)), n_trials=5)
    assert sorted(t.number for t in study.best_trials) == [0, 1, 3]
    with pytest.raises(RuntimeError, match="best_trials"):
        _ = study.best_trial
    with pytest.raises(RuntimeError, match="directions"):
        _ = study.direction
    with pytest.raises(RuntimeError, match="values"):
        _ = study.trials[0].value


def test_enqueued_trials_run_first_exactly_once_and_partially() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"x": 0.25}, user_attrs={"source": "manual"})
    study.enqueue_trial({"x": 0.25}, skip_if_exists=True)
    study.enqueue_trial({"y": 7})
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("y", 0, 9), n_trials=3)
    first, second, third = study.trials
    assert first.params["x"] == 0.25 and first.user_attrs == {"source": "manual"}
    assert second.params["y"] == 7 and second.params["x"] != 0.25
    assert third.system_attrs.get("fixed_params") is None
    study.enqueue_trial({"x": 0.25, "y": first.params["y"]}, skip_if_exists=True)
    assert len(study.trials) == 3


def test_enqueued_value_outside_the_range_warns_and_bad_choice_fails() -> None:
    study = hs.create_study()
    study.enqueue_trial({"x": 5.0})
    with pytest.warns(UserWarning, match="outside"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[0].params["x"] == 5.0
    study.enqueue_trial({"k": "c"})
    study.optimize(lambda t: t.suggest_categorical("k", ["a", "b"]) and 1.0, n_trials=1)
    assert "not one of" in (study.trials[1].fail_reason or "")
    with pytest.raises(TypeError):
        study.enqueue_trial([("x", 1)])  # type: ignore[arg-type]


def test_add_trials() -> None:
    study = hs.create_study()
    dist = hs.FloatDistribution(0, 1)
    study.add_trial(hs.create_trial(value=0.3, params={"x": 0.3}, distributions={"x": dist}))
    study.add_trials(
        [
            hs.create_trial(value=0.1, params={"x": 0.1}, distributions={"x": dist}),
            hs.create_trial(state=hs.TrialState.FAIL, params={}, distributions={}),
        ]
    )
    assert study.best_value == 0.1
    assert [t.number for t in study.trials] == [0, 1, 2]
    with pytest.raises(ValueError, match="2 values"):
        study.add_trial(hs.create_trial(values=[1, 2]))
    with pytest.raises(ValueError, match="is not in"):
        hs.create_trial(value=1, params={"x": 3.0}, distributions={"x": dist})
    with pytest.raises(ValueError, match="name the same"):
        hs.create_trial(value=1, params={"x": 0.5}, distributions={})
    with pytest.raises(ValueError, match="needs value"):
        hs.create_trial(params={}, distributions={})
    with pytest.raises(TypeError):
        study.add_trial({"x": 1})  # type: ignore[arg-type]


def test_user_and_system_attrs() -> None:
    study = hs.create_study()
    study.set_user_attr("dataset", "digits")
    study.set_system_attr("v", 1)
    assert study.user_attrs == {"dataset": "digits"}
    assert study.system_attrs == {"v": 1}


def test_trials_dataframe() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: sphere(t, 2), n_trials=4)
    df = study.trials_dataframe()
    assert list(df["number"]) == [0, 1, 2, 3]
    assert {"value", "params_x0", "params_x1", "state", "duration"} <= set(df.columns)
    assert list(df["state"]) == ["COMPLETE"] * 4
    multi = study.trials_dataframe(attrs=("number", "params"), multi_index=True)
    assert ("params", "x0") in multi.columns
    mo = hs.create_study(directions=["minimize", "minimize"])
    mo.optimize(lambda t: (t.suggest_float("a", 0, 1), 1.0), n_trials=2)
    assert {"values_0", "values_1"} <= set(mo.trials_dataframe().columns)


def test_storage_url_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="Unknown storage URL"):
        hs.create_study(storage="postgres-ish://localhost/test")
