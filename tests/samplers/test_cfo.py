"""CFOSampler: conformance, the low-cost start, convergence, cost, workers, determinism."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep.samplers import CFOSampler
from hypersweep.samplers.cfo.state import PoolState, load_state
from hypersweep.testing import check_sampler

LOW = {"n_estimators": 4}


def quad(t: Any) -> float:
    """A cost-related quadratic: the cost is ``n_estimators``, the optimum at (200, 0.1)."""
    n = t.suggest_int("n_estimators", 4, 1000, log=True)
    lr = t.suggest_float("learning_rate", 1e-3, 1.0, log=True)
    t.set_user_attr("cost", float(n))
    return float((np.log(n) - np.log(200)) ** 2 + (np.log(lr) - np.log(0.1)) ** 2)


def _state(study: hs.Study, key: str = "cfo") -> PoolState:
    stored = study.storage.get_study_state(study._study_id, key)
    assert stored is not None
    return load_state(stored.data)


def _rounded(study: hs.Study) -> list[dict[str, Any]]:
    return [
        {k: round(v, 6) if isinstance(v, float) else v for k, v in t.params.items()}
        for t in study.trials
    ]


def test_conformance() -> None:
    check_sampler(lambda seed: CFOSampler(seed=seed), multi_objective=False)


def test_conformance_with_the_flaml_rule_and_a_reported_cost() -> None:
    # (the suite runs one factory on two objectives with different names, so no
    # low_cost_partial_config here: its names are checked against the objective)
    check_sampler(
        lambda seed: CFOSampler(cost_attr="@trials", seed=seed, shrink="flaml"),
        multi_objective=False,
    )


def test_golden_history() -> None:
    study = hs.create_study(sampler=CFOSampler(LOW, cost_attr="cost", seed=0))
    study.optimize(quad, n_trials=5)
    assert _rounded(study) == [
        {"n_estimators": 4, "learning_rate": 0.674237},
        {"n_estimators": 4, "learning_rate": 0.985039},
        {"n_estimators": 8, "learning_rate": 0.4615},
        {"n_estimators": 9, "learning_rate": 0.174279},
        {"n_estimators": 4, "learning_rate": 0.198006},
    ]


def test_starts_cheap_and_converges_on_a_quadratic() -> None:
    study = hs.create_study(sampler=CFOSampler(LOW, seed=0))
    study.optimize(quad, n_trials=80)
    assert study.trials[0].params["n_estimators"] == 4
    assert study.best_value < 0.01
    # the cost grows along the path: the first ten trials stay cheap
    assert max(t.params["n_estimators"] for t in study.trials[:10]) < 60


def _cost_to(study: hs.Study, target: float) -> float:
    spent = 0.0
    for t in study.trials:
        spent += t.user_attrs["cost"]
        if t.value is not None and t.value <= target:
            return spent
    return float("inf")


def test_spends_less_than_random_search_to_reach_a_target() -> None:
    cfo, rnd = [], []
    for seed in range(5):
        a = hs.create_study(sampler=CFOSampler(LOW, cost_attr="cost", seed=seed))
        a.optimize(quad, n_trials=100)
        b = hs.create_study(sampler=hs.samplers.RandomSampler(seed=seed))
        b.optimize(quad, n_trials=100)
        cfo.append(_cost_to(a, 0.1))
        rnd.append(_cost_to(b, 0.1))
    assert np.median(cfo) < 0.5 * np.median(rnd)


def test_restarts_from_a_perturbed_start_when_converged() -> None:
    def small(t: Any) -> float:
        return float((t.suggest_int("a", 0, 4) - 2) ** 2 + (t.suggest_int("b", 0, 4) - 1) ** 2)

    study = hs.create_study(sampler=CFOSampler({"a": 0, "b": 0}, seed=0))
    study.optimize(small, n_trials=60)
    assert study.best_value == 0
    assert _state(study).run >= 1
    starts = [t for t in study.trials if t.system_attrs["hypersweep.cfo"].get("start")]
    assert len(starts) >= 2 and starts[1].system_attrs["hypersweep.cfo"]["perturb"]


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="low_cost_partial_config"):
        CFOSampler([("n", 4)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="names"):
        CFOSampler({4: 4})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="shrink"):
        CFOSampler(shrink="fast")
    with pytest.raises(TypeError, match="cost_attr"):
        CFOSampler(cost_attr=3)  # type: ignore[arg-type]


def test_a_low_cost_value_outside_its_distribution_is_an_error() -> None:
    study = hs.create_study(sampler=CFOSampler({"n_estimators": 2000}, seed=0))
    with pytest.raises(ValueError, match="n_estimators"):
        study.optimize(quad, n_trials=2, catch=())


def test_an_unknown_low_cost_name_is_an_error_once_a_trial_finished() -> None:
    study = hs.create_study(sampler=CFOSampler({"n_estimator": 4}, seed=0))
    with pytest.raises(ValueError, match="n_estimator"):
        study.optimize(quad, n_trials=3, catch=())


def test_a_missing_cost_attribute_is_an_error() -> None:
    study = hs.create_study(sampler=CFOSampler(LOW, cost_attr="flops", seed=0))
    with pytest.raises(ValueError, match="flops"):
        study.optimize(quad, n_trials=3, catch=())


def test_single_objective_only() -> None:
    with pytest.raises(ValueError, match="single objective"):
        hs.create_study(sampler=CFOSampler(seed=0), directions=["minimize", "minimize"])


def test_pickles_and_keeps_its_spec() -> None:
    sampler = CFOSampler(LOW, cost_attr="cost", seed=3)
    clone = pickle.loads(pickle.dumps(sampler))
    assert clone.low_cost_partial_config == LOW and clone.seed == 3


def test_threads_share_one_search_without_duplicates() -> None:
    study = hs.create_study(sampler=CFOSampler(LOW, cost_attr="cost", seed=0))
    study.optimize(quad, n_trials=60, n_jobs=4)
    points = [tuple(sorted(t.params.items())) for t in study.trials]
    assert len(set(points)) == len(points)
    owners = [
        (a["thread"], a["id"])
        for t in study.trials
        if "id" in (a := t.system_attrs["hypersweep.cfo"])
    ]
    assert len(set(owners)) == len(owners)
    assert study.best_value < 0.1


_SCRIPT = """
import json, sys
import numpy as np
import hypersweep as hs
def quad(t):
    n = t.suggest_int("n_estimators", 4, 1000, log=True)
    lr = t.suggest_float("learning_rate", 1e-3, 1.0, log=True)
    t.set_user_attr("cost", float(n))
    return float((np.log(n) - np.log(200)) ** 2 + (np.log(lr) - np.log(0.1)) ** 2)
