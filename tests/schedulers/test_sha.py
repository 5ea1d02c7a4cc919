from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.executors.simulated import SimulatedExecutor, now, spend
from hypersweep.schedulers import Action
from hypersweep.schedulers.successive_halving import SuccessiveHalvingScheduler
from hypersweep.testing import check_scheduler
from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState
from hypersweep.trial.lineage import LineageTable

# -- helpers shared by the scheduler tests ---------------------------------------------------


def frozen(
    number: int,
    curve: Sequence[float],
    state: TrialState = TrialState.RUNNING,
    *,
    first_step: int = 1,
    paused: bool = False,
    attrs: dict[str, Any] | None = None,
) -> FrozenTrial:
    """A trial that reported ``curve`` at steps first_step, first_step + 1, ..."""
    reports = {first_step + i: float(v) for i, v in enumerate(curve)}
    system = dict(attrs or {})
    if paused:
        state = TrialState.PRUNED
        system["paused_at"] = max(reports)
    return FrozenTrial(
        number=number,
        state=state,
        values=(reports[max(reports)],) if state is TrialState.COMPLETE and reports else None,
        params={"x": float(number)},
        intermediate_values=reports,
        system_attrs=system,
    )


def history(trials: Sequence[FrozenTrial], maximize: bool = False) -> History:
    direction = StudyDirection.MAXIMIZE if maximize else StudyDirection.MINIMIZE
    return History([direction], trials)


def lineage_steps(study: hs.Study) -> dict[int, int]:
    """The largest step each configuration (lineage) reached."""
    out: dict[int, int] = {}
    for t in study.trials:
        root = t.system_attrs.get("lineage", t.number)
        out[root] = max(out.get(root, 0), t.last_step or 0)
    return out


def reached(study: hs.Study, step: int) -> set[int]:
    """The configurations (lineage roots) that reported at ``step`` or later."""
    return {root for root, last in lineage_steps(study).items() if last >= step}


def curve_objective(
    max_step: int,
    *,
    value: Callable[[float, int], float] | None = None,
    cost: Callable[[float], float] | None = None,
    save: bool = True,
) -> Callable[[hs.Trial], float]:
    """A resumable learning curve: each step costs ``cost(x)`` virtual seconds."""
    value = value or (lambda x, step: (x - 0.3) ** 2 + 1.0 / step)
    cost = cost or (lambda x: 1.0)

    def objective(trial: hs.Trial) -> float:
        trial.set_user_attr("start", now())  # virtual times, for the tests that need them
        x = trial.suggest_float("x", 0.0, 1.0)
        state = trial.load_checkpoint()
        start = 1 if state is None else int(state["step"]) + 1
        assert state is None or state["step"] == trial.resume_step
        result = float("nan")
        for step in range(start, max_step + 1):
            spend(cost(x), f"trial {trial.number} step {step}")
            result = value(x, step)
            trial.report(result, step)
            if trial.should_prune():
                if trial.paused and save:
                    trial.save_checkpoint({"step": step})
                trial.set_user_attr("end", now())
                raise hs.TrialPruned()
        trial.set_user_attr("end", now())
        return result

    return objective


def run_simulated(
    scheduler: hs.schedulers.Scheduler,
    objective: Callable[[hs.Trial], float],
    n_trials: int,
    n_workers: int,
    *,
    seed: int = 0,
    lockstep: bool = False,
    sampler: hs.samplers.Sampler | None = None,
) -> tuple[hs.Study, SimulatedExecutor]:
    """Optimise on the virtual clock; ``lockstep``: every worker reports before any asks."""
    sim = SimulatedExecutor()
    study = hs.create_study(
        sampler=sampler or hs.samplers.RandomSampler(seed=seed), scheduler=scheduler
    )
    callbacks = [lambda study, trial: spend(0.0)] if lockstep else None
    study.optimize(
        objective, n_trials=n_trials, n_jobs=n_workers, executor=sim, callbacks=callbacks, catch=()
    )
    return study, sim


# -- conformance and arguments ---------------------------------------------------------------


