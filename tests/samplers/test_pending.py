"""Proposals made while other trials are pending (ask k, then tell k) are distinct."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.samplers.cmaes import CmaEsSampler
from hypersweep.samplers.gp import GPSampler
from hypersweep.samplers.tpe import TPESampler

SAMPLERS: dict[str, Callable[[], hs.samplers.Sampler]] = {
    "random": lambda: hs.samplers.RandomSampler(seed=0),
    "qmc": lambda: hs.samplers.QMCSampler(seed=0, warn_independent_sampling=False),
    "tpe": lambda: TPESampler(seed=0, n_startup_trials=5),
    "gp": lambda: GPSampler(seed=0, n_startup_trials=5),
    "cmaes": lambda: CmaEsSampler(seed=0, n_startup_trials=5),
}


def _continuous(trial: hs.Trial) -> tuple[object, ...]:
    return (
        trial.suggest_float("x", -2.0, 2.0),
        trial.suggest_float("lr", 1e-4, 1.0, log=True),
        trial.suggest_int("k", 1, 64),
    )


def _small(trial: hs.Trial) -> tuple[object, ...]:
    return (
        trial.suggest_int("a", 0, 2),
        trial.suggest_categorical("b", ["u", "v"]),
        trial.suggest_float("c", 0.0, 1.0, step=0.5),
    )  # 3 x 2 x 3 = 18 configurations


def _loss(params: tuple[object, ...]) -> float:
    return float(sum((7 * i + 3) * len(str(p)) % 11 for i, p in enumerate(params)))


def _rounds(
    sampler: hs.samplers.Sampler,
    space: Callable[[hs.Trial], tuple[object, ...]],
    n_rounds: int,
    batch: int,
) -> list[list[tuple[object, ...]]]:
    study = hs.create_study(sampler=sampler)
    rounds = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(n_rounds):
            trials = [study.ask() for _ in range(batch)]
            params = [space(t) for t in trials]
            for t, p in zip(trials, params, strict=True):
                study.tell(t, _loss(p))
            rounds.append(params)
    return rounds


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_batch_proposals_are_distinct_in_a_continuous_space(name: str) -> None:
    for params in _rounds(SAMPLERS[name](), _continuous, n_rounds=4, batch=8):
        assert len(set(params)) == len(params), params


@pytest.mark.parametrize("name", ["gp", "tpe"])
def test_batch_proposals_are_distinct_in_a_small_discrete_space(name: str) -> None:
    # After the start-up round, no proposal repeats one that is pending in its round.
    for params in _rounds(SAMPLERS[name](), _small, n_rounds=3, batch=6)[1:]:
        assert len(set(params)) == len(params), params


def test_gp_proposals_are_distinct_until_the_space_is_exhausted() -> None:
    sampler = GPSampler(seed=3, n_startup_trials=4)
    rounds = _rounds(sampler, _small, n_rounds=4, batch=4)
    seen = [p for params in rounds[1:] for p in params]
    # 16 model-based proposals, 18 configurations minus the 4 start-up points (which may
    # repeat each other): new ones while untried ones remain.
    startup = set(rounds[0])
    assert len(set(seen)) == len(seen) and not startup & set(seen)


def _golden_objective(trial: hs.Trial) -> float:
    a = trial.suggest_int("a", 0, 9)
    b = trial.suggest_float("b", 0.0, 1.0, step=0.125)
    return float((a - 6) ** 2 / 10 + (b - 0.25) ** 2)


def _golden_batch(**options: Any) -> list[tuple[int, float]]:
    # A fixed history (10 trials, enqueued), then 4 trials asked together: the first is
    # proposed with nothing pending, the others with 1, 2 and 3 pending (the batch rule).
    study = hs.create_study(sampler=GPSampler(seed=7, n_startup_trials=10, **options))
    history = [(a, b / 8) for a, b in [(0, 0), (9, 8), (2, 6), (7, 1), (4, 4), (5, 7),
                                       (1, 2), (8, 5), (3, 3), (6, 8)]]  # fmt: skip
    for a, b in history:
        study.enqueue_trial({"a": a, "b": b})
    study.optimize(_golden_objective, n_trials=len(history))
    asked = [study.ask() for _ in range(4)]
    proposals = [(t.suggest_int("a", 0, 9), t.suggest_float("b", 0.0, 1.0, step=0.125))
                 for t in asked]  # fmt: skip
    assert len(set(proposals)) == 4
    return proposals


def test_golden_gp_batch_proposals_on_a_fixed_history() -> None:
    # The rule of log EI (the default): the expected improvement of the batch, averaged
    # over joint draws of the pending values (issue 20). The optimum is (6, 0.25).
    assert _golden_batch() == GOLDEN_PROPOSALS


def test_golden_gp_batch_proposals_with_pessimistic_fantasies() -> None:
    # ucb (and pi) keep the rule before: pending points observed at mean + 2 sd.
    assert _golden_batch(acquisition="ucb") == [(6, 0.0), (9, 0.0), (6, 0.375), (7, 0.0)]


# The same batch with the rules before: the Kriging believer (pending points at their mean,
# fitted noise) proposed (6, 0.0), (6, 0.125), (6, 0.25), (7, 0.0), three neighbours of the
# first proposal; the pessimistic fantasies (mean + 2 sd, noise-free) (6, 0.0), (8, 0.0),
# (6, 0.375), (7, 0.25), pushed away from the optimum.
GOLDEN_PROPOSALS = [(6, 0.0), (6, 0.25), (8, 0.0), (7, 0.0)]


def test_constrained_gp_batch_proposals_are_distinct() -> None:
    # Constrained log EI with pending trials: the batch rule inside the constrained acquisition.
    sampler = GPSampler(
        seed=0, n_startup_trials=5, constraints_func=lambda t: [t.params["x"] - 1.0]
    )
    for params in _rounds(sampler, _continuous, n_rounds=4, batch=4)[2:]:
        assert len(set(params)) == len(params), params


def test_gp_start_up_is_not_extended_by_pending_trials() -> None:
    """8 asked at a time with a 10-trial start-up: trials 8 and 9 finish the start-up; 10-15,
    asked with 8 completed, are the model's (with 10 completed needed they were Sobol too)."""
    from hypersweep.samplers.gp.data import RECORD_ATTR

    study = hs.create_study(sampler=GPSampler(seed=0, n_startup_trials=10))
    for _ in range(2):
        trials = [study.ask() for _ in range(8)]
        values = [(t.suggest_float("x", -2.0, 2.0) - 0.5) ** 2 for t in trials]
        for t, v in zip(trials, values, strict=True):
            study.tell(t, v)
    by_model = [t.number for t in study.trials if RECORD_ATTR in t.system_attrs]
    assert by_model == list(range(10, 16))
    # one at a time nothing changes: the model starts at trial 10
    seq = hs.create_study(sampler=GPSampler(seed=0, n_startup_trials=10))
    seq.optimize(lambda t: (t.suggest_float("x", -2.0, 2.0) - 0.5) ** 2, n_trials=12)
    assert [t.number for t in seq.trials if RECORD_ATTR in t.system_attrs] == [10, 11]


@pytest.mark.parametrize(("n_startup", "needed"), [(1, 1), (2, 2), (3, 2), (10, 5), (11, 6)])
def test_gp_start_up_needs_half_but_never_more_than_the_start_up(
    n_startup: int, needed: int
) -> None:
    sampler = GPSampler(seed=0, n_startup_trials=n_startup)
    assert sampler._startup_needed(n_startup - 1) == n_startup
    assert sampler._startup_needed(n_startup + 5) == needed
