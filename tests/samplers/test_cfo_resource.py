"""The resource dimension of CFO and BlendSearch: a sample size grown x4 around the incumbent."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep.algorithms.flow2 import Flow2, ResourceLadder
from hypersweep.samplers import BlendSearchSampler, CFOSampler

LADDER = ResourceLadder(100, 10_000, 4)
RESOURCE: dict[str, Any] = {
    "resource_attr": "n_samples",
    "min_resource": 100,
    "max_resource": 10_000,
}


def sampled(t: Any) -> float:
    """A fit on ``n_samples`` rows: the cost grows with them, the loss falls with them."""
    n = t.suggest_int("n_samples", 100, 10_000)
    x = t.suggest_float("x", 0.0, 1.0)
    y = t.suggest_float("y", 0.0, 1.0)
    t.set_user_attr("cost", n / 100.0)
    return float((x - 0.7) ** 2 + (y - 0.2) ** 2 + 1.0 / np.sqrt(n))


def _cost(t: hs.trial.FrozenTrial) -> float:
    return float(t.user_attrs["cost"])


# -- the ladder and FLOW2's hold -------------------------------------------------------------
def test_the_ladder_multiplies_and_jumps_to_the_maximum() -> None:
    assert LADDER.rungs() == (100.0, 400.0, 1600.0, 10_000.0)  # 6400 -> would leave < x4
    assert ResourceLadder(1, 64, 4).rungs() == (1.0, 4.0, 16.0, 64.0)
    assert ResourceLadder(0.1, 1.0, 2).rungs() == (0.1, 0.2, 0.4, 1.0)
    assert ResourceLadder(50, 100, 4).start() == 100.0  # one factor overshoots: the maximum


def test_the_growth_rule() -> None:
    assert not LADDER.should_grow(100, cost_spent=3.9, n_spent=3, cost_incumbent=1.0)
    assert LADDER.should_grow(100, cost_spent=4.0, n_spent=3, cost_incumbent=1.0)
    assert not LADDER.should_grow(100, cost_spent=4.0, n_spent=0, cost_incumbent=1.0)
    assert not LADDER.should_grow(10_000, cost_spent=99.0, n_spent=9, cost_incumbent=1.0)


@pytest.mark.parametrize(
    ("args", "error"),
    [((0, 10, 4), ValueError), ((10, 10, 4), ValueError), ((1, 10, 1), ValueError)],
)
def test_bad_ladders(args: tuple[float, float, float], error: type[Exception]) -> None:
    with pytest.raises(error):
        ResourceLadder(*args)
    with pytest.raises(TypeError):
        ResourceLadder("1", 10, 4)  # type: ignore[arg-type]


def test_a_held_search_never_shrinks_and_rebase_restarts_the_count() -> None:
    search = Flow2(np.array([0.5, 0.5]), 0.0)  # nothing improves on 0
    search.hold = True
    step = search.step
    rng = np.random.default_rng(0)
    for _ in range(100):
        p = search.ask(rng, force=True)
        assert p is not None
        search.tell(p.id, 1.0)
    assert search.step == step and not search.converged
    search.hold = False
    search.rebase(0.5)  # the incumbent at a larger resource
    assert search.best_value == 0.5 and search.n_proposed == 0
    for _ in range(20):
        p = search.ask(rng)
        assert p is not None
        search.tell(p.id, 1.0)
    assert search.step < step  # the 2**2 = 4 proposals rule applies again


# -- the samplers ------------------------------------------------------------------------------
def test_starts_at_the_minimum_grows_by_the_rule_and_stops_at_the_maximum() -> None:
    """Replays the stated rule on the trials: a trial's resource grows (x4, last rung to the
    maximum) exactly when the results since the incumbent cost >= 4 x the incumbent's cost;
    a grown trial is the incumbent itself, and its value is the incumbent's from then on."""
    study = hs.create_study(sampler=CFOSampler(cost_attr="cost", seed=0, **RESOURCE))
    study.optimize(sampled, n_trials=80)
    trials = study.trials
    assert trials[0].params["n_samples"] == 100
    inc = trials[0]
    resource, spent, n_spent, grown = 100.0, 0.0, 0, 0
    for t in trials[1:]:
        rule = resource < 10_000 and n_spent > 0 and spent >= 4 * _cost(inc)
        assert (t.params["n_samples"] != resource) == rule, t.number
        if rule:
            assert t.params["n_samples"] == LADDER.up(resource)
            assert (t.params["x"], t.params["y"]) == (inc.params["x"], inc.params["y"])
            resource, inc, spent, n_spent, grown = LADDER.up(resource), t, 0.0, 0, grown + 1
        elif t.value is not None and inc.value is not None and t.value < inc.value:
            inc, spent, n_spent = t, 0.0, 0
        else:
            spent, n_spent = spent + _cost(t), n_spent + 1
    assert grown == 3 and resource == 10_000
    assert max(t.params["n_samples"] for t in trials) == 10_000
    assert abs(study.best_params["x"] - 0.7) < 0.02 and study.best_params["n_samples"] == 10_000


