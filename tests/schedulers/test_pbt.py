"""Population based training: decisions, promotions and explore on hand-built histories,
the conformance suite, and a small study end to end."""

from __future__ import annotations

import json
import math
import pickle
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep._internal.spec import decode, encode
from hypersweep.executors.simulated import SimulatedExecutor
from hypersweep.schedulers import Action, PBTScheduler, Promotion
from hypersweep.schedulers.pbt import explore, fit, mutate
from hypersweep.space.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersweep.testing import check_scheduler
from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState, keys

LR = FloatDistribution(1e-4, 1.0, log=True)
MUTATIONS = {"lr": hs.loguniform(1e-4, 1.0)}


def record(
    number: int,
    curve: Mapping[int, float],
    *,
    state: TrialState = TrialState.PRUNED,
    lr: float = 0.01,
    paused: bool | None = None,
    checkpoint: bool = True,
    resume_from: int | None = None,
    resume_step: int | None = None,
    parent: int | None = None,
    checkpoint_of: int | None = None,
    params: dict[str, Any] | None = None,
    distributions: dict[str, Any] | None = None,
) -> FrozenTrial:
    """A trial record with reports ``curve`` (step -> value); PRUNED records are paused at
    their last step unless ``paused=False``."""
    system: dict[str, Any] = {}
    if paused is None:
        paused = state is TrialState.PRUNED
    last = max(curve) if curve else None
    if paused:
        assert last is not None
        system[keys.PAUSED_AT] = last
    if checkpoint and last is not None and (resume_step is None or last > resume_step):
        system[keys.CHECKPOINT_STEP] = last
    if resume_from is not None:
        system[keys.RESUME_FROM] = resume_from
        system[keys.RESUME_STEP] = resume_step
        if parent is not None:
            system[keys.LINEAGE_PARENT] = parent
        if checkpoint_of is not None:
            system[keys.CHECKPOINT_OF] = checkpoint_of
    values = (curve[last],) if state is TrialState.COMPLETE and last is not None else None
    return FrozenTrial(
        number=number,
        state=state,
        values=values,
        params=params if params is not None else {"lr": lr},
        distributions=distributions if distributions is not None else {"lr": LR},
        intermediate_values=dict(curve),
        system_attrs=system,
    )


def ramp(value: float, last: int, first: int = 1) -> dict[int, float]:
    """Reports ``value`` at every step from ``first`` to ``last``."""
    return {s: value for s in range(first, last + 1)}


def history(trials: Sequence[FrozenTrial], maximize: bool = False) -> History:
    direction = StudyDirection.MAXIMIZE if maximize else StudyDirection.MINIMIZE
    return History([direction], lambda: list(trials))


def population(values: Sequence[float], step: int = 4, **kwargs: Any) -> list[FrozenTrial]:
    """Members 0..n-1 paused at ``step`` with last values ``values`` and lr = 0.01 * (i + 1)."""
    return [record(i, ramp(v, step), lr=0.01 * (i + 1), **kwargs) for i, v in enumerate(values)]


def outline(promotions: Sequence[Promotion]) -> list[tuple[Any, ...]]:
    """Every field, ``params`` included (it does not take part in ``==``)."""
    return [
        (p.trial_number, p.step, p.reason, p.clone_of, dict(p.params or {})) for p in promotions
    ]


def by_number(promotions: Sequence[Promotion]) -> dict[int, Promotion]:
    return {p.trial_number: p for p in promotions}


def double_batch(params: dict[str, Any]) -> dict[str, Any]:
    """A module-level custom_explore_fn (storable in a specification)."""
    out = {**params, "not_a_param": 1}
    if "batch" in params:
        out["batch"] = params["batch"] * 2
    return out


