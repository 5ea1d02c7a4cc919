"""TPESampler: conformance, golden histories, invariants, reproducibility, convergence."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep._internal.rng import stream
from hypersweep.samplers.tpe import TPESampler
from hypersweep.space import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersweep.testing import check_sampler
from hypersweep.testing.objectives import conditional_objective
from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState

DISTS = {
    "x": FloatDistribution(-5, 5),
    "lr": FloatDistribution(1e-4, 1, log=True),
    "n": IntDistribution(1, 8),
    "k": CategoricalDistribution(("a", "b", "c")),
}


def _golden_history() -> History:
    rng = np.random.default_rng(42)
    trials = []
    for i in range(16):
        params = {
            "x": float(np.round(rng.uniform(-5, 5), 3)),
            "lr": float(np.round(np.exp(rng.uniform(np.log(1e-4), 0)), 6)),
            "n": int(rng.integers(1, 9)),
            "k": ["a", "b", "c"][int(rng.integers(0, 3))],
        }
        value = (params["x"] - 1) ** 2 + np.log10(params["lr"] / 1e-2) ** 2
        value += abs(params["n"] - 3) + (params["k"] != "b")
        trials.append(
            FrozenTrial(
                number=i,
                state=TrialState.COMPLETE,
                values=(float(value),),
                params=params,
                distributions=DISTS,
            )
        )
    trials.append(FrozenTrial(number=16, state=TrialState.RUNNING))
    return History([StudyDirection.MINIMIZE], trials)


def _relative(sampler: TPESampler, history: History) -> dict[str, Any]:
    trial = history.trials[-1]
    rng = stream(7, trial.number)
    attrs = sampler.start_trial(history, trial, rng)
    space = sampler.infer_relative_search_space(history, trial)
    params = sampler.sample_relative(history, trial, space, rng)
    assert attrs == {"hypersweep.tpe.planned": params}
    return params


def _study(sampler: hs.samplers.Sampler, objective: Any, n: int, **kwargs: Any) -> hs.Study:
    study = hs.create_study(sampler=sampler, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(objective, n_trials=n)
    return study


def _sphere(trial: Any, dims: int = 3) -> float:
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1.7) ** 2 for i in range(dims))


# -- the protocol ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs", [{}, {"multivariate": False}, {"group": False}, {"constant_liar": False}]
)
def test_conformance(kwargs: dict[str, Any]) -> None:
    check_sampler(lambda seed: TPESampler(seed=seed, n_startup_trials=5, **kwargs))


# -- golden histories: fixed history in, exact suggestion out ---------------------------------
def test_golden_multivariate() -> None:
    params = _relative(TPESampler(seed=0), _golden_history())
    assert params == {"k": "b", "lr": pytest.approx(0.5278850153106097, rel=1e-9), "n": 8,
                      "x": pytest.approx(0.47803317290618796, rel=1e-9)}  # fmt: skip


def test_golden_univariate() -> None:
    params = _relative(TPESampler(seed=0, multivariate=False), _golden_history())
    assert params == {"k": "b", "lr": pytest.approx(0.08786318811880496, rel=1e-9), "n": 1,
                      "x": pytest.approx(0.7226093132381672, rel=1e-9)}  # fmt: skip


def test_golden_independent() -> None:
    history = _golden_history()
    value = TPESampler(seed=0).sample_independent(
        history, history.trials[-1], "x", DISTS["x"], stream(7, 16)
    )
    assert value == pytest.approx(0.6328805340123225, rel=1e-9)


def test_startup_trials_are_random_and_nothing_is_planned() -> None:
    history = History([StudyDirection.MINIMIZE], _golden_history().trials[:5])
    trial = FrozenTrial(number=5, state=TrialState.RUNNING)
    sampler = TPESampler(seed=0)
    assert sampler.start_trial(history, trial, stream(0, 5)) == {}
    assert sampler.infer_relative_search_space(history, trial) == {}


# -- invariants -------------------------------------------------------------------------------
def _every_kind(trial: Any) -> float:
    values = [
        trial.suggest_float("f", -1.0, 2.0),
        trial.suggest_float("flog", 1e-5, 10.0, log=True),
        trial.suggest_float("fstep", 0.0, 1.0, step=0.1),
        trial.suggest_float("ffine", 0.0, 10.0, step=0.05),  # 201 values: continuous model
        trial.suggest_int("i", -3, 3),
        trial.suggest_int("istep", 0, 100, step=20),
        trial.suggest_int("ilog", 1, 20, log=True),  # exact cells
        trial.suggest_int("ilogbig", 1, 100_000, log=True),  # continuous model
        trial.suggest_int("ibig", 0, 10_000),
    ]
    c = trial.suggest_categorical("c", [None, True, 2, 3.5, "s"])
    return float(sum(abs(v - 1) for v in values)) + (c != "s")


def test_values_stay_in_bounds_on_the_grid_and_among_the_choices() -> None:
    study = _study(TPESampler(seed=1, n_startup_trials=5), _every_kind, 40)
    for t in study.trials:
        assert t.state is TrialState.COMPLETE
        for name, value in t.params.items():
            assert t.distributions[name].contains(value), (name, value)
    late = [t.params["c"] for t in study.trials[20:]]
    assert late.count("s") > len(late) / 2  # the best choice is learnt


def test_maximisation_and_log_scale_converge() -> None:
    def objective(trial: Any) -> float:
        lr = trial.suggest_float("lr", 1e-6, 1.0, log=True)
        return -((np.log10(lr) + 4.5) ** 2)

    study = _study(TPESampler(seed=0), objective, 40, direction="maximize")
    assert abs(np.log10(study.best_params["lr"]) + 4.5) < 0.3


# -- reproducibility --------------------------------------------------------------------------
_SCRIPT = """
import json, warnings
import hypersweep as hs
from hypersweep.samplers.tpe import TPESampler
from hypersweep.testing.objectives import conditional_objective
warnings.simplefilter("ignore")
study = hs.create_study(sampler=TPESampler(seed=3, n_startup_trials=4))
study.optimize(conditional_objective, n_trials=20)
print(json.dumps([t.params for t in study.trials]))
"""


def test_same_seed_same_trials_in_a_fresh_process() -> None:
    here = _study(TPESampler(seed=3, n_startup_trials=4), conditional_objective, 20)
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [t.params for t in here.trials]


def test_one_sampler_used_by_two_studies_matches_fresh_samplers() -> None:
    shared = TPESampler(seed=5, n_startup_trials=3)
    a = hs.create_study(sampler=shared)
    b = hs.create_study(sampler=shared)
    for _ in range(12):  # alternate: the sampler's caches must keep the studies apart
        a.optimize(lambda t: _sphere(t, 2), n_trials=1)
        b.optimize(lambda t: (t.suggest_float("x0", -5, 5) + 3) ** 2, n_trials=1)
    fresh_a = _study(TPESampler(seed=5, n_startup_trials=3), lambda t: _sphere(t, 2), 12)
    fresh_b = _study(
        TPESampler(seed=5, n_startup_trials=3),
        lambda t: (t.suggest_float("x0", -5, 5) + 3) ** 2,
        12,
    )
    assert [t.params for t in a.trials] == [t.params for t in fresh_a.trials]
    assert [t.params for t in b.trials] == [t.params for t in fresh_b.trials]


# -- seeded convergence -----------------------------------------------------------------------
def test_beats_random_search_on_a_shifted_sphere() -> None:
    tpe = [_study(TPESampler(seed=s), _sphere, 60).best_value for s in range(5)]
    rnd = [_study(hs.samplers.RandomSampler(seed=s), _sphere, 60).best_value for s in range(5)]
    assert np.median(tpe) < 0.5 * np.median(rnd)
    assert np.median(tpe) < 1.0


# -- parallel workers -------------------------------------------------------------------------
def _pending_points(constant_liar: bool) -> np.ndarray:
    def objective(t: Any) -> float:
        return (t.suggest_float("x", 0, 1) - 0.3) ** 2 + (t.suggest_float("y", 0, 1) - 0.7) ** 2

    study = _study(TPESampler(seed=0, constant_liar=constant_liar), objective, 30)
    asked = [study.ask() for _ in range(8)]  # eight workers, none has finished
    return np.array([[t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)] for t in asked])


def _min_distance(points: np.ndarray) -> float:
    d = np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1))
    return float(d[np.triu_indices(len(points), 1)].min())


def test_eight_pending_trials_do_not_collapse_onto_one_point() -> None:
    spread = _min_distance(_pending_points(constant_liar=True))
    assert spread > 0.03
    assert spread > 3 * _min_distance(_pending_points(constant_liar=False))


def test_planned_values_are_visible_to_other_workers() -> None:
    study = _study(TPESampler(seed=0, n_startup_trials=3), lambda t: _sphere(t, 2), 5)
    trial = study.ask()  # its objective has not suggested anything yet
    planned = study.trials[-1].system_attrs["hypersweep.tpe.planned"]
    assert set(planned) == {"x0", "x1"}
    assert trial.suggest_float("x0", -5, 5) == planned["x0"]


# -- conditional spaces and the random fallback ------------------------------------------------
def _svm_like(trial: Any) -> float:
    """The kernel decides which parameters exist; the best configurations use ``poly``."""
    kernel = trial.suggest_categorical("kernel", ["linear", "rbf", "poly"])
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    value = abs(np.log10(c) - 1.0) / 4
    if kernel == "linear":
        return value + 1.0
    if kernel == "rbf":
        return value + 0.5 + abs(np.log10(trial.suggest_float("gamma", 1e-4, 10, log=True)) + 2)
    return value + 0.5 * abs(trial.suggest_int("degree", 2, 6) - 4)


def test_conditional_parameters_are_modelled_in_their_own_groups() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no random fallback: every branch was seen in start-up
        study = hs.create_study(sampler=TPESampler(seed=0))
        study.optimize(_svm_like, n_trials=60)
    trial = study.ask()  # plans every group, each fitted on the trials that have it
    planned = study.trials[-1].system_attrs["hypersweep.tpe.planned"]
    assert set(planned) == {"kernel", "C", "gamma", "degree"}
    study.tell(trial, 1.0)
    # degree exists on the poly branch only; TPE learns that 4 is best there (1 in 5 at random).
    degrees = [t.params["degree"] for t in study.trials[20:] if "degree" in t.params]
    assert len(degrees) >= 10 and degrees.count(4) >= 0.5 * len(degrees)
    assert study.best_value < 0.2


def test_random_fallback_warns_once_per_parameter_saying_why() -> None:
    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number >= 6:  # a new branch, after the start-up
            k = trial.number
            x += trial.suggest_float("z", k, k + 1)  # its range moves: earlier values never fit
        return x

    study = hs.create_study(sampler=TPESampler(seed=0, n_startup_trials=3))
    with pytest.warns(UserWarning) as record:
        study.optimize(objective, n_trials=12)
    messages = [str(w.message) for w in record if "TPESampler" in str(w.message)]
    assert len(messages) == 1
    assert "'z'" in messages[0] and "no finished trial has suggested it yet" in messages[0]
    quiet = TPESampler(seed=0, n_startup_trials=3, warn_independent_sampling=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hs.create_study(sampler=quiet).optimize(objective, n_trials=8)


def test_parameter_whose_range_changes_is_modelled_on_the_values_that_fit() -> None:
    def objective(trial: Any) -> float:
        a = trial.suggest_float("a", 0.5, 1)
        return (a - 0.8) ** 2 + (trial.suggest_float("b", 0, a) - 0.35) ** 2

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study = _study(TPESampler(seed=0), objective, 50)
    assert study.best_value < 0.01


# -- pruned trials, several objectives, the BOHB hook -------------------------------------------
def test_pruned_trials_rank_after_complete_ones() -> None:
    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        trial.report(x, 0)
        if x > 0.5:
            raise hs.TrialPruned()
        return (x - 0.3) ** 2

    study = _study(TPESampler(seed=0, n_startup_trials=5), objective, 30)
    late = [t.params["x"] for t in study.trials[15:]]
    assert np.mean(np.abs(np.array(late) - 0.3) < 0.15) > 0.6


def _hypervolume_2d(points: np.ndarray, ref: tuple[float, float]) -> float:
    from hypersweep.algorithms.tpe import hypervolume

    return hypervolume(points, np.array(ref))


def test_motpe_beats_random_search_on_hypervolume() -> None:
    def objective(t: Any) -> tuple[float, float]:
        x, y, z = (t.suggest_float(n, 0, 1) for n in "xyz")
        g = 1 + 4 * (y - 0.6) ** 2 + 4 * (z - 0.3) ** 2
        return x * g, (1 - x**0.5) * g

    def hv(sampler: hs.samplers.Sampler) -> float:
        study = _study(sampler, objective, 50, directions=["minimize", "minimize"])
        return _hypervolume_2d(np.array([t.values for t in study.trials]), (2.0, 2.0))

    tpe = [hv(TPESampler(seed=s)) for s in range(3)]
    rnd = [hv(hs.samplers.RandomSampler(seed=s)) for s in range(3)]
    assert np.median(tpe) > np.median(rnd)


def test_observations_callback_chooses_what_the_model_learns() -> None:
    # The objective's value is ignored: the model learns from a user attribute instead.
    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        trial.set_user_attr("loss", (x - 0.8) ** 2)
        return 0.0

    def observe(history: History) -> dict[int, float]:
        return {t.number: t.user_attrs["loss"] for t in history.completed}

    study = _study(TPESampler(seed=0, observations=observe), objective, 40)
    late = np.array([t.params["x"] for t in study.trials[25:]])
    assert np.median(np.abs(late - 0.8)) < 0.1


def test_observations_at_step_uses_the_largest_step_with_enough_reports() -> None:
    from hypersweep.samplers.tpe import observations_at_step

    trials = [
        FrozenTrial(number=i, state=TrialState.PRUNED, intermediate_values={1: float(i)})
        for i in range(4)
    ] + [
        FrozenTrial(
            number=4 + i,
            state=TrialState.COMPLETE,
            values=(9.0,),
            intermediate_values={1: 0.5, 3: float(i)},
        )
        for i in range(2)
    ]
    history = History([StudyDirection.MINIMIZE], trials)
    assert observations_at_step(min_trials=2)(history) == {4: 0.0, 5: 1.0}
    assert observations_at_step(min_trials=3)(history) == {i: float(i) for i in range(4)} | {
        4: 0.5,
        5: 0.5,
    }
    assert observations_at_step(min_trials=7)(history) == {4: 9.0, 5: 9.0}
    assert observations_at_step(3)(history) == {4: 0.0, 5: 1.0}
    with pytest.raises(ValueError, match="min_trials"):
        observations_at_step(min_trials=0)


def test_bohb_style_model_of_one_budget() -> None:
    from hypersweep.samplers.tpe import observations_at_step

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        for step in range(3):
            trial.report((x - 0.7) ** 2 + 1.0 / (step + 1), step)
        return (x - 0.7) ** 2

    sampler = TPESampler(seed=0, observations=observations_at_step(min_trials=10))
    study = _study(sampler, objective, 35)
    assert abs(study.best_params["x"] - 0.7) < 0.05


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_startup_trials": -1}, ValueError),
        ({"n_ei_candidates": 0}, ValueError),
        ({"prior_weight": 0.0}, ValueError),
        ({"good_bandwidth_factor": -1.0}, ValueError),
        ({"gamma": 0.1}, TypeError),
        ({"observations": "all"}, TypeError),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        TPESampler(**kwargs)


def test_callback_returning_wrong_shapes_is_reported() -> None:
    sampler = TPESampler(seed=0, observations=lambda h: {0: (1.0, 2.0)})
    study = hs.create_study(sampler=sampler)
    with pytest.raises(ValueError, match="one value per objective"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1, catch=())
