"""BlendSearchSampler: conformance, global and local threads, workers, determinism."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep.samplers import BlendSearchSampler
from hypersweep.testing import check_sampler

from .test_cfo import LOW, _rounded, _state, fresh_process_trials, quad

ATTR = "hypersweep.blendsearch"


def _threads(study: hs.Study) -> Counter[int]:
    return Counter(t.system_attrs[ATTR]["thread"] for t in study.trials)


def test_conformance() -> None:
    check_sampler(
        lambda seed: BlendSearchSampler(cost_attr="@trials", seed=seed), multi_objective=False
    )


def test_conformance_over_other_global_samplers() -> None:
    check_sampler(
        lambda seed: BlendSearchSampler(
            hs.samplers.RandomSampler(seed=seed), cost_attr="@trials", seed=seed
        ),
        multi_objective=False,
    )


def test_a_global_sampler_with_shared_state_keeps_it_inside() -> None:
    def rastrigin(t: Any) -> float:
        z = np.array([t.suggest_float(f"x{i}", -5.12, 5.12) for i in range(2)])
        return float(20 + np.sum(z**2 - 10 * np.cos(2 * np.pi * z)))

    sampler = BlendSearchSampler(
        hs.samplers.CmaEsSampler(seed=0, popsize=4),
        low_cost_partial_config={"x0": -5.0},
        cost_attr="@trials",
        seed=0,
    )
    assert sampler.shared_state_key == "blendsearch"
    study = hs.create_study(sampler=sampler)
    study.optimize(rastrigin, n_trials=120)
    state = _state(study, "blendsearch")
    assert state.global_blob is not None  # CMA-ES's generations live in our blob
    assert sum("hypersweep.cmaes" in t.system_attrs for t in study.trials) > 10
    assert _threads(study)[0] > 10 and study.best_value < 2.0


def test_golden_history() -> None:
    sampler = BlendSearchSampler(low_cost_partial_config=LOW, cost_attr="cost", seed=0)
    study = hs.create_study(sampler=sampler)
    study.optimize(quad, n_trials=5)
    assert _rounded(study) == [
        {"n_estimators": 4, "learning_rate": 0.674237},
        {"n_estimators": 4, "learning_rate": 0.985039},
        {"n_estimators": 5, "learning_rate": 0.005006},  # global: lr is free, n_estimators near
        {"n_estimators": 8, "learning_rate": 0.4615},
        {"n_estimators": 4, "learning_rate": 0.524332},
    ]


def test_the_admissible_region_bounds_only_the_low_cost_parameters() -> None:
    """As FLAML's: global proposals may go anywhere in the parameters the low-cost config
    leaves out, but stay near the local searches in the cost-related ones."""
    sampler = BlendSearchSampler(
        hs.samplers.RandomSampler(seed=1), low_cost_partial_config=LOW, cost_attr="cost", seed=0
    )
    study = hs.create_study(sampler=sampler)
    study.optimize(quad, n_trials=60)
    glob = [t for t in study.trials if t.system_attrs[ATTR].get("global")]
    assert len(glob) >= 3
    # n_estimators: at most 0.1 of its unit (log) range beyond every earlier trial's value
    widen = (1000.5 / 3.5) ** 0.1
    for g in glob:
        top = max(t.params["n_estimators"] for t in study.trials[: g.number])
        assert g.params["n_estimators"] <= top * widen + 1

    def unit(lr: float) -> float:
        return float(np.log(lr / 1e-3) / np.log(1000))

    # learning_rate is left free: some global point lies beyond the region's margin
    def outside(g: hs.FrozenTrial) -> bool:
        earlier = [unit(t.params["learning_rate"]) for t in study.trials[: g.number]]
        u = unit(g.params["learning_rate"])
        return u < min(earlier) - 0.1 or u > max(earlier) + 0.1

    assert any(outside(g) for g in glob)


def test_blends_global_and_local_threads() -> None:
    sampler = BlendSearchSampler(low_cost_partial_config=LOW, cost_attr="cost", seed=0)
    study = hs.create_study(sampler=sampler)
    study.optimize(quad, n_trials=100)
    threads = _threads(study)
    assert study.trials[0].params["n_estimators"] == 4
    assert threads[0] > 3  # the global sampler proposed some trials
    assert len(threads) > 2  # and its good points started new local threads
    assert study.best_value < 0.01
    globals_ = [t for t in study.trials if t.system_attrs[ATTR].get("global")]
    assert globals_ and all("inc" not in t.system_attrs[ATTR] for t in globals_)


def test_default_global_sampler_is_tpe() -> None:
    sampler = BlendSearchSampler(seed=5)
    assert isinstance(sampler.base_sampler, hs.samplers.TPESampler)
    assert sampler.seed == 5 and "TPESampler" in repr(sampler)


def test_single_objective_only_and_bad_arguments() -> None:
    with pytest.raises(ValueError, match="single objective"):
        hs.create_study(sampler=BlendSearchSampler(seed=0), directions=["minimize"] * 2)
    with pytest.raises(TypeError, match="Sampler"):
        BlendSearchSampler("tpe")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="low_cost_partial_config"):
        BlendSearchSampler(low_cost_partial_config=4)  # type: ignore[arg-type]


def test_threads_without_duplicates() -> None:
    sampler = BlendSearchSampler(low_cost_partial_config=LOW, cost_attr="cost", seed=0)
    study = hs.create_study(sampler=sampler)
    study.optimize(quad, n_trials=60, n_jobs=4)
    points = [tuple(sorted(t.params.items())) for t in study.trials]
    assert len(set(points)) == len(points)
    owners = [(a["thread"], a["id"]) for t in study.trials if "id" in (a := t.system_attrs[ATTR])]
    assert len(set(owners)) == len(owners)


def test_same_seed_same_trials_in_a_fresh_process() -> None:
    first = fresh_process_trials("blendsearch")
    assert first == fresh_process_trials("blendsearch")
    assert len({tuple(sorted(p.items())) for p in first}) == len(first)


def test_conditional_parameters_follow_the_stated_rule() -> None:
    def objective(t: Any) -> float:
        kind = t.suggest_categorical("kind", ["a", "b"])
        x = t.suggest_float("x", -1, 1)
        extra = t.suggest_float("extra_a", 0, 1) if kind == "a" else 0.5
        return float(x**2 + (extra - 0.2) ** 2 + (kind == "b"))

    sampler = BlendSearchSampler(cost_attr="@trials", seed=1)
    study = hs.create_study(sampler=sampler)
    study.optimize(objective, n_trials=60)
    names = [n for n, _ in _state(study, "blendsearch").space]
    assert names == ["kind", "x"]  # extra_a left the space with the first "b" trial
    # a local trial keeps the incumbent's value of a parameter outside its space
    checked = 0
    for t in study.trials:
        info = t.system_attrs[ATTR]
        if "inc" not in info or "extra_a" in sampler._pool.space_of(info["space"]):
            continue
        inc = study.trials[info["inc"]]
        if "extra_a" in t.params and "extra_a" in inc.params:
            assert t.params["extra_a"] == inc.params["extra_a"]
            checked += 1
    assert checked > 0
    assert study.best_value < 0.05


@pytest.mark.slow
def test_four_process_workers_on_sqlite_share_the_threads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bs.db"
    sampler = BlendSearchSampler(low_cost_partial_config=LOW, cost_attr="cost", seed=0)
    study = hs.create_study(storage=url, study_name="bs", sampler=sampler)
    study.optimize(quad, n_trials=40, n_jobs=4, executor="processes")
    assert len(study.trials) == 40
    owners = [(a["thread"], a["id"]) for t in study.trials if "id" in (a := t.system_attrs[ATTR])]
    assert len(set(owners)) == len(owners) > 10
    points = [tuple(sorted(t.params.items())) for t in study.trials]
    assert len(set(points)) == len(points)
    assert np.isfinite(study.best_value)


def test_pool_merges_a_thread_that_another_reaches() -> None:
    from hypersweep.algorithms.flow2 import Flow2, ThreadStats
    from hypersweep.samplers.cfo.pool import Pool
    from hypersweep.samplers.cfo.state import LocalThread, PoolState

    pool = Pool({}, None, "paper", blend=True)
    state = PoolState()
    near = Flow2(np.array([0.50, 0.50]), 1.0, step0=0.2)
    good = Flow2(np.array([0.55, 0.50]), 0.2, step0=0.2)
    far = Flow2(np.array([0.95, 0.95]), 1.0, step0=0.2)
    state.threads = {
        1: LocalThread(near, ThreadStats(obj_best1=1.0, obj_best2=1.5), 0),
        2: LocalThread(good, ThreadStats(obj_best1=0.2, obj_best2=0.5), 1),
        3: LocalThread(far, ThreadStats(obj_best1=1.0, obj_best2=1.5), 2),
    }
    pool._clean(state, 2)
    assert sorted(state.threads) == [2, 3]  # 1 is reached by 2 and not better: merged
    pool._clean(state, 3)
    assert sorted(state.threads) == [2, 3]  # 3 is out of 2's reach: kept


# -- constraints (FLAML's config_constraints / metric_constraints) -----------------------------
def _xy_sum(params: dict[str, Any]) -> float:
    return float(params["x"] + params["y"])


def _toward_corner(t: hs.Trial) -> float:
    x, y = t.suggest_float("x", 0.0, 1.0), t.suggest_float("y", 0.0, 1.0)
    return (x - 1) ** 2 + (y - 1) ** 2


def _toward_big_memory(t: hs.Trial) -> float:
    x, y = t.suggest_float("x", 0.0, 1.0), t.suggest_float("y", 0.0, 1.0)
    t.set_user_attr("mem", x)  # feasible: mem <= 0.5; constrained optimum (0.5, 0.5): 0.16
    return (x - 0.9) ** 2 + (y - 0.5) ** 2


@pytest.mark.parametrize("seed", [0, 1])
def test_config_constraints_are_never_violated(seed: int) -> None:
    def run(constraints: Any) -> hs.Study:
        sampler = BlendSearchSampler(
            low_cost_partial_config={"x": 0.0, "y": 0.0},
            cost_attr="@trials",
            seed=seed,
            config_constraints=constraints,
        )
        study = hs.create_study(sampler=sampler)
        study.optimize(_toward_corner, n_trials=60)
        return study

    study = run([(_xy_sum, "<=", 1.2)])
    assert max(_xy_sum(t.params) for t in study.trials) <= 1.2
    assert study.best_value < 0.35  # the constrained optimum is 0.32 at (0.6, 0.6)
    free = run(None)  # without the constraint the search does cross the line
    assert max(_xy_sum(t.params) for t in free.trials) > 1.2


@pytest.mark.parametrize("cls", [BlendSearchSampler, hs.samplers.CFOSampler])
def test_metric_constraints_pull_the_search_to_the_feasible_optimum(cls: Any) -> None:
    def run(constraints: Any) -> hs.Study:
        sampler = cls(
            low_cost_partial_config={"x": 0.0},
            cost_attr="@trials",
            seed=0,
            metric_constraints=constraints,
        )
        study = hs.create_study(sampler=sampler)
        study.optimize(_toward_big_memory, n_trials=80)
        return study

    def late_x(study: hs.Study) -> float:
        return float(np.median([t.params["x"] for t in study.trials[-30:]]))

    study = run([("mem", "<=", 0.5)])
    feasible = [t.value for t in study.trials if t.user_attrs["mem"] <= 0.5]
    assert min(v for v in feasible if v is not None) < 0.17
    assert 0.45 < late_x(study) < 0.55  # hovers on the constraint's boundary
    assert late_x(run(None)) > 0.8  # unconstrained it goes to x = 0.9


def test_constraints_keep_runs_reproducible() -> None:
    def params() -> list[dict[str, Any]]:
        sampler = BlendSearchSampler(
            low_cost_partial_config={"x": 0.0, "y": 0.0},
            cost_attr="@trials",
            seed=4,
            config_constraints=[(_xy_sum, "<=", 1.2)],
            metric_constraints=[("mem", "<=", 0.5)],
        )
        study = hs.create_study(sampler=sampler)
        study.optimize(_toward_big_memory, n_trials=30)
        return [t.params for t in study.trials]

    assert params() == params()


def test_bad_constraints() -> None:
    with pytest.raises(ValueError, match="sign"):
        BlendSearchSampler(config_constraints=[(_xy_sum, "==", 1.0)])
    with pytest.raises(TypeError, match="callable"):
        BlendSearchSampler(config_constraints=[("x", "<=", 1.0)])
    with pytest.raises(ValueError, match="sign"):
        BlendSearchSampler(metric_constraints=[("mem", "<", 1.0)])  # FLAML: <= or >= only
    with pytest.raises(TypeError, match="user attribute"):
        BlendSearchSampler(metric_constraints=[(3, "<=", 1.0)])
    with pytest.raises(TypeError, match="threshold"):
        hs.samplers.CFOSampler(metric_constraints=[("mem", "<=", "big")])
    with pytest.raises(TypeError, match="triple"):
        hs.samplers.CFOSampler(metric_constraints=["mem"])


def test_a_start_that_cannot_satisfy_the_config_constraints_is_an_error() -> None:
    sampler = hs.samplers.CFOSampler(
        {"x": 0.0}, cost_attr="@trials", seed=0, config_constraints=[(_xy_sum, ">", 5.0)]
    )
    study = hs.create_study(sampler=sampler)
    with pytest.raises(ValueError, match="config_constraints"):
        study.optimize(_toward_corner, n_trials=3, catch=())


def test_global_share_is_a_floor_on_the_global_samplers_trials() -> None:
    def count_global(share: float) -> int:
        sampler = BlendSearchSampler(cost_attr="@trials", seed=0, global_share=share)
        study = hs.create_study(sampler=sampler)
        study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=60)
        attrs = [t.system_attrs["hypersweep.blendsearch"] for t in study.trials]
        return sum(a["thread"] == 0 for a in attrs)

    plain, half = count_global(0.0), count_global(0.5)
    assert plain < 20 and half >= 30  # the floor: >= half of the trials
    for bad, error in ((1.0, ValueError), (-0.1, ValueError), ("0.5", TypeError)):
        with pytest.raises(error):
            BlendSearchSampler(global_share=bad)  # type: ignore[arg-type]
