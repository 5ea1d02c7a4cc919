"""CmaEsSampler: generations across workers and storage, restarts, warm start, variants."""

from __future__ import annotations

import json
import math
import os
import pickle
import statistics
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep.algorithms.es import stagnation_window
from hypersweep.samplers.cmaes import CmaEsSampler
from hypersweep.samplers.es.state import EsState, dump_state, load_state
from hypersweep.testing import check_sampler
from hypersweep.trial import TrialState

ATTR = "hypersweep.cmaes"


def sphere3(trial: Any) -> float:
    """Module level, so that worker processes can import it."""
    return sum((trial.suggest_float(f"x{i}", -5.0, 5.0) - 1.0) ** 2 for i in range(3))


def shifted_sphere(trial: Any, dims: int = 10) -> float:
    return sum((trial.suggest_float(f"x{i}", -5.0, 5.0) - 1.7) ** 2 for i in range(dims))


def _state(study: hs.Study, key: str = "cmaes") -> EsState:
    stored = study.storage.get_study_state(study._study_id, key)
    assert stored is not None
    return load_state(stored.data)


def _optimizer(study: hs.Study) -> Any:
    return pickle.loads(_state(study).opt).impl


def _slots(study: hs.Study) -> list[tuple[int, int]]:
    return [(t.system_attrs[ATTR]["gen"], t.system_attrs[ATTR]["slot"]) for t in _cma_trials(study)]


def _cma_trials(study: hs.Study) -> list[hs.FrozenTrial]:
    return [t for t in study.trials if ATTR in t.system_attrs]


def _params(study: hs.Study) -> list[dict[str, Any]]:
    return [dict(t.params) for t in study.trials]


def _quiet(**kwargs: Any) -> CmaEsSampler:
    return CmaEsSampler(warn_independent_sampling=False, **kwargs)


# -- protocol --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"with_margin": False},
        {"use_separable_cma": True, "restart_strategy": "bipop"},
        {"lr_adapt": True, "restart_strategy": "ipop"},
    ],
)
def test_conformance(options: dict[str, Any]) -> None:
    check_sampler(lambda seed: _quiet(seed=seed, **options), n_trials=20, multi_objective=False)


