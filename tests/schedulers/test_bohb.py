"""BOHB: the TPE + HyperBand pairing in ``hypersweep.study.presets``."""

from __future__ import annotations

import statistics

import pytest

import hypersweep as hs
from hypersweep.executors.simulated import SimulatedExecutor, spend
from hypersweep.samplers.tpe import TPESampler
from hypersweep.schedulers.hyperband import HyperBandScheduler
from hypersweep.study.presets import (
    LargestBudgetObservations,
    Pairing,
    RandomFractionSampler,
    bohb,
)

from .test_sha import frozen, history


def test_the_pairing() -> None:
    pair = bohb(1, 27, 3, seed=3, pause=True)
    assert isinstance(pair, Pairing)
    sampler, scheduler = pair
    assert isinstance(scheduler, HyperBandScheduler) and scheduler.pause
    assert not scheduler.asynchronous
    assert isinstance(sampler, RandomFractionSampler) and sampler.fraction == pytest.approx(1 / 3)
    assert isinstance(sampler.inner, TPESampler) and sampler.seed == 3
    observe = sampler.inner.observations
    assert isinstance(observe, LargestBudgetObservations)
    assert observe.budgets == (1, 3, 9, 27)
    assert observe.min_points == 3  # the model starts at 6 configurations, not 2 (d + 1)
    assert bohb(1, 27, 3, min_points_in_model=None).sampler.inner.observations.min_points is None
    study = hs.create_study(**pair._asdict())
    assert study.scheduler is scheduler


def test_model_data_comes_from_the_largest_budget_with_enough_configurations() -> None:
    trials = [frozen(i, [0.1 * i]) for i in range(6)]  # six at step 1
    trials += [frozen(6 + i, [0.5, 0.4, 0.3 - 0.1 * i]) for i in range(4)]  # four at 3
    observe = LargestBudgetObservations((1, 3, 9), min_points=2)  # 2 * 2 needed
    assert observe(history(trials)) == pytest.approx({6: 0.3, 7: 0.2, 8: 0.1, 9: 0.0})
    assert len(LargestBudgetObservations((1, 3, 9), min_points=3)(history(trials))) == 10
    assert LargestBudgetObservations((1, 3, 9), min_points=6)(history(trials)) == {}
    # Default: number of parameters (here one, "x") + 1 = 2.
    default = LargestBudgetObservations((1, 3, 9))
    assert len(default(history(trials))) == 4
    assert [default.good_size(n) for n in (4, 10, 20)] == [2, 2, 2]
    observe = LargestBudgetObservations((1, 3, 9), min_points=1)
    assert len(observe(history(trials))) == 4
    assert observe.good_size(4) == 1  # 15 % of the four at step 3, at least one


def test_configurations_stopped_below_the_budget_join_the_bad_group() -> None:
    trials = [frozen(i, [0.1 * i], hs.TrialState.PRUNED) for i in range(3)]
    trials += [frozen(3 + i, [0.5, 0.4, 0.3 - 0.1 * i]) for i in range(4)]
    trials.append(frozen(7, []))  # running, nothing reported: no opinion yet
    for maximize, worst in ((False, float("inf")), (True, -float("inf"))):
        observed = LargestBudgetObservations((1, 3), min_points=2)(history(trials, maximize))
        assert {n: observed[n] for n in (0, 1, 2)} == {0: worst, 1: worst, 2: worst}
        assert sorted(observed) == list(range(7))
    paper = LargestBudgetObservations((1, 3), min_points=2, stopped_as_bad=False)
    assert sorted(paper(history(trials))) == [3, 4, 5, 6]
    # The good group is a fraction of the configurations that reached the budget only.
    many = [frozen(i, [1.0], hs.TrialState.PRUNED) for i in range(200)]
    many += [frozen(200 + i, [0.5, 0.4, 0.1 * i]) for i in range(40)]
    observe = LargestBudgetObservations((1, 3), min_points=2)
    assert len(observe(history(many))) == 240
    assert observe.good_size(240) == 6  # ceil(0.15 * 40), not 0.15 * 240


def test_a_paused_and_continued_configuration_counts_once() -> None:
    trials = [frozen(i, [0.1 * i], paused=True) for i in range(4)]
    trials.append(frozen(4, [0.0, 0.05, 0.04], attrs={"lineage": 0, "resume_from": 0}))
    observed = LargestBudgetObservations((1, 3), min_points=2)(history(trials))
    assert observed == pytest.approx({4: 0.0, 1: 0.1, 2: 0.2, 3: 0.3})


def test_random_fraction_is_a_function_of_seed_and_number() -> None:
    inner = hs.samplers.RandomSampler(seed=7)
    sampler = RandomFractionSampler(inner, 0.4)
    flags = [sampler.is_random(n) for n in range(400)]
    assert flags == [RandomFractionSampler(inner, 0.4).is_random(n) for n in range(400)]
    assert 0.3 < sum(flags) / 400 < 0.5
    assert not any(RandomFractionSampler(inner, 0.0).is_random(n) for n in range(50))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        RandomFractionSampler(inner, 1.5)
    with pytest.raises(TypeError, match="Sampler"):
        RandomFractionSampler("tpe", 0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min_points"):
        LargestBudgetObservations((1,), min_points=0)
    with pytest.raises(ValueError, match="top_fraction"):
        LargestBudgetObservations((1,), top_fraction=1.0)


def _objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -4.0, 4.0)
    y = trial.suggest_float("y", -4.0, 4.0)
    state = trial.load_checkpoint()
    start = 1 if state is None else state + 1
    value = 0.0
    for step in range(start, 10):
        spend(1.0)
        value = (x - 1.0) ** 2 + (y + 2.0) ** 2 + 2.0 / step
        trial.report(value, step)
        if trial.should_prune():
            if trial.paused:
                trial.save_checkpoint(step)
            raise hs.TrialPruned()
    return value


@pytest.mark.parametrize("pause", [False, True], ids=["stop", "pause"])
def test_the_model_steers_new_configurations(pause: bool) -> None:
    sampler, scheduler = bohb(1, 9, 3, seed=0, pause=pause)
    study = hs.create_study(sampler=sampler, scheduler=scheduler)
    study.optimize(_objective, n_trials=68, n_jobs=2, executor=SimulatedExecutor(), catch=())
    roots = [t for t in study.trials if "lineage" not in t.system_attrs]

    def distance(t: hs.FrozenTrial) -> float:
        return float(((t.params["x"] - 1.0) ** 2 + (t.params["y"] + 2.0) ** 2) ** 0.5)

    # After the first HyperBand cycle (17 configurations) the model has data.
    model = [distance(t) for t in roots[17:] if not sampler.is_random(t.number)]
    random = [distance(t) for t in roots if sampler.is_random(t.number)]
    assert statistics.median(model) < 0.8 * statistics.median(random)
    # And it finds a better configuration than HyperBand with random sampling.
    plain = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=HyperBandScheduler(1, 9, 3, pause=pause),
    )
    plain.optimize(_objective, n_trials=68, n_jobs=2, executor=SimulatedExecutor(), catch=())
    assert study.best_value < plain.best_value
