from __future__ import annotations

import pytest

import hypersweep as hs
from hypersweep.samplers import GridSampler

SPACE = {"x": [0, 1, 2], "k": ["a", "b"]}


def _objective(trial: hs.Trial) -> float:
    return trial.suggest_int("x", 0, 2) + (trial.suggest_categorical("k", ["a", "b"]) == "b")


def test_visits_every_point_once_then_stops() -> None:
    study = hs.create_study(sampler=GridSampler(SPACE, seed=0))
    study.optimize(_objective, n_trials=100)
    points = sorted((t.params["x"], t.params["k"]) for t in study.trials)
    assert points == sorted((x, k) for x in (0, 1, 2) for k in ("a", "b"))
    assert GridSampler(SPACE).n_points == 6


def test_order_is_shuffled_by_seed_and_reproducible() -> None:
    def order(seed: int) -> list[tuple]:
        study = hs.create_study(sampler=GridSampler(SPACE, seed=seed))
        study.optimize(_objective, n_trials=6)
        return [(t.params["x"], t.params["k"]) for t in study.trials]

    assert order(0) == order(0)
    assert len({tuple(order(s)) for s in range(5)}) > 1


def test_a_second_optimize_call_continues_where_the_first_stopped() -> None:
    study = hs.create_study(sampler=GridSampler(SPACE, seed=0))
    study.optimize(_objective, n_trials=4)
    study.optimize(_objective, n_trials=4)
    assert len(study.trials) == 6
    assert len({(t.params["x"], t.params["k"]) for t in study.trials}) == 6


def test_threads_never_run_a_point_twice() -> None:
    space = {"x": list(range(40))}
    study = hs.create_study(sampler=GridSampler(space, seed=1))
    study.optimize(lambda t: t.suggest_int("x", 0, 39), n_trials=100, n_jobs=4)
    assert sorted(t.params["x"] for t in study.trials) == list(range(40))


def test_parameter_missing_from_grid_fails_the_trial_with_reason() -> None:
    study = hs.create_study(sampler=GridSampler({"x": [1]}))
    study.optimize(lambda t: t.suggest_int("x", 0, 2) + t.suggest_float("y", 0, 1), n_trials=1)
    trial = study.trials[0]
    assert trial.state is hs.TrialState.FAIL
    assert "'y' is not in the grid" in (trial.fail_reason or "")


def test_value_outside_the_distribution_warns() -> None:
    study = hs.create_study(sampler=GridSampler({"x": [5.0]}))
    with pytest.warns(UserWarning, match="outside the suggested"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)


@pytest.mark.parametrize(
    ("space", "exc"),
    [({}, ValueError), ({"x": []}, ValueError), ({"x": "abc"}, TypeError), ([1], ValueError)],
)
def test_bad_grids(space: object, exc: type) -> None:
    with pytest.raises(exc):
        GridSampler(space)  # type: ignore[arg-type]