def test_multi_objective_is_refused() -> None:
    with pytest.raises(ValueError, match="single objective"):
        hs.create_study(directions=["minimize", "maximize"], sampler=CmaEsSampler())


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"popsize": 1}, "popsize"),
        ({"sigma0": 0.0}, "sigma0"),
        ({"n_startup_trials": 0}, "n_startup_trials"),
        ({"restart_strategy": "ipopp"}, "restart_strategy"),
        ({"inc_popsize": 1}, "inc_popsize"),
        ({"with_margin": True, "use_separable_cma": True}, "with_margin"),
        ({"with_margin": True, "lr_adapt": True}, "with_margin"),
        ({"lr_adapt": True, "use_separable_cma": True}, "lr_adapt"),
        ({"source_trials": []}, "at least 10"),
    ],
)
def test_invalid_options_say_what_to_fix(options: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        CmaEsSampler(**options)


def test_sampler_pickles_after_use() -> None:
    sampler = _quiet(seed=0, restart_strategy="ipop")
    hs.create_study(sampler=sampler).optimize(sphere3, n_trials=10)
    again = pickle.loads(pickle.dumps(sampler))
    assert again.seed == 0 and again.restart_strategy == "ipop"
    hs.create_study(sampler=again).optimize(sphere3, n_trials=10)


# -- generations -----------------------------------------------------------------------------------
def test_state_blob_round_trips() -> None:
    study = hs.create_study(sampler=_quiet(seed=0, restart_strategy="bipop"))
    study.optimize(sphere3, n_trials=12)
    state = _state(study)
    again = load_state(dump_state(state))
    assert again.space == state.space and again.owners == state.owners
    assert again.restart == state.restart and again.opt == state.opt
    np.testing.assert_array_equal(again.x_eval, state.x_eval)
    with pytest.raises(ValueError, match="format"):
        load_state(pickle.dumps((99, {})))


def test_a_generation_is_every_candidate_once_and_the_trials_decode_it() -> None:
    study = hs.create_study(sampler=_quiet(seed=1))
    study.optimize(sphere3, n_trials=1 + 7 * 4)
    slots = _slots(study)
    assert slots == [(g, s) for g in range(4) for s in range(7)]  # popsize 7 in 3-D
    for t in _cma_trials(study):
        x = t.system_attrs[ATTR]["x"]
        assert [t.params[f"x{i}"] for i in range(3)] == pytest.approx([-5 + 10 * u for u in x])
    assert _state(study).gen == 3 and _optimizer(study).generation == 3


def test_round_trip_through_sqlite_proposes_the_same_next_population(tmp_path: Path) -> None:
    def run(url: str, stops: list[int]) -> list[dict[str, Any]]:
        done = 0
        for stop in stops:  # a fresh study object (and sampler) for every leg
            study = hs.create_study(
                storage=url, study_name="s", load_if_exists=True, sampler=_quiet(seed=5)
            )
            study.optimize(sphere3, n_trials=stop - done)
            done = stop
        return _params(study)

    straight = run(f"sqlite:///{tmp_path}/a.db", [40])
    assert run(f"sqlite:///{tmp_path}/b.db", [11, 19, 40]) == straight  # mid-generation stops


_RESUME = """
import json, sys
sys.path.insert(0, {root!r})
import hypersweep as hs
from tests.samplers.test_cmaes import _quiet, sphere3
study = hs.load_study(study_name="s", storage={url!r}, sampler=_quiet(seed=5))
study.optimize(sphere3, n_trials=22)
print(json.dumps([t.params for t in study.trials]))
"""


def test_a_fresh_process_continues_the_same_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    hs.create_study(storage=url, study_name="s", sampler=_quiet(seed=5)).optimize(
        sphere3, n_trials=18
    )
    root = str(Path(__file__).parents[2])
    script = _RESUME.format(root=root, url=url)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    straight = hs.create_study(sampler=_quiet(seed=5))
    straight.optimize(sphere3, n_trials=40)
    assert json.loads(out.stdout) == json.loads(json.dumps(_params(straight)))


def test_trials_out_of_order_and_failed_inside_a_generation() -> None:
    study = hs.create_study(sampler=_quiet(seed=0, popsize=4))
    first = study.ask()
    study.tell(first, sphere3(first))  # the start-up trial fixes the space
    gen0 = [study.ask() for _ in range(4)]
    values = [sphere3(t) for t in gen0]
    assert [t.system_attrs[ATTR]["slot"] for t in gen0] == [0, 1, 2, 3]
    study.tell(gen0[3], values[3])
    study.tell(gen0[1], state=TrialState.FAIL)
    study.tell(gen0[2], values[2])
    spare = study.ask()  # 2 complete, 1 running, 1 failed: a spare of generation 0
    assert (spare.system_attrs[ATTR]["gen"], spare.system_attrs[ATTR]["slot"]) == (0, 4)
    study.tell(spare, sphere3(spare))
    late = study.ask()  # slot 0 still runs: another spare, nobody waits
    assert (late.system_attrs[ATTR]["gen"], late.system_attrs[ATTR]["slot"]) == (0, 5)
    study.tell(gen0[0], values[0])  # now 4 complete: told at the next ask
    nxt = study.ask()
    # The spare still running joins generation 1 as its slot 0 (carried, not dropped).
    assert (nxt.system_attrs[ATTR]["gen"], nxt.system_attrs[ATTR]["slot"]) == (1, 1)
    assert _state(study).owners[:2] == (late.number, nxt.number)
    opt = _optimizer(study)
    assert opt.generation == 1
    study.tell(late, sphere3(late))  # finished after its generation was told: told with gen 1
    rest = [study.ask() for _ in range(2)]
    assert [t.system_attrs[ATTR]["slot"] for t in rest] == [2, 3]
    for t in [nxt, *rest]:
        study.tell(t, sphere3(t))
    assert study.ask().system_attrs[ATTR]["gen"] == 2
    assert _optimizer(study).generation == 2


def test_spares_of_a_told_generation_are_carried_into_the_next() -> None:
    # popsize 6 in rounds of 4 (ask 4, tell 4): the third round's last two trials are spares
    # of a full generation; carried into the next one, every evaluation is told.
    study = hs.create_study(sampler=_quiet(seed=1, popsize=6))
    n_rounds = 13
    for _ in range(n_rounds):
        trials = [study.ask() for _ in range(4)]
        for t in trials:
            study.tell(t, sphere3(t))
    study.ask()  # tells the generation completed by the last round, if any
    told = 6 * _optimizer(study).generation
    assert told == 4 * n_rounds - 4  # all but the start-up round (4 trials, no CMA yet)


def test_pruned_trials_count_only_when_asked() -> None:
    for consider, expected_gen in ((False, 0), (True, 1)):
        study = hs.create_study(sampler=_quiet(seed=0, popsize=4, consider_pruned_trials=consider))
        first = study.ask()
        study.tell(first, sphere3(first))
        for _ in range(4):
            t = study.ask()
            t.report(sphere3(t), 0)
            study.tell(t, state=TrialState.PRUNED)
        assert study.ask().system_attrs[ATTR]["gen"] == expected_gen


def test_enqueued_trials_are_told_with_their_own_values() -> None:
    study = hs.create_study(sampler=_quiet(seed=0, popsize=4))
    for _ in range(5):
        study.enqueue_trial({"x0": 1.0, "x1": 1.0, "x2": 1.0})
    study.optimize(sphere3, n_trials=6)  # start-up, 4 enqueued, 1 that tells them
    opt = _optimizer(study)
    assert opt.generation == 1
    assert np.allclose(opt.mean, 0.6, atol=0.05)  # (1 - (-5)) / 10: the enqueued optimum


def test_threads_share_one_cmaes() -> None:
    study = hs.create_study(sampler=_quiet(seed=0))
    study.optimize(sphere3, n_trials=120, n_jobs=4)
    slots = _slots(study)
    assert len(set(slots)) == len(slots)  # every candidate used once
    per_gen = Counter(g for g, _ in slots)
    last = max(per_gen)
    assert sorted(per_gen) == list(range(last + 1))  # one generation counter, no gaps
    # popsize 7; a trial keeps the label of the generation it was drawn in, also when it was
    # carried into the next one as a spare (at most 3 per generation).
    assert all(per_gen[g] >= 7 - 3 for g in range(last))
    assert _state(study).gen in (last, last + 1)
    assert study.best_value < 0.5


@pytest.mark.slow
def test_processes_share_one_cmaes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/p.db"
    study = hs.create_study(storage=url, study_name="p", sampler=_quiet(seed=0))
    study.optimize(sphere3, n_trials=60, n_jobs=2, executor="processes")
    assert len(study.trials) == 60
    slots = _slots(study)
    assert len(set(slots)) == len(slots)
    per_gen = Counter(g for g, _ in slots)
    assert sorted(per_gen) == list(range(max(per_gen) + 1))
    # (the current generation may hold only trials carried from the one before)
    assert _state(study).gen in (max(per_gen), max(per_gen) + 1) and max(per_gen) >= 5


def test_space_change_starts_a_new_run_on_the_shared_parameters() -> None:
    study = hs.create_study(sampler=_quiet(seed=0))
    study.optimize(sphere3, n_trials=20)
    assert len(_state(study).space) == 3

    def two(trial: Any) -> float:
        return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(2))

    study.optimize(two, n_trials=30)
    state = _state(study)
    assert [name for name, _ in state.space] == ["x0", "x1"] and state.run == 1


