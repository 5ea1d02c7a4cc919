"""AutoSampler and AutoScheduler: golden decisions, hand-over, reproducibility, explain."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import hypersweep as hs
from hypersweep.samplers.auto import rules
from hypersweep.samplers.auto.rules import Budget, choose
from hypersweep.samplers.auto.start import LatinStartSampler
from hypersweep.schedulers import AutoScheduler
from hypersweep.space import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersweep.testing import check_sampler
from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState, keys

MIN = (StudyDirection.MINIMIZE,)
F = FloatDistribution(0.0, 1.0)
I8 = IntDistribution(1, 8)
C3 = CategoricalDistribution(["a", "b", "c"])


def _trial(number, dists, *, state=TrialState.COMPLETE, value=None, seconds=0.01):
    params = {n: d.from_unit_scalar(0.3) for n, d in dists.items()}
    start = dt.datetime(2026, 1, 1)
    return FrozenTrial(
        number=number,
        state=state,
        values=None if state is TrialState.RUNNING else [value if value is not None else number],
        params=params,
        distributions=dists,
        datetime_start=start,
        datetime_complete=None
        if state is TrialState.RUNNING
        else start + dt.timedelta(seconds=seconds),
    )


def _history(dists_per_trial, directions=MIN, **kwargs):
    return History(directions, [_trial(i, d, **kwargs) for i, d in enumerate(dists_per_trial)])


def _phase(history, number, n_trials):
    return choose(history, FrozenTrial(number, TrialState.RUNNING), Budget(n_trials=n_trials))


# -- golden decisions -----------------------------------------------------------------------
def test_start_size_follows_the_budget():
    assert [rules.start_size(Budget(n_trials=n)) for n in (5, 10, 20, 50, 300)] == [
        3,
        3,
        4,
        10,
        10,
    ]
    assert rules.start_size(Budget()) == 10


@pytest.mark.parametrize(
    ("space", "n_trials", "number", "phase", "words"),
    [
        ({"x": F, "y": F}, 100, 5, "start", "Latin hypercube start (10 points, budget 100)"),
        ({"x": F, "y": F}, 100, 10, "gp", "2 continuous parameters"),
        ({"x": F, "n": I8, "c": C3}, 100, 12, "gp", "1 continuous + 1 integer + 1 categorical"),
        ({"n": I8}, 100, 12, "grid", "grid over the 8 values"),
        ({"n": IntDistribution(1, 500)}, 100, 12, "gp", "1 integer parameter"),
        ({f"x{i}": F for i in range(25)}, 100, 12, "tpe", "more than 20"),
        ({f"x{i}": F for i in range(25)}, 1000, 12, "cmaes", "long budget"),
        ({"x": F, "y": F}, 300, 250, "gp", "GP"),  # 300: the GP to the end
        ({"x": F, "y": F}, 1000, 599, "gp", "GP"),
        ({"x": F, "y": F}, 1000, 600, "cmaes", "warm-started from the GP's best region"),
        ({"x": F, "c": C3}, 1000, 800, "gp", "GP"),  # no CMA-ES with a categorical
        ({"x": F, "y": F}, 10, 3, "gp", "GP"),  # 10 trials: a start of 3, then the GP
    ],
)
def test_golden_decisions(space, n_trials, number, phase, words):
    history = _history([space] * 10)
    choice = _phase(history, number, n_trials)
    assert choice.phase == phase
    assert words in choice.reason


def test_conditional_space_goes_to_tpe():
    history = _history([{"x": F, "k": C3}, {"x": F, "k": C3, "y": F}] * 6)
    choice = _phase(history, 12, 100)
    assert (choice.phase, choice.reason) == (
        "tpe",
        "TPE (conditional space: parameters come and go)",
    )


def test_multi_objective_goes_to_tpe():
    two = (StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE)
    history = History(
        two,
        [FrozenTrial(i, TrialState.COMPLETE, [i, -i], {"x": 0.1}, {"x": F}) for i in range(10)],
    )
    assert _phase(history, 10, 100).reason == "TPE (2 objectives)"


def test_mostly_pruned_goes_to_tpe():
    trials = [_trial(i, {"x": F, "y": F}) for i in range(4)] + [
        _trial(i, {"x": F, "y": F}, state=TrialState.PRUNED) for i in range(4, 12)
    ]
    assert _phase(History(MIN, trials), 12, 100).phase == "tpe"


def test_cost_gate_leaves_the_gp_when_it_would_dominate():
    # 5,000 cheap trials: the GP's projected time (minutes) would dwarf the objective's.
    cheap = _history([{"x": F, "c": C3}] * 12, seconds=0.001)
    assert _phase(cheap, 12, 5000).reason == "TPE (GP time would dominate the trials' time)"
    numeric = _history([{"x": F}] * 12, seconds=0.001)
    assert _phase(numeric, 12, 5000).phase == "cmaes"
    # The same budget of hour-long trials keeps the GP.
    slow = _history([{"x": F, "c": C3}] * 12, seconds=3600)
    assert _phase(slow, 12, 5000).phase == "gp"


def test_first_trial_is_a_start_trial_without_a_budget():
    empty = History(MIN, [])
    choice = choose(empty, FrozenTrial(0, TrialState.RUNNING), Budget())
    assert choice == rules.Choice("start", "Latin hypercube start (10 points)")


# -- the start ------------------------------------------------------------------------------
def test_latin_start_puts_one_point_in_each_stratum_of_every_parameter():
    sampler = LatinStartSampler(size=10, seed=3)
    for name in ("x", "lr", "depth"):
        strata = sorted(int(sampler.unit_value(name, n) * 10) for n in range(10))
        assert strata == list(range(10))
    # parameters are permuted independently (a Latin hypercube, not a diagonal)
    xs = [int(sampler.unit_value("x", n) * 10) for n in range(10)]
    ys = [int(sampler.unit_value("y", n) * 10) for n in range(10)]
    assert xs != ys


def test_small_budget_is_not_spent_on_the_start():
    sampler = hs.samplers.AutoSampler(seed=0)
    study = hs.create_study(sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=10)
    phases = [t.system_attrs[keys.AUTO_PHASE]["phase"] for t in study.trials]
    assert phases == ["start"] * 3 + ["gp"] * 7
    assert study.best_value < 0.05  # random search's median best at 10 trials is ~0.1


def test_one_integer_parameter_is_enumerated_and_the_study_stops():
    sampler = hs.samplers.AutoSampler(seed=0)
    study = hs.create_study(sampler=sampler)
    study.optimize(lambda t: (t.suggest_int("k", 1, 6) - 4) ** 2, n_trials=50)
    values = [t.params["k"] for t in study.trials]
    assert sorted(set(values)) == [1, 2, 3, 4, 5, 6]
    assert len(values) <= 9  # stopped once every value was tried (start points may repeat)
    assert study.best_params == {"k": 4}


# -- hand-over ------------------------------------------------------------------------------
def _sphere(t):
    return sum((t.suggest_float(f"x{i}", -5, 5) - 1.5) ** 2 for i in range(3))


def test_hand_over_to_cmaes_is_warm_started_and_keeps_the_history(monkeypatch):
    monkeypatch.setattr(rules, "CMAES_MIN_LEFT", 20)
    sampler = hs.samplers.AutoSampler(seed=1)
    study = hs.create_study(sampler=sampler)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(_sphere, n_trials=60)  # switch at 36, CMA-ES for 24
    phases = [t.system_attrs[keys.AUTO_PHASE]["phase"] for t in study.trials]
    assert phases[:10] == ["start"] * 10
    assert phases[10:36] == ["gp"] * 26 and phases[36:] == ["cmaes"] * 24
    before = [t for t in study.trials if t.number < 36]
    best_before = min(t.value for t in before)
    # the history is kept: every GP trial is still there and the best never gets worse
    assert study.best_value <= best_before
    # warm start: the first CMA-ES generation is centred on the GP's best region, not on
    # the box's centre (0) -- a cold start would spread over [-5, 5]
    best_x = np.array([study.trials[0].params[f"x{i}"] for i in range(3)])
    best_x = np.array([min(before, key=lambda t: t.value).params[f"x{i}"] for i in range(3)])
    first_gen = [t for t in study.trials if 36 <= t.number < 42]
    points = np.array([[t.params[f"x{i}"] for i in range(3)] for t in first_gen])
    assert np.abs(points - best_x).max() < 2.0
    assert keys.CMAES_PROPOSAL in first_gen[0].system_attrs
    assert first_gen[0].system_attrs[keys.PROPOSED_BY] == "CMA-ES (AutoSampler)"


def test_cold_cmaes_would_spread_wider(monkeypatch):
    """The control of the warm-start test: CMA-ES from scratch is not near the optimum."""
    sampler = hs.samplers.CmaEsSampler(seed=1)
    study = hs.create_study(sampler=sampler)
    study.optimize(_sphere, n_trials=7)
    points = np.array([[t.params[f"x{i}"] for i in range(3)] for t in study.trials[1:]])
    assert np.abs(points - 1.5).max() > 2.0


# -- reproducibility, spec, conformance -------------------------------------------------------
def test_conformance():
    # Proposals depend on the announced budget by design (the start is sized to it); the
    # suite compares a 5-trial run of a pickled copy with the first 5 trials, so the budget
    # here keeps the same start size (3) in both.
    check_sampler(lambda seed: hs.samplers.AutoSampler(seed=seed), n_trials=15)


def test_spec_round_trip():
    from hypersweep._internal.spec import decode, encode

    rebuilt = decode(encode(hs.samplers.AutoSampler(seed=5)))
    assert isinstance(rebuilt, hs.samplers.AutoSampler) and rebuilt.seed == 5


_SCRIPT = textwrap.dedent(
    """
    import warnings, hypersweep as hs
    hs.logging.set_verbosity(hs.logging.WARNING)
    def f(t):
        x = t.suggest_float("x", -2, 2)
        k = t.suggest_categorical("k", ["a", "b"])
        return x ** 2 + (k == "b")
    study = hs.create_study(sampler=hs.samplers.AutoSampler(seed=11))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(f, n_trials=16)
    print([(round(t.params["x"], 12), t.params["k"]) for t in study.trials])
    """
)


def test_same_seed_same_trials_in_a_fresh_process():
    runs = [
        subprocess.run(
            [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and runs[0].count("(") == 16


def test_workers_on_sqlite_agree_on_the_phase(tmp_path):
    url = f"sqlite:///{tmp_path / 'auto.db'}"
    study = hs.create_study(storage=url, sampler=hs.samplers.AutoSampler(seed=2))
    study.optimize(_sphere, n_trials=30, n_jobs=3)
    for t in study.trials:
        expected = "start" if t.number < 6 else "gp"
        assert t.system_attrs[keys.AUTO_PHASE]["phase"] == expected
    again = hs.load_study(study_name=study.study_name, storage=url)
    assert isinstance(again.sampler, hs.samplers.AutoSampler)


# -- explain ----------------------------------------------------------------------------------
def test_explain_names_each_phase():
    sampler = hs.samplers.AutoSampler(seed=0)
    study = hs.create_study(sampler=sampler)
    assert sampler.explain() == "no trials proposed yet"
    study.optimize(_sphere, n_trials=20)
    expected = (
        "trials 0-3: Latin hypercube start (4 points, budget 20)\n"
        "trials 4-19: GP (3 continuous parameters, low-dimensional; its cost is affordable)"
    )
    assert sampler.explain() == expected
    # another process reads it from the trials
    assert hs.samplers.AutoSampler(seed=0).explain(study.trials) == expected


# -- scheduler="auto" -------------------------------------------------------------------------
def _curve(trial):
    x = trial.suggest_float("x", 0, 1)
    for step in range(1, 28):
        trial.report(x + 1 / step, step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return x


def test_scheduler_auto_does_nothing_without_reports():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), scheduler="auto")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    assert isinstance(study.scheduler, AutoScheduler)
    assert study.scheduler.explain().startswith("no trial has reported")


def test_scheduler_auto_learns_the_budget_then_runs_hyperband():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), scheduler="auto")
    study.optimize(_curve, n_trials=30)
    assert study.trials[0].last_step == 27  # the first trial shows the full budget
    assert sum(t.state is TrialState.PRUNED for t in study.trials) > 5
    assert study.scheduler.explain().startswith("HyperBand (synchronous) over steps 1-27")


def test_scheduler_auto_is_asynchronous_with_many_workers():
    scheduler = AutoScheduler()
    running = [FrozenTrial(i, TrialState.RUNNING, intermediate_values={1: 0.5}) for i in range(3)]
    done = FrozenTrial(3, TrialState.COMPLETE, [0.1], intermediate_values={1: 0.3, 9: 0.1})
    inner = scheduler.current(History(MIN, [*running, done]))
    assert isinstance(inner, hs.schedulers.HyperBandScheduler) and inner.asynchronous


def test_scheduler_auto_uses_asha_with_a_known_minimum_and_pauses_with_checkpoints():
    scheduler = AutoScheduler(min_resource=3, pause=True)
    done = FrozenTrial(0, TrialState.COMPLETE, [0.1], intermediate_values={3: 0.3, 27: 0.1})
    inner = scheduler.current(History(MIN, [done]))
    assert isinstance(inner, hs.schedulers.ASHAScheduler)
    assert (inner.min_resource, inner.max_resource, inner.pause) == (3, 27, True)
    assert scheduler.pauses_trials
    assert "ASHA over steps 3-27" in scheduler.explain()


def test_scheduler_by_unknown_name_is_a_clear_error():
    with pytest.raises(ValueError, match="must be 'auto'"):
        hs.create_study(scheduler="asha")
    with pytest.raises(ValueError, match="min_resource"):
        AutoScheduler(min_resource=0)


def test_tune_accepts_scheduler_auto():
    def train(config):
        for step in range(1, 10):
            hs.report({"loss": config["x"] + 1 / step}, step=step)

    result = hs.tune(
        train,
        {"x": hs.uniform(0, 1)},
        metric="loss",
        mode="min",
        num_samples=12,
        sampler=hs.samplers.AutoSampler(seed=0),
        scheduler="auto",
    )
    assert result.best_config["x"] < 0.5


def test_sampler_auto_by_name_in_both_api_shapes(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'auto.db'}"
    study = hs.create_study(sampler="auto", storage=url, study_name="s")
    assert isinstance(study.sampler, hs.samplers.AutoSampler)
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=3)
    again = hs.load_study(study_name="s", storage=url)
    assert isinstance(again.sampler, hs.samplers.AutoSampler)
    result = hs.tune(
        lambda config: {"loss": config["x"] ** 2},
        {"x": hs.uniform(-1, 1)},
        metric="loss",
        mode="min",
        num_samples=3,
        sampler="auto",
    )
    assert len(result.trials) == 3
    with pytest.raises(ValueError, match="must be 'auto'"):
        hs.create_study(sampler="tpe")


def test_a_new_budget_rebuilds_the_start_with_its_size() -> None:
    sampler = hs.samplers.AutoSampler(seed=0)
    study = hs.create_study(sampler=sampler)
    study.ask()  # budget unknown: a start of 10 points
    assert sampler._child("start").size == 10  # type: ignore[attr-defined]
    sampler.set_budget(n_trials=10)  # a small budget: a start of 3
    assert sampler._child("start").size == 3  # type: ignore[attr-defined]
