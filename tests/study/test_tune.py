from __future__ import annotations

from typing import Any

import pytest

import hypersweep as hs

SPACE = {
    "C": hs.loguniform(1e-3, 1e3),
    "kernel": hs.choice(["rbf", "poly"]),
    "model": {"n": hs.randint(1, 20), "name": "svm"},
}


def _error(config: dict) -> float:
    return abs(config["C"] - 1.0) + config["model"]["n"] / 100


def test_returning_a_float() -> None:
    result = hs.tune(
        _error,
        SPACE,
        metric="error",
        mode="min",
        num_samples=40,
        sampler=hs.samplers.RandomSampler(seed=0),
    )
    assert len(result.trials) == 40
    best = result.best_config
    assert best["model"]["name"] == "svm"
    assert 1 <= best["model"]["n"] <= 19
    assert result.best_result == {"error": result.best_trial.value}
    assert result.best_trial.value == min(_error(r["config"]) for r in result.results)


def test_returning_a_dict_and_maximising() -> None:
    result = hs.tune(
        lambda c: {"acc": -_error(c), "extra": "x"},
        SPACE,
        metric="acc",
        mode="max",
        num_samples=10,
        sampler=hs.samplers.RandomSampler(seed=1),
    )
    assert result.best_result["extra"] == "x"
    assert result.study.direction is hs.StudyDirection.MAXIMIZE


def test_reporting_along_the_way_and_pruning() -> None:
    def train(config: dict) -> None:
        for epoch in range(10):
            hs.report(loss=config["x"] + 1.0 / (epoch + 1), epoch=epoch)

    result = hs.tune(
        train,
        {"x": hs.uniform(0, 1)},
        metric="loss",
        num_samples=30,
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=hs.schedulers.MedianScheduler(n_startup_trials=5),
    )
    states = {t.state for t in result.trials}
    assert states == {hs.TrialState.COMPLETE, hs.TrialState.PRUNED}
    best = result.best_trial
    assert best.last_step == 10  # ten reports: steps 1..10
    assert result.best_result["epoch"] == 9
    assert best.value == pytest.approx(result.best_config["x"] + 0.1)


def test_points_to_evaluate_run_first() -> None:
    result = hs.tune(
        _error,
        SPACE,
        metric="error",
        num_samples=3,
        points_to_evaluate=[{"C": 1.0, "kernel": "rbf", "model": {"n": 1}}],
    )
    assert result.trials[0].params == {"C": 1.0, "kernel": "rbf", "model/n": 1}
    with pytest.raises(ValueError, match="not in the space"):
        hs.tune(_error, SPACE, metric="error", num_samples=1, points_to_evaluate=[{"D": 1}])


def test_several_metrics_make_a_multi_objective_study() -> None:
    result = hs.tune(
        lambda c: {"err": c["x"], "size": 1 - c["x"]},
        {"x": hs.uniform(0, 1)},
        metric=["err", "size"],
        mode=["min", "min"],
        num_samples=8,
    )
    assert len(result.study.best_trials) == 8  # every point is Pareto-optimal here


def test_trainable_problems_fail_trials_with_reasons() -> None:
    result = hs.tune(lambda c: None, {"x": hs.uniform(0, 1)}, metric="m", num_samples=1)
    assert "never reported ['m']" in (result.trials[0].fail_reason or "")
    result = hs.tune(lambda c: {"other": 1}, {"x": hs.uniform(0, 1)}, metric="m", num_samples=1)
    assert "no metric ['m']" in (result.trials[0].fail_reason or "")
    result = hs.tune(
        lambda c: hs.report(other=1), {"x": hs.uniform(0, 1)}, metric="m", num_samples=1
    )
    assert "must include the metric(s) ['m']" in (result.trials[0].fail_reason or "")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metric": "m", "mode": "minimum"}, "mode must be"),
        ({"metric": ["a", "b"], "mode": "min"}, "one mode per metric"),
        ({"metric": []}, "metric must be"),
    ],
)
def test_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        hs.tune(_error, SPACE, num_samples=1, **kwargs)


def test_report_outside_tune_is_an_error() -> None:
    with pytest.raises(RuntimeError, match=r"outside hypersweep\.tune"):
        hs.report(loss=1.0)
    with pytest.raises(TypeError, match="callable"):
        hs.tune(1, SPACE, metric="m")  # type: ignore[arg-type]