def jitter(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """A custom_explore_fn drawing from the promotion's own stream."""
    return {**params, "momentum": float(rng.uniform(0.0, 2.0))}


# -- arguments and protocol ------------------------------------------------------------------


def test_exported_and_protocol_flags() -> None:
    assert hs.schedulers.PBTScheduler is PBTScheduler
    scheduler = PBTScheduler(hyperparam_mutations=MUTATIONS, seed=0)
    assert scheduler.pauses_trials
    assert scheduler.fills_population_first
    scheduler.check_directions(1)
    with pytest.raises(ValueError, match="one objective"):
        scheduler.check_directions(2)
    with pytest.raises(ValueError, match="one objective"):
        hs.create_study(directions=["minimize", "maximize"], scheduler=scheduler)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"perturbation_interval": 0}, ValueError, "perturbation_interval"),
        ({"perturbation_interval": 2.5}, TypeError, "perturbation_interval"),
        ({"perturbation_interval": True}, TypeError, "perturbation_interval"),
        ({"burn_in_period": -1}, ValueError, "burn_in_period"),
        ({"quantile_fraction": 0.0}, ValueError, "quantile_fraction"),
        ({"quantile_fraction": 0.6}, ValueError, "quantile_fraction"),
        ({"quantile_fraction": "1/4"}, TypeError, "quantile_fraction"),
        ({"resample_probability": 1.5}, ValueError, "resample_probability"),
        ({"resample_probability": math.nan}, ValueError, "resample_probability"),
        ({"perturbation_factors": ()}, ValueError, "perturbation_factors"),
        ({"perturbation_factors": 1.2}, TypeError, "perturbation_factors"),
        ({"perturbation_factors": (1.2, -0.8)}, ValueError, r"perturbation_factors\[1\]"),
        ({"custom_explore_fn": 3}, TypeError, "custom_explore_fn"),
        ({"synch": 1}, TypeError, "synch"),
        ({"seed": -1}, ValueError, "seed"),
        ({"hyperparam_mutations": ["lr"]}, TypeError, "hyperparam_mutations"),
        ({"hyperparam_mutations": {"lr": []}}, ValueError, "empty"),
        ({"hyperparam_mutations": {"lr": "0.1"}}, TypeError, "distribution"),
        ({"hyperparam_mutations": {"lr": {"a": [1]}}}, TypeError, "flat names"),
        ({"hyperparam_mutations": {"lr": [object()]}}, TypeError, "values must be"),
        ({"hyperparam_mutations": {1: [0.1]}}, TypeError, "keys"),
        ({"hyperparam_mutations": {}}, ValueError, "custom_explore_fn"),
        ({"hyperparam_mutations": None}, ValueError, "custom_explore_fn"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    kwargs = {"hyperparam_mutations": MUTATIONS, **kwargs}
    with pytest.raises(error, match=match):
        PBTScheduler(**kwargs)


def test_custom_explore_fn_alone_is_enough() -> None:
    PBTScheduler(custom_explore_fn=double_batch)


# -- decide: ready points --------------------------------------------------------------------


def pause_steps(
    scheduler: PBTScheduler, trial: FrozenTrial, steps: Sequence[int], h: History | None = None
) -> list[int]:
    """The steps (of ``steps``, reported one by one) at which ``decide`` says PAUSE."""
    h = h or history([])
    out = []
    reports = dict(trial.intermediate_values)
    for step in steps:
        reports[step] = 1.0
        live = FrozenTrial(
            number=trial.number,
            state=TrialState.RUNNING,
            params=dict(trial.params),
            distributions=dict(trial.distributions),
            intermediate_values=dict(reports),
            system_attrs=dict(trial.system_attrs),
        )
        decision = scheduler.decide(h, live)
        assert decision.action in (Action.CONTINUE, Action.PAUSE)
        if decision.action is Action.PAUSE:
            assert decision.reason.startswith(f"ready at step {step}")
            out.append(step)
    return out


def test_decide_pauses_at_ready_points() -> None:
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    fresh = FrozenTrial(number=0, state=TrialState.RUNNING)
    assert scheduler.decide(history([]), fresh).action is Action.CONTINUE  # no report yet
    assert pause_steps(scheduler, fresh, range(1, 10)) == [4, 5, 6, 7, 8, 9]
    # the first ready point counts from step 0, also for reports at irregular steps
    assert pause_steps(scheduler, fresh, [3, 6, 9])[0] == 6


def test_burn_in_delays_the_first_pause() -> None:
    scheduler = PBTScheduler(2, MUTATIONS, burn_in_period=5, seed=0)
    fresh = FrozenTrial(number=0, state=TrialState.RUNNING)
    assert pause_steps(scheduler, fresh, range(1, 7)) == [5, 6]


def test_continuations_count_from_their_start() -> None:
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    paused = record(0, ramp(1.0, 4))
    h = history([paused])
    # plain continuation from its own checkpoint at 4: next ready point 8
    cont = record(
        1, ramp(1.0, 4), state=TrialState.RUNNING, resume_from=0, resume_step=4, checkpoint_of=0
    )
    assert pause_steps(scheduler, cont, range(5, 10), h)[0] == 8
    # a continuation without a checkpoint restarts at step 1 but pauses only past step 8
    restart = record(1, {}, state=TrialState.RUNNING, resume_from=0, resume_step=None)
    assert pause_steps(scheduler, restart, range(1, 10), h)[0] == 8
    # without the paused record in the history it could only count from step 0
    assert pause_steps(scheduler, restart, range(1, 10))[0] == 4
    # a clone counts from the step of the checkpoint it loaded (here 6, its source's)
    others = [record(0, ramp(1.0, 12)), record(1, ramp(0.5, 6))]
    clone = record(
        2,
        ramp(0.5, 6),
        state=TrialState.RUNNING,
        resume_from=0,
        resume_step=6,
        parent=1,
        checkpoint_of=1,
    )
    assert pause_steps(scheduler, clone, range(7, 12), history(others))[0] == 10


# -- promotions: exploit ---------------------------------------------------------------------


def test_bottom_quantile_clones_a_top_member_and_the_rest_continue() -> None:
    scheduler = PBTScheduler(4, MUTATIONS, resample_probability=0.0, seed=0)
    trials = population([0.4, 0.1, 0.3, 0.2])  # minimised: 1 best, 0 worst
    got = by_number(scheduler.promotions(history(trials)))
    assert sorted(got) == [0, 1, 2, 3]
    worst = got[0]
    assert worst.clone_of == 1 and worst.is_clone and worst.step == 4
    assert worst.reason.startswith("exploit trial 1 (score 0.1 vs 0.4); explore lr 0.02->")
    assert worst.params is not None
    assert worst.params["lr"] in (pytest.approx(0.02 * 1.2), pytest.approx(0.02 * 0.8))
    for n in (1, 2, 3):  # upper quantile and middle are never cloned
        assert got[n].clone_of is None and not got[n].is_clone
        assert got[n].reason.startswith("continue: rank")


def test_maximised_objectives_flip_the_ranking() -> None:
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    got = by_number(scheduler.promotions(history(population([0.4, 0.1, 0.3, 0.2]), True)))
    assert got[1].clone_of == 0
    assert [got[n].clone_of for n in (0, 2, 3)] == [None, None, None]


def test_nan_ranks_last() -> None:
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    got = by_number(scheduler.promotions(history(population([0.4, math.nan, 0.3, 0.2]))))
    assert got[1].clone_of == 3


@pytest.mark.parametrize(
    ("n", "fraction", "expected"),
    [
        (2, 0.25, 1),
        (3, 0.25, 1),
        (4, 0.25, 1),
        (5, 0.25, 2),
        (8, 0.25, 2),
        (9, 0.25, 3),
        (3, 0.5, 1),
        (4, 0.5, 2),
        (10, 0.2, 2),
        (7, 0.1, 1),
    ],
)
def test_quantile_size_follows_ray(n: int, fraction: float, expected: int) -> None:
    scheduler = PBTScheduler(4, MUTATIONS, quantile_fraction=fraction, seed=0)
    values = [float(i) for i in range(n)]  # member i has value i: the last ones are worst
    got = by_number(scheduler.promotions(history(population(values))))
    cloned = sorted(p.trial_number for p in got.values() if p.clone_of is not None)
    assert cloned == list(range(n - expected, n))
    assert all(got[c].clone_of in range(expected) for c in cloned)


def test_population_of_one_just_continues() -> None:
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    done = record(1, ramp(0.0, 20), state=TrialState.COMPLETE)  # finished: not a member now
    [only] = scheduler.promotions(history([record(0, ramp(1.0, 4)), done]))
    assert only.clone_of is None and "population of one" in only.reason


def test_no_exploit_without_a_checkpoint() -> None:
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    trials = population([0.4, 0.1, 0.3, 0.2], checkpoint=False)
    got = by_number(scheduler.promotions(history(trials)))
    assert all(p.clone_of is None for p in got.values())
    assert "has a checkpoint" in got[0].reason and "save_checkpoint" in got[0].reason


def test_only_top_members_with_a_checkpoint_are_cloned() -> None:
    trials = population([0.4, 0.1, 0.3, 0.2])
    trials[1] = record(1, ramp(0.1, 4), lr=0.02, checkpoint=False)  # the best has none
    sources = set()
    for seed in range(20):
        scheduler = PBTScheduler(4, MUTATIONS, quantile_fraction=0.5, seed=seed)
        got = by_number(scheduler.promotions(history(trials)))
        sources |= {got[0].clone_of, got[2].clone_of}
    assert sources == {3}


def test_a_member_ahead_is_cloned_at_the_step_it_is_compared_at() -> None:
    # Member 0 paused at 4 and runs on (record 2, now at step 6); member 1 paused at 4 is
    # the worst. It is compared with member 0 as it stood at step 4 and loads that record,
    # not the running one two steps further on.
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    trials = [
        record(0, ramp(0.1, 4)),
        record(1, ramp(0.9, 4)),
        record(
            2,
            ramp(0.1, 6),
            state=TrialState.RUNNING,
            resume_from=0,
            resume_step=4,
            checkpoint_of=0,
        ),
    ]
    [promo] = scheduler.promotions(history(trials))
    assert (promo.trial_number, promo.clone_of) == (1, 0)


def test_a_member_ahead_does_not_win_on_its_extra_steps() -> None:
    # Maximise. Member 0 (record 0, then 2) improves slowly but is 8 steps ahead; member 1
    # improves fast and waits at step 4. At step 4 member 0 was worse, so member 1 is not
    # exploited although member 0's latest score is higher.
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    slow = {s: 0.1 * s for s in range(1, 13)}
    fast = {s: 0.2 * s for s in range(1, 5)}
    trials = [
        record(0, {s: v for s, v in slow.items() if s <= 4}),
        record(1, fast),
        record(2, slow, resume_from=0, resume_step=4, checkpoint_of=0),
    ]
    promos = scheduler.promotions(history(trials, maximize=True))
    assert [(p.trial_number, p.clone_of) for p in promos] == [(1, None), (2, None)]
    assert "rank 1 of 2" in promos[0].reason


def test_only_paused_latest_records_are_promoted_least_advanced_first() -> None:
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    trials = [
        record(0, ramp(0.5, 4)),  # continued by 4: not promotable any more
        record(1, ramp(0.6, 8)),
        record(2, ramp(0.7, 4)),
        record(3, ramp(0.8, 3), state=TrialState.RUNNING),
        record(4, ramp(0.5, 8), resume_from=0, resume_step=4, checkpoint_of=0),
        record(5, ramp(0.1, 4)),
        record(6, {}, state=TrialState.WAITING),
    ]
    got = scheduler.promotions(history(trials))
    assert [(p.trial_number, p.step) for p in got] == [(2, 4), (5, 4), (4, 8), (1, 8)]


def test_a_clone_keeps_its_old_score_until_it_reports() -> None:
    """Reports a clone copied from its source are not the member's own (Ray's last_score)."""
    scheduler = PBTScheduler(4, MUTATIONS, seed=0)
    trials = [
        record(0, ramp(0.9, 4)),  # member 0 (worst) ...
        record(1, ramp(0.1, 4)),
        record(2, ramp(0.5, 4)),
        record(3, ramp(0.6, 4)),
        # ... was cloned from member 1; the clone has not reported yet
        record(
            4,
            ramp(0.1, 4),
            state=TrialState.RUNNING,
            resume_from=0,
            resume_step=4,
            parent=1,
            checkpoint_of=1,
        ),
    ]
    got = by_number(scheduler.promotions(history(trials)))
    # member 0 still ranks last, so member 3 (third of four) is not pushed into the bottom
    assert got[3].clone_of is None


# -- explore ---------------------------------------------------------------------------------


def produces(fn: Any, n: int = 200) -> set[Any]:
    rng = np.random.default_rng(0)
    return {fn(rng) for _ in range(n)}


@pytest.mark.parametrize(
    ("value", "p", "expected"),
    [
        (4, 0.0, {3, 8}),
        (3, 0.0, {3, 4}),
        (10, 0.0, {8, 10}),
        (7, 0.0, {3, 4, 8, 10}),  # not in the list: resampled
        (4, 1.0, {3, 4, 8, 10}),
    ],
)
def test_list_values_move_to_a_neighbour(value: int, p: float, expected: set[int]) -> None:
    got = produces(lambda rng: mutate(value, [3, 4, 8, 10], rng, p, (1.2, 0.8))[0])
    assert got == expected


def test_categorical_values_move_to_a_neighbour() -> None:
    abc = hs.choice(["a", "b", "c"])
    assert produces(lambda rng: mutate("b", abc, rng, 0.0, (1.2, 0.8))[0]) == {"a", "c"}
    assert produces(lambda rng: mutate("a", abc, rng, 0.0, (1.2, 0.8))[0]) == {"a", "b"}
    assert produces(lambda rng: mutate("z", abc, rng, 0.0, (1.2, 0.8))[0]) == {"a", "b", "c"}


def test_numbers_are_multiplied_by_the_factors() -> None:
    wide_int, wide = IntDistribution(1, 1000), FloatDistribution(1.0, 1000.0)
    assert produces(lambda rng: mutate(100, wide_int, rng, 0.0, (1.2, 0.8))[0]) == {80, 120}
    got = produces(lambda rng: mutate(100.0, wide, rng, 0.0, (1.2, 0.8))[0])
    assert sorted(got) == pytest.approx([80.0, 120.0])
    assert all(isinstance(v, float) for v in got)
    three = produces(lambda rng: mutate(100.0, wide, rng, 0.0, (2.0, 1.0, 0.5))[0])
    assert sorted(three) == [50.0, 100.0, 200.0]


def test_ints_stay_ints_and_are_rounded() -> None:
    ints = IntDistribution(1, 100)
    got = produces(lambda rng: mutate(7, ints, rng, 0.0, (1.2, 0.8))[0])
    assert got == {6, 8}  # 5.6 -> 6 (truncating would give 5), 8.4 -> 8
    assert all(type(v) is int for v in got)
    # an int parameter explored with a float mutation stays an int of its own distribution
    new, _ = explore(
        {"batch": 7}, {"batch": ints}, {"batch": hs.uniform(1, 100)}, np.random.default_rng(1), 0.0
    )
    assert type(new["batch"]) is int and new["batch"] in (6, 8)
    stepped = IntDistribution(0, 100, step=5)
    assert produces(lambda rng: mutate(35, stepped, rng, 0.0, (1.2, 0.8))[0]) == {30, 40}


def test_values_are_clipped_to_the_mutation_and_the_trial_bounds() -> None:
    unit = hs.uniform(0.0, 1.0)
    got = sorted(produces(lambda rng: mutate(0.9, unit, rng, 0.0, (1.2, 0.8))[0]))
    assert got == [pytest.approx(0.72), 1.0]
    narrow = {"lr": FloatDistribution(1e-4, 0.011, log=True)}
    lrs = produces(lambda rng: explore({"lr": 0.01}, narrow, MUTATIONS, rng, 0.0)[0]["lr"])
    assert sorted(lrs) == [pytest.approx(0.008), 0.011]
    grid = {"x": FloatDistribution(0.0, 1.0, step=0.1)}
    xs = produces(lambda rng: explore({"x": 0.5}, grid, {"x": unit}, rng, 0.0)[0]["x"])
    assert xs == {0.4, 0.6}


def test_log_scaled_values_stay_in_bounds() -> None:
    log = hs.loguniform(1e-4, 1e-1)
    dist = {"lr": FloatDistribution(1e-4, 1e-1, log=True)}
    rng = np.random.default_rng(0)
    for start in (1e-4, 9e-2, 1e-1, 0.05):
        for p in (0.0, 0.25, 1.0):
            new, _ = explore({"lr": start}, dist, {"lr": log}, rng, p)
            assert 1e-4 <= new["lr"] <= 1e-1 and dist["lr"].contains(new["lr"])


def test_explored_values_are_always_in_the_trials_distributions() -> None:
    cases: list[tuple[Any, Any, Any]] = [
        (FloatDistribution(0.0, 1.0, step=0.25), hs.uniform(-5, 5), 0.5),
        (IntDistribution(2, 64, log=True), [1, 2, 4, 128], 4),
        (IntDistribution(0, 30, step=3), hs.randint(0, 100), 9),
        (CategoricalDistribution((1, 2, 3)), [1, 2, 3, 4, 5], 3),
        (FloatDistribution(0.5, 0.6), hs.loguniform(1e-3, 10), 0.55),
        (CategoricalDistribution(("x", "y")), hs.uniform(0, 1), "x"),  # kinds disagree
    ]
    rng = np.random.default_rng(0)
    for dist, mutation, value in cases:
        for p in (0.0, 0.5, 1.0):
            for _ in range(50):
                new, _ = explore({"v": value}, {"v": dist}, {"v": mutation}, rng, p, (3.0, 0.3))
                assert dist.contains(new["v"]), (dist, mutation, new)


def test_fit_places_values_or_refuses() -> None:
    assert fit(7 * 0.8, IntDistribution(1, 10)) == 6
    assert fit(-3, IntDistribution(1, 10)) == 1
    assert fit("a", FloatDistribution(0, 1)) is None
    assert fit(math.inf, FloatDistribution(0, 1)) is None
    assert fit(2, CategoricalDistribution((1.0, 2.0))) == 2.0
    assert fit(True, CategoricalDistribution((1, 2))) is None
    assert fit("c", CategoricalDistribution(("a",))) is None


def test_resample_probability_one_draws_from_the_prior() -> None:
    trials = population([0.4, 0.1, 0.3, 0.2])
    draws = []
    for seed in range(400):
        scheduler = PBTScheduler(4, MUTATIONS, resample_probability=1.0, seed=seed)
        worst = by_number(scheduler.promotions(history(trials)))[0]
        assert worst.params is not None and "resample" in worst.reason
        draws.append(math.log10(worst.params["lr"]))
    # log-uniform on [1e-4, 1]: uniform in log10 on [-4, 0] (Kolmogorov-Smirnov distance)
    u = np.sort((np.asarray(draws) + 4.0) / 4.0)
    ecdf = np.arange(1, len(u) + 1) / len(u)
    assert np.max(np.abs(ecdf - u)) < 0.1
    assert u[0] >= 0.0 and u[-1] <= 1.0


def test_resampling_a_list_covers_it_uniformly() -> None:
    got = [
        mutate(4, [3, 4, 8, 10], np.random.default_rng(s), 1.0, (1.2, 0.8))[0] for s in range(800)
    ]
    counts = {v: got.count(v) for v in (3, 4, 8, 10)}
    assert all(150 <= c <= 250 for c in counts.values()), counts


def test_custom_explore_fn_runs_after_the_mutations() -> None:
    dists = {"lr": LR, "batch": IntDistribution(8, 100), "momentum": FloatDistribution(0, 1)}
    params = {"lr": 0.02, "batch": 64, "momentum": 0.5}
    trials = [
        record(i, ramp(v, 4), params=dict(params), distributions=dists)
        for i, v in enumerate([0.4, 0.1])
    ]
    scheduler = PBTScheduler(4, MUTATIONS, custom_explore_fn=double_batch, seed=0)
    [worst] = [p for p in scheduler.promotions(history(trials)) if p.clone_of is not None]
    assert worst.params is not None
    assert worst.params["batch"] == 100  # 128 clipped to the trial's distribution
    assert "not_a_param" not in worst.params and "lr" in worst.params
    assert "batch 64->100 (custom)" in worst.reason
    only_custom = PBTScheduler(4, custom_explore_fn=jitter, seed=0)
    [worst] = [p for p in only_custom.promotions(history(trials)) if p.clone_of is not None]
    assert worst.params is not None and set(worst.params) == {"momentum"}
    assert 0.0 <= worst.params["momentum"] <= 1.0
    again = PBTScheduler(4, custom_explore_fn=jitter, seed=0).promotions(history(trials))
    assert outline(again) == outline(only_custom.promotions(history(trials)))


# -- purity ----------------------------------------------------------------------------------


def test_promotions_are_a_function_of_history_and_seed() -> None:
    trials = population([0.4, 0.1, 0.3, 0.2, 0.5, 0.05, 0.35, 0.15])
    h = history(trials)
    scheduler = PBTScheduler(
        4, {"lr": MUTATIONS["lr"], "depth": [1, 2, 3]}, custom_explore_fn=double_batch, seed=7
    )
    first = outline(scheduler.promotions(h))
    assert first == outline(scheduler.promotions(h))
    assert any(p[3] is not None for p in first)
    fresh = PBTScheduler(
        4, {"lr": MUTATIONS["lr"], "depth": [1, 2, 3]}, custom_explore_fn=double_batch, seed=7
    )
    assert outline(fresh.promotions(h)) == first
    rebuilt = decode(json.loads(json.dumps(encode(scheduler))))
    assert isinstance(rebuilt, PBTScheduler)
    assert outline(rebuilt.promotions(h)) == first
    assert outline(pickle.loads(pickle.dumps(scheduler)).promotions(h)) == first
    other = {
        json.dumps(outline(PBTScheduler(4, MUTATIONS, seed=s).promotions(h)), default=str)
        for s in range(5)
    }
    assert len(other) > 1  # the seed matters


def test_conformance() -> None:
    check_scheduler(lambda: PBTScheduler(4, {"x": hs.uniform(0.0, 1.0)}, seed=0))
    check_scheduler(
        lambda: PBTScheduler(3, {"x": [0.1, 0.5]}, burn_in_period=2, synch=True, seed=1)
    )


# -- synch -----------------------------------------------------------------------------------


def test_synch_waits_for_every_member() -> None:
    scheduler = PBTScheduler(4, MUTATIONS, synch=True, seed=0)
    trials = population([0.4, 0.1, 0.3])
    waiting = [*trials, record(3, ramp(0.2, 2), state=TrialState.RUNNING)]
    assert scheduler.promotions(history(waiting)) == []
    assert PBTScheduler(4, MUTATIONS, seed=0).promotions(history(waiting))  # async: no wait
    everyone = [*trials, record(3, ramp(0.2, 4))]
    got = by_number(scheduler.promotions(history(everyone)))
    assert sorted(got) == [0, 1, 2, 3] and got[0].clone_of == 1


def test_synch_does_not_wait_for_finished_members_or_hang_in_burn_in() -> None:
    scheduler = PBTScheduler(2, MUTATIONS, burn_in_period=6, synch=True, seed=0)
    paused = population([0.4, 0.1, 0.3], step=6)
    burning = record(3, ramp(0.2, 3), state=TrialState.RUNNING)
    assert scheduler.promotions(history([*paused, burning])) == []
    finished = [
        record(3, ramp(0.2, 5), state=TrialState.COMPLETE),
        record(3, ramp(0.2, 5), state=TrialState.FAIL),
        record(3, ramp(0.2, 5), state=TrialState.PRUNED, paused=False),
    ]
    for done in finished:
        assert len(scheduler.promotions(history([*paused, done]))) == 3


def test_synch_rounds_stay_fixed_while_they_are_claimed() -> None:
    """A round is decided on the values at its pause: members already continued (one of
    them a clone carrying its source's values) change nothing for the others."""
    scheduler = PBTScheduler(4, MUTATIONS, quantile_fraction=0.5, synch=True, seed=0)
    trials = population([0.4, 0.1, 0.3, 0.2])
    first = outline(scheduler.promotions(history(trials)))
    clone_of_0 = by_number(scheduler.promotions(history(trials)))[0]
    assert clone_of_0.clone_of in (1, 3)
    started = [
        *trials,
        record(
            4,
            ramp(0.0, 6),
            state=TrialState.RUNNING,
            resume_from=0,
            resume_step=4,
            parent=clone_of_0.clone_of,
            checkpoint_of=clone_of_0.clone_of,
        ),
        record(5, ramp(0.1, 8), resume_from=1, resume_step=4, checkpoint_of=1),
    ]
    later = outline(scheduler.promotions(history(started)))
    assert later == [p for p in first if p[0] in (2, 3)]


# -- end to end ------------------------------------------------------------------------------

MAX_STEP = 20


def pbt_objective(trial: hs.Trial) -> float:
    """Accuracy grows fastest with lr near 0.1; the state is the accuracy so far."""
    lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
    state = trial.load_checkpoint()
    accuracy = 0.0 if state is None else float(state["accuracy"])
    assert (state is None) == (trial.resume_step is None)
    assert state is None or state["step"] == trial.resume_step
    for step in range((trial.resume_step or 0) + 1, MAX_STEP + 1):
        accuracy += 1.0 / (1.0 + abs(math.log10(lr / 0.1)))
        trial.report(accuracy, step)
        trial.save_checkpoint({"accuracy": accuracy, "step": step})
        if trial.should_prune():
            raise hs.TrialPruned()
    return accuracy


def members(study: hs.Study) -> dict[int, list[FrozenTrial]]:
    """Records per member (chains linked by resume_from), by first record number."""
    out: dict[int, list[FrozenTrial]] = {}
    member_of: dict[int, int] = {}
    for t in study.trials:
        parent = t.system_attrs.get(keys.RESUME_FROM)
        root = t.number if parent is None else member_of[parent]
        member_of[t.number] = root
        out.setdefault(root, []).append(t)
    return out


def check_pbt_run(study: hs.Study, n_members: int) -> None:
    groups = members(study)
    assert len(groups) == n_members
    for records in groups.values():
        assert records[-1].state is TrialState.COMPLETE
        assert records[-1].last_step == MAX_STEP
        assert all(r.system_attrs.get(keys.PAUSED_AT) is not None for r in records[:-1])
    clones = [t for t in study.trials if keys.LINEAGE_PARENT in t.system_attrs]
    assert clones
    originals = {groups[m][0].params["lr"] for m in groups}
    assert {t.params["lr"] for t in clones} - originals


def test_end_to_end_one_worker() -> None:
    scheduler = PBTScheduler(4, {"lr": hs.loguniform(1e-3, 1.0)}, seed=0)
    study = hs.create_study(
        direction="maximize", scheduler=scheduler, sampler=hs.samplers.RandomSampler(seed=0)
    )
    study.optimize(pbt_objective, n_trials=4, n_jobs=1, catch=())
    check_pbt_run(study, 4)
    # the population was filled first: the first four records are the four configurations
    assert all(keys.RESUME_FROM not in t.system_attrs for t in study.trials[:4])
    assert [t.system_attrs.get(keys.PAUSED_AT) for t in study.trials[:4]] == [4, 4, 4, 4]


@pytest.mark.parametrize("synch", [False, True])
def test_end_to_end_simulated_workers(synch: bool) -> None:
    scheduler = PBTScheduler(4, {"lr": hs.loguniform(1e-3, 1.0)}, synch=synch, seed=1)
    study = hs.create_study(
        direction="maximize", scheduler=scheduler, sampler=hs.samplers.RandomSampler(seed=1)
    )
    study.optimize(pbt_objective, n_trials=6, n_jobs=3, executor=SimulatedExecutor(), catch=())
    check_pbt_run(study, 6)