def test_conformance() -> None:
    check_scheduler(lambda: SuccessiveHalvingScheduler(1, 8, 2))
    check_scheduler(lambda: SuccessiveHalvingScheduler(1, 8, 2, n_configs=5))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_resource": 0},
        {"max_resource": 1.5},
        {"reduction_factor": 1},
        {"min_resource": 9, "max_resource": 3},
        {"n_configs": 0},
        {"reduction_factor": True},
    ],
)
def test_bad_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        SuccessiveHalvingScheduler(**kwargs)


def test_refuses_multi_objective_studies() -> None:
    with pytest.raises(ValueError, match="one objective"):
        hs.create_study(directions=["minimize"] * 2, scheduler=SuccessiveHalvingScheduler())


def test_rungs_and_default_bracket_size() -> None:
    sha = SuccessiveHalvingScheduler(1, 27, 3)
    assert sha.milestones == (1, 3, 9)
    assert sha.n_configs == 27
    assert sha.rung_sizes == (27, 9, 3, 1)
    assert SuccessiveHalvingScheduler(2, 100, 4).milestones == (2, 8, 32)


# -- scripted curves: decisions and promotions as data ---------------------------------------

# Nine configurations of one bracket (n_configs=9, eta=3, rungs at steps 1 and 3); their
# values at step 1 rank them 4, 0, 7 best (lower is better).
STEP1 = [0.5, 0.9, 0.8, 0.7, 0.1, 0.6, 0.95, 0.3, 0.85]


def _sha(pause: bool = False) -> SuccessiveHalvingScheduler:
    return SuccessiveHalvingScheduler(1, 9, 3, n_configs=9, pause=pause)


def test_full_rung_promotes_exactly_the_best_third() -> None:
    trials = [frozen(i, [v]) for i, v in enumerate(STEP1)]
    h = history(trials)
    actions = {t.number: _sha().decide(h, t).action for t in trials}
    assert {n for n, a in actions.items() if a is Action.CONTINUE} == {4, 7, 0}
    pruned = _sha().decide(h, trials[1])
    assert pruned.action is Action.PRUNE and "only the best 3" in pruned.reason


def test_rung_that_is_not_full_stops_only_certain_losers() -> None:
    # Six of nine reported. Only configurations with at least three better ones (the quota of
    # the next rung) can no longer make it; the others go on optimistically.
    trials = [frozen(i, [v]) for i, v in enumerate(STEP1[:6])]
    trials += [frozen(i, [], TrialState.RUNNING) for i in range(6, 9)]
    h = history(trials)
    decisions = {t.number: _sha().decide(h, t).action for t in trials[:6]}
    assert decisions == {
        0: Action.CONTINUE,  # 0.5: one better so far
        1: Action.PRUNE,  # 0.9: four better
        2: Action.PRUNE,  # 0.8: three better
        3: Action.PRUNE,  # 0.7: three better (0.5, 0.1, 0.6)
        4: Action.CONTINUE,
        5: Action.CONTINUE,  # 0.6: two better
    }
    paused = {t.number: _sha(pause=True).decide(h, t) for t in trials[:6]}
    assert paused[5].action is Action.PAUSE and "6 of 9 reported" in paused[5].reason
    assert paused[2].action is Action.PRUNE


def test_promotions_list_the_paused_members_of_full_rungs() -> None:
    trials = [frozen(i, [v], paused=True) for i, v in enumerate(STEP1)]
    sha = _sha(pause=True)
    promos = sha.promotions(history(trials))
    assert [p.trial_number for p in promos] == [4, 7, 0]  # best first
    assert all(p.step == 1 for p in promos)
    # Not full: nothing to promote yet; the stopping variant never promotes.
    assert sha.promotions(history(trials[:8])) == []
    assert _sha(pause=False).promotions(history(trials)) == []