# -- checkpoints: pause/resume from a tune() trainable -----------------------------------------
def _resumable(trained: list[tuple[float, int]]) -> Any:
    """A trainable that resumes from its checkpoint and logs every epoch it trains."""

    def train(config: dict) -> None:
        state = hs.get_checkpoint() or {"epoch": -1, "loss": 1.0}
        for epoch in range(state["epoch"] + 1, 9):
            trained.append((config["decay"], epoch))
            state = {"epoch": epoch, "loss": state["loss"] * config["decay"]}
            hs.report({"loss": state["loss"]}, checkpoint=state)

    return train


def test_a_paused_trainable_resumes_from_its_checkpoint_and_trains_no_epoch_twice(
    tmp_path: Any,
) -> None:
    from hypersweep.schedulers.asha import ASHAScheduler

    trained: list[tuple[float, int]] = []
    result = hs.tune(
        _resumable(trained),
        {"decay": hs.uniform(0.5, 0.99)},
        metric="loss",
        num_samples=27,
        sampler=hs.samplers.RandomSampler(seed=3),
        scheduler=ASHAScheduler(1, 9, 3, pause=True),
        storage=f"sqlite:///{tmp_path / 'tune.db'}",
    )
    assert any("resume_from" in t.system_attrs for t in result.trials), "nothing was promoted"
    assert len(trained) == len(set(trained)), "an epoch was trained twice"
    for decay in {d for d, _ in trained}:
        epochs = [e for d, e in trained if d == decay]
        assert epochs == list(range(len(epochs))), f"{decay}: epochs {epochs} skip or repeat"
    best = result.best_trial
    decay = result.best_config["decay"]
    # Paused and resumed, the best configuration ends exactly where a straight run would.
    assert best.value == pytest.approx(decay**9)
    assert best.last_step == 9  # nine epochs, nine reports: steps 1..9
    assert result.best_checkpoint == {"epoch": 8, "loss": pytest.approx(decay**9)}


def test_without_a_scheduler_that_pauses_the_checkpoint_is_kept_for_completed_trials() -> None:
    trained: list[tuple[float, int]] = []
    result = hs.tune(
        _resumable(trained),
        {"decay": hs.uniform(0.5, 0.99)},
        metric="loss",
        num_samples=3,
        sampler=hs.samplers.RandomSampler(seed=0),
    )
    assert len(trained) == 27
    assert result.best_checkpoint["epoch"] == 8


def _tune_with_asha(train: Any) -> hs.TuneResult:
    """Nine configurations of ``x`` in [0, 1] under a pausing ASHA (rungs at steps 1 and 3)."""
    from hypersweep.schedulers.asha import ASHAScheduler

    return hs.tune(
        train,
        {"x": hs.uniform(0, 1)},
        metric="loss",
        num_samples=9,
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=ASHAScheduler(1, 9, 3, pause=True),
    )


def test_a_checkpoint_is_a_snapshot_taken_at_report_time() -> None:
    resumed: list[int] = []

    def train(config: dict) -> None:
        state = hs.get_checkpoint()
        if state is not None:  # resumed: from the last even epoch, not the pausing (odd) one
            resumed.append(state["epoch"])
            assert state["weights"] == [state["epoch"]] * 3
        state = state or {"epoch": -1, "weights": [-1] * 3}
        for epoch in range(state["epoch"] + 1, 9):
            state["epoch"] = epoch  # the same dict, changed in place after it was given
            state["weights"][:] = [epoch] * 3
            given = state if epoch % 2 == 0 else None
            hs.report({"loss": config["x"] / (epoch + 1)}, checkpoint=given)

    result = _tune_with_asha(train)
    assert result.best_checkpoint == {"epoch": 8, "weights": [8, 8, 8]}
    assert resumed and all(epoch % 2 == 0 for epoch in resumed), resumed


def test_no_checkpoint_given_means_none_and_a_restart_from_scratch() -> None:
    starts: list[Any] = []

    def train(config: dict) -> None:
        starts.append(hs.get_checkpoint())
        for epoch in range(9):
            hs.report(loss=config["x"] / (epoch + 1))

    result = _tune_with_asha(train)
    assert starts == [None] * len(starts) and len(starts) > 9  # promotions restarted
    assert result.best_checkpoint is None


def test_get_checkpoint_outside_tune_says_what_to_use() -> None:
    with pytest.raises(RuntimeError, match=r"outside hypersweep\.tune"):
        hs.get_checkpoint()