@pytest.mark.parametrize("cls", [CFOSampler, BlendSearchSampler])
def test_same_seed_same_trials(cls: Any) -> None:
    def run() -> list[Any]:
        study = hs.create_study(sampler=cls(cost_attr="cost", seed=3, **RESOURCE))
        study.optimize(sampled, n_trials=60)
        return [t.params for t in study.trials]

    first = run()
    assert first == run()
    assert {p["n_samples"] for p in first} <= set(LADDER.rungs())
    assert len({p["n_samples"] for p in first}) > 2


def test_blendsearch_runs_global_proposals_at_the_minimum() -> None:
    sampler = BlendSearchSampler(cost_attr="cost", seed=0, **RESOURCE)
    study = hs.create_study(sampler=sampler)
    study.optimize(sampled, n_trials=80)
    info = [t.system_attrs["hypersweep.blendsearch"] for t in study.trials]
    global_ = [t for t, i in zip(study.trials, info, strict=True) if i.get("global")]
    assert global_ and all(t.params["n_samples"] == 100 for t in global_)
    assert max(t.params["n_samples"] for t in study.trials) == 10_000


def test_a_thread_never_merges_into_one_at_a_smaller_resource() -> None:
    from hypersweep.algorithms.flow2 import ThreadStats
    from hypersweep.samplers.cfo.pool import _reaches
    from hypersweep.samplers.cfo.state import LocalThread

    def thread(resource: float) -> LocalThread:
        return LocalThread(Flow2(np.array([0.5, 0.5]), 0.0), ThreadStats(), 0, resource)

    assert _reaches(thread(100), thread(400)) and _reaches(thread(400), thread(400))
    assert not _reaches(thread(400), thread(100))


def test_declarative_front_door_and_a_pruning_scheduler() -> None:
    space = {"n_samples": hs.randint(100, 10_001), "x": hs.uniform(0, 1), "y": hs.uniform(0, 1)}

    def train(config: dict[str, Any]) -> dict[str, float]:
        n = config["n_samples"]
        loss = (config["x"] - 0.7) ** 2 + (config["y"] - 0.2) ** 2 + 1.0 / np.sqrt(n)
        return {"loss": loss, "cost": n / 100.0}

    sampler = CFOSampler(seed=0, **RESOURCE)
    result = hs.tune(train, space, metric="loss", mode="min", num_samples=60, sampler=sampler)
    sizes = [r["config"]["n_samples"] for r in result.results]
    assert sizes[0] == 100 and max(sizes) == 10_000 and set(sizes) <= set(LADDER.rungs())

    def rounds(t: Any) -> float:  # the sampler grows the rows, ASHA stops bad fits early
        value = sampled(t)
        for step in range(1, 5):
            t.report(value + 1.0 / step, step)
            if t.should_prune():
                raise hs.TrialPruned()
        return value

    study = hs.create_study(
        sampler=CFOSampler(cost_attr="cost", seed=0, **RESOURCE),
        scheduler=hs.schedulers.ASHAScheduler(1, 4, 2),
    )
    study.optimize(rounds, n_trials=60)
    assert {t.state.name for t in study.trials} >= {"PRUNED", "COMPLETE"}
    assert max(t.params["n_samples"] for t in study.trials) > 100


def test_threads_share_the_resource_without_duplicates() -> None:
    study = hs.create_study(sampler=CFOSampler(cost_attr="cost", seed=0, **RESOURCE))
    study.optimize(sampled, n_trials=60, n_jobs=4)
    points = [tuple(sorted(t.params.items())) for t in study.trials]
    assert len(set(points)) == len(points)
    assert {t.params["n_samples"] for t in study.trials} <= set(LADDER.rungs())


def test_bad_resource_arguments() -> None:
    with pytest.raises(ValueError, match="need resource_attr"):
        CFOSampler(max_resource=10)
    with pytest.raises(ValueError, match="max_resource"):
        CFOSampler(resource_attr="n")
    with pytest.raises(ValueError, match="min_resource"):
        CFOSampler({"n": 4}, resource_attr="n", max_resource=10)
    with pytest.raises(ValueError, match="reduction_factor"):
        CFOSampler(resource_attr="n", min_resource=1, max_resource=10, reduction_factor=1)
    assert CFOSampler(resource_attr="n", max_resource=1024).ladder == ResourceLadder(1, 1024, 4)


def test_a_resource_the_objective_does_not_suggest_or_cannot_hold_is_an_error() -> None:
    def other(t: Any) -> float:
        return float(t.suggest_float("x", 0, 1))

    study = hs.create_study(sampler=CFOSampler(seed=0, **RESOURCE))
    with pytest.raises(ValueError, match="never suggested"):
        study.optimize(other, n_trials=3)

    def narrow(t: Any) -> float:
        return float(t.suggest_int("n_samples", 200, 10_000) + t.suggest_float("x", 0, 1))

    study = hs.create_study(sampler=CFOSampler(seed=0, **RESOURCE))
    study.optimize(narrow, n_trials=3)  # raised inside the objective: the trials fail
    assert all("takes the values" in str(t.fail_reason) for t in study.trials)