kind = sys.argv[1]
if kind == "cfo":
    sampler = hs.samplers.CFOSampler({"n_estimators": 4}, cost_attr="cost", seed=7)
else:
    sampler = hs.samplers.BlendSearchSampler(
        low_cost_partial_config={"n_estimators": 4}, cost_attr="cost", seed=7)
study = hs.create_study(sampler=sampler)
study.optimize(quad, n_trials=40)
print(json.dumps([t.params for t in study.trials]))
"""


def fresh_process_trials(kind: str) -> list[dict[str, Any]]:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, kind], capture_output=True, text=True, check=True
    )
    trials: list[dict[str, Any]] = json.loads(out.stdout.strip().splitlines()[-1])
    return trials


def test_same_seed_same_trials_in_a_fresh_process() -> None:
    assert fresh_process_trials("cfo") == fresh_process_trials("cfo")


@pytest.mark.slow
def test_four_process_workers_on_sqlite_share_the_threads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cfo.db"
    sampler = CFOSampler(LOW, cost_attr="cost", seed=0)
    study = hs.create_study(storage=url, study_name="cfo", sampler=sampler)
    study.optimize(quad, n_trials=40, n_jobs=4, executor="processes")
    assert len(study.trials) == 40
    attrs = [t.system_attrs["hypersweep.cfo"] for t in study.trials]
    owners = [(a["thread"], a["id"]) for a in attrs if "id" in a]
    assert len(set(owners)) == len(owners) > 20  # every proposal went to exactly one trial
    state = _state(study)
    assert len(state.owners) <= 4 and len(state.threads) <= 1  # told at the next start
    points = [tuple(sorted(t.params.items())) for t in study.trials]
    assert len(set(points)) == len(points)


def test_declarative_front_door() -> None:
    space = {"n_estimators": hs.lograndint(4, 1001), "learning_rate": hs.loguniform(1e-3, 1.0)}

    def train(config: dict[str, Any]) -> float:
        n, lr = config["n_estimators"], config["learning_rate"]
        return float((np.log(n) - np.log(200)) ** 2 + (np.log(lr) - np.log(0.1)) ** 2)

    sampler = CFOSampler({"n_estimators": 4}, seed=0)
    result = hs.tune(train, space, metric="loss", mode="min", num_samples=60, sampler=sampler)
    assert result.results[0]["config"]["n_estimators"] == 4
    assert result.best_result["loss"] < 0.05


def test_with_a_pruning_scheduler() -> None:
    def curve(t: Any) -> float:
        value = quad(t)
        for step in range(1, 5):
            t.report(value + 1.0 / step, step)
            if t.should_prune():
                raise hs.TrialPruned()
        return value

    study = hs.create_study(
        sampler=CFOSampler(LOW, cost_attr="cost", seed=0),
        scheduler=hs.schedulers.ASHAScheduler(1, 4, 2),
    )
    study.optimize(curve, n_trials=60)
    states = {t.state.name for t in study.trials}
    assert "PRUNED" in states and study.best_value < 0.5


def test_the_reserved_keys_are_registered() -> None:
    from hypersweep.trial import keys

    assert CFOSampler.shared_state_key == keys.CFO_STATE in keys.STUDY_STATES
    assert hs.samplers.BlendSearchSampler().shared_state_key == keys.BLENDSEARCH_STATE
    assert keys.BLENDSEARCH_STATE in keys.STUDY_STATES
    assert {keys.CFO_PROPOSAL, keys.BLENDSEARCH_PROPOSAL} <= keys.TRIAL_SYSTEM_ATTRS
    study = hs.create_study(sampler=CFOSampler(LOW, cost_attr="cost", seed=0))
    study.optimize(quad, n_trials=3)
    assert all(keys.CFO_PROPOSAL in t.system_attrs for t in study.trials)


def test_the_row_encoder_matches_the_unit_box_encoder() -> None:
    """The per-trial fast path encodes exactly as ``UnitBoxEncoder`` (bit for bit)."""
    from hypersweep.samplers.cfo.space import RowEncoder
    from hypersweep.space import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
        UnitBoxEncoder,
    )

    space = {
        "a": FloatDistribution(1e-4, 1.0, log=True),
        "b": FloatDistribution(-3.0, 5.0),
        "c": FloatDistribution(0.0, 1.0, step=0.1),
        "d": IntDistribution(4, 512, log=True),
        "e": IntDistribution(2, 64),
        "f": CategoricalDistribution(["x", "y", "z"]),
        "g": IntDistribution(3, 30, step=3),
        "h": FloatDistribution(2.0, 2.0),
    }
    reference, fast = UnitBoxEncoder(space), RowEncoder(space)
    rng = np.random.default_rng(0)
    for _ in range(500):
        params = reference.decode_row(rng.random(len(space)))
        assert reference.encode_row(params).tobytes() == fast(params).tobytes()


def test_trials_added_without_the_sampler_narrow_the_space() -> None:
    """A COMPLETE trial added with ``add_trial`` (never proposed by the pool) still counts
    for the searched space: it lacks ``learning_rate``, so the local search moves
    ``n_estimators`` alone and keeps the incumbent's learning rate."""
    study = hs.create_study(sampler=CFOSampler(LOW, cost_attr="cost", seed=0))
    study.optimize(quad, n_trials=2)
    n_dist = study.trials[0].distributions["n_estimators"]
    study.add_trial(
        hs.create_trial(
            value=50.0,
            params={"n_estimators": 30},
            distributions={"n_estimators": n_dist},
            user_attrs={"cost": 1.0},
        )
    )
    study.optimize(quad, n_trials=10)
    later = study.trials[3:]
    lrs = {t.params["learning_rate"] for t in later}
    assert len({t.params["n_estimators"] for t in later}) > 1 and len(lrs) <= 2