def test_continuations_carry_their_configuration_through_the_rungs() -> None:
    # 4, 7 and 0 were promoted and continued (trials 9-11) and reported steps 2 and 3.
    trials = [frozen(i, [v], paused=True) for i, v in enumerate(STEP1)]
    for number, root, at3 in ((9, 4, 0.05), (10, 7, 0.2), (11, 0, 0.3)):
        attrs = {"lineage": root, "resume_from": root, "resume_step": 1}
        trials.append(frozen(number, [STEP1[root], at3, at3], paused=True, attrs=attrs))
    sha = _sha(pause=True)
    h = history(trials)
    promos = sha.promotions(h)
    assert [(p.trial_number, p.step) for p in promos] == [(9, 3)]  # config 4: the best at 3
    running = frozen(12, [STEP1[4], 0.05, 0.05, 0.04], attrs={"lineage": 4, "resume_from": 9})
    assert sha.decide(history([*trials, running]), running).action is Action.CONTINUE
    # A continuation that restarted (no checkpoint) re-reports steps its configuration did
    # before: those never change its rung values; only the steps beyond count.
    rerun = frozen(12, [9.0, 9.0, 9.0, 8.0], attrs={"lineage": 4, "resume_from": 9})
    h = history([*trials, rerun])
    assert sha.decide(h, rerun).action is Action.CONTINUE
    lin = LineageTable(h, rerun).of(rerun)
    assert (lin.value_at(1), lin.value_at(3), lin.value_at(4)) == (0.1, 0.05, 8.0)
    assert [lin.owner(i) for i in range(4)] == [4, 9, 9, 12]


def test_maximisation_mirrors_minimisation() -> None:
    trials = [frozen(i, [-v]) for i, v in enumerate(STEP1)]
    h = history(trials, maximize=True)
    keep = {t.number for t in trials if _sha().decide(h, t).action is Action.CONTINUE}
    assert keep == {4, 7, 0}


def test_failed_configurations_do_not_block_a_rung() -> None:
    trials = [frozen(i, [v], paused=True) for i, v in enumerate(STEP1[:8])]
    trials.append(frozen(8, [], TrialState.FAIL))
    assert [p.trial_number for p in _sha(pause=True).promotions(history(trials))] == [4, 7, 0]


def test_nan_reports_rank_last() -> None:
    curve = [float("nan"), *STEP1[1:]]
    trials = [frozen(i, [v]) for i, v in enumerate(curve)]
    assert _sha().decide(history(trials), trials[0]).action is Action.PRUNE


# -- end to end on the simulated clock -------------------------------------------------------


def test_pause_variant_runs_exact_rung_sizes() -> None:
    sha = SuccessiveHalvingScheduler(1, 27, 3, pause=True)
    study, sim = run_simulated(sha, curve_objective(27), n_trials=27, n_workers=4)
    counts = Counter(lineage_steps(study).values())
    assert counts == {1: 18, 3: 6, 9: 2, 27: 1}
    assert len(reached(study, 3)) == 9 and len(reached(study, 9)) == 3
    (complete,) = study.get_trials(states=(hs.TrialState.COMPLETE,))
    best_root = min(range(27), key=lambda n: abs(study.trials[n].params["x"] - 0.3))
    assert complete.system_attrs["lineage"] == best_root
    assert sim.makespan > 0


def test_stopping_variant_in_lockstep_matches_the_pause_variant() -> None:
    stop, _ = run_simulated(_sha(), curve_objective(9), n_trials=9, n_workers=9, lockstep=True)
    pause, _ = run_simulated(
        _sha(pause=True), curve_objective(9), n_trials=9, n_workers=9, lockstep=True
    )
    for step in (1, 3, 9):
        assert len(reached(pause, step)) == {1: 9, 3: 3, 9: 1}[step]
    # The stopping variant overshoots a rung by one report but promotes the same ones.
    assert reached(stop, 4) == reached(pause, 3)
    assert reached(stop, 9) == reached(pause, 9)
    assert stop.best_value == pause.best_value


def test_sequential_stopping_variant_never_stops_a_future_winner() -> None:
    sha = SuccessiveHalvingScheduler(1, 9, 3, n_configs=9)
    study, _ = run_simulated(sha, curve_objective(9), n_trials=9, n_workers=1)
    best = min(study.trials, key=lambda t: abs(t.params["x"] - 0.3))
    assert best.state is hs.TrialState.COMPLETE
    assert any(t.state is hs.TrialState.PRUNED for t in study.trials)