def test_categorical_parameters_go_to_the_independent_sampler_with_one_warning() -> None:
    def objective(trial: Any) -> float:
        kind = trial.suggest_categorical("kind", ["a", "b"])
        return sphere3(trial) + (kind == "a")

    study = hs.create_study(sampler=CmaEsSampler(seed=0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        study.optimize(objective, n_trials=30)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len(messages) == 1 and "'kind'" in messages[0] and "x0" in messages[0]
    assert [n for n, _ in _state(study).space] == ["x0", "x1", "x2"]


# -- variants --------------------------------------------------------------------------------------
def _integer_objective(trial: Any) -> float:
    n = [trial.suggest_int(f"n{i}", -20, 20) for i in range(3)]
    q = trial.suggest_float("q", 0.0, 1.0, step=0.1)
    return sum((v - 7) ** 2 for v in n) + (q - 0.3) ** 2


@pytest.mark.parametrize(
    ("options", "kind"),
    [
        ({}, "CMAwM"),
        ({"with_margin": False}, "CMA"),
        ({"use_separable_cma": True}, "SepCMA"),
        ({"lr_adapt": True}, "CMA"),
    ],
)
def test_variant_follows_the_options(options: dict[str, Any], kind: str) -> None:
    study = hs.create_study(sampler=_quiet(seed=0, **options))
    study.optimize(_integer_objective, n_trials=5)
    assert type(_optimizer(study)).__name__ == kind
    if options.get("lr_adapt"):
        assert _optimizer(study)._lr_adapt


def test_margin_finds_the_integer_optimum() -> None:
    bests = []
    for seed in range(3):
        study = hs.create_study(sampler=_quiet(seed=seed))
        study.optimize(_integer_objective, n_trials=250)
        bests.append(study.best_value)
    assert statistics.median(bests) < 0.05, bests


def test_x0_and_sigma0_set_the_first_distribution() -> None:
    study = hs.create_study(sampler=_quiet(seed=0, x0={"x0": 4.0}, sigma0=0.05))
    study.optimize(sphere3, n_trials=2)
    opt = _optimizer(study)
    assert opt.mean == pytest.approx([0.9, 0.5, 0.5]) and opt._sigma == pytest.approx(0.05)


# -- restarts --------------------------------------------------------------------------------------
@pytest.mark.parametrize("strategy", ["ipop", "bipop"])
def test_restarts_trigger_on_a_flat_objective(strategy: str) -> None:
    def flat(trial: Any) -> float:
        trial.suggest_float("x", -1.0, 1.0)
        trial.suggest_float("y", -1.0, 1.0)
        return 1.0

    study = hs.create_study(sampler=_quiet(seed=0, restart_strategy=strategy))
    study.optimize(flat, n_trials=300)
    state = _state(study)
    assert state.run >= 1 and state.restart is not None and state.restart.n_restarts == state.run
    if strategy == "ipop":
        assert state.popsize == 6 * 2**state.run
    else:
        assert state.restart.evals_small + state.restart.evals_large > 0
    plain = hs.create_study(sampler=_quiet(seed=0))
    plain.optimize(flat, n_trials=300)
    assert _state(plain).run == 0


def test_bipop_alternates_small_and_large_runs() -> None:
    def flat(trial: Any) -> float:
        return 0.0 * sum(trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(2))

    study = hs.create_study(sampler=_quiet(seed=3, restart_strategy="bipop"))
    study.optimize(flat, n_trials=900)
    restart = _state(study).restart
    assert restart is not None and restart.n_restarts >= 3
    assert restart.evals_small > 0 and restart.evals_large > 0 and restart.large_popsize > 6


def rastrigin2(trial: Any) -> float:
    xs = [trial.suggest_float(f"x{i}", -5.12, 5.12) - 1.3 for i in range(2)]
    return 20 + sum(x * x - 10 * math.cos(2 * math.pi * x) for x in xs)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_run_stuck_in_a_local_optimum_restarts_before_it_converges(seed: int) -> None:
    # These three runs sit in a local minimum of Rastrigin-2d (0.76 to 2.0) by 230 trials;
    # the stagnation rule restarts them at 236 to 278 trials (converged() alone: 278 to 332).
    study = hs.create_study(sampler=_quiet(seed=seed, restart_strategy="ipop"))
    study.optimize(rastrigin2, n_trials=280)
    state = _state(study)
    assert state.run >= 1 and state.popsize == 12, (state.run, state.popsize)
    assert len(state.run_bests) <= stagnation_window(2, 12)  # the new run's only
    assert study.best_value > 0.5


@pytest.mark.parametrize("strategy", ["ipop", "bipop"])
def test_a_run_still_descending_does_not_restart(strategy: str) -> None:
    for seed in range(3):
        study = hs.create_study(sampler=_quiet(seed=seed, restart_strategy=strategy))
        study.optimize(sphere3, n_trials=300)
        assert _state(study).run == 0 and study.best_value < 1e-5, (seed, study.best_value)


def test_a_state_blob_without_run_bests_still_loads() -> None:
    study = hs.create_study(sampler=_quiet(seed=0, restart_strategy="ipop"))
    study.optimize(sphere3, n_trials=20)
    fmt, data = pickle.loads(dump_state(_state(study)))
    del data["run_bests"]  # a blob written before the field existed
    old = load_state(pickle.dumps((fmt, data)))
    assert old.run_bests == () and old.gen == _state(study).gen


# -- warm start ------------------------------------------------------------------------------------
def _shifted(center: float) -> Any:
    def objective(trial: Any) -> float:
        return sum((trial.suggest_float(f"x{i}", -5.0, 5.0) - center) ** 2 for i in range(3))

    return objective


def test_warm_start_moves_the_initial_distribution_to_the_good_region() -> None:
    source = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    source.optimize(_shifted(3.0), n_trials=100)  # good region: 0.8 of each range
    study = hs.create_study(sampler=_quiet(seed=0, source_trials=source.trials))
    study.optimize(_shifted(3.3), n_trials=2)
    opt = _optimizer(study)
    assert np.all(np.abs(opt.mean - 0.8) < 0.1), opt.mean
    cold = hs.create_study(sampler=_quiet(seed=0))
    cold.optimize(_shifted(3.3), n_trials=2)
    assert np.linalg.norm(opt.mean - 0.83) < np.linalg.norm(_optimizer(cold).mean - 0.83)
    assert opt._sigma < 1 / 6


def test_warm_start_without_fitting_source_trials_starts_cold() -> None:
    source = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    source.optimize(lambda t: t.suggest_float("other", 0, 1), n_trials=20)
    study = hs.create_study(sampler=_quiet(seed=0, source_trials=source.trials))
    with pytest.warns(UserWarning, match="starts cold"):
        study.optimize(sphere3, n_trials=3)
    assert _optimizer(study).mean == pytest.approx([0.5] * 3)


# -- reproducibility and convergence ---------------------------------------------------------------
_FRESH = """
import json, sys
sys.path.insert(0, {root!r})
import hypersweep as hs
from tests.samplers.test_cmaes import _quiet, sphere3
study = hs.create_study(sampler=_quiet(seed=7, restart_strategy="bipop"))
study.optimize(sphere3, n_trials=30)
print(json.dumps([t.params for t in study.trials]))
"""


def test_same_seed_same_trials_in_a_fresh_process() -> None:
    script = _FRESH.format(root=str(Path(__file__).parents[2]))
    env = dict(os.environ, PYTHONHASHSEED="123")
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    study = hs.create_study(sampler=_quiet(seed=7, restart_strategy="bipop"))
    study.optimize(sphere3, n_trials=30)
    assert json.loads(out.stdout) == json.loads(json.dumps(_params(study)))


def test_beats_random_search_on_a_shifted_10d_sphere() -> None:
    def best(sampler: hs.samplers.Sampler) -> float:
        study = hs.create_study(sampler=sampler)
        study.optimize(shifted_sphere, n_trials=300)
        return study.best_value

    cma = statistics.median(best(_quiet(seed=s)) for s in range(3))
    rnd = statistics.median(best(hs.samplers.RandomSampler(seed=s)) for s in range(3))
    assert cma < rnd / 20, (cma, rnd)
    assert math.isfinite(cma)
