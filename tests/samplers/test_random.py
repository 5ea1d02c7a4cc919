from __future__ import annotations

import numpy as np
from scipy import stats

import hypersweep as hs
from hypersweep.testing import check_sampler, mixed_objective


def test_conformance() -> None:
    check_sampler(lambda seed: hs.samplers.RandomSampler(seed=seed))


def test_golden_history() -> None:
    """Seed 0 gives exactly these first trials; a change here changes users' results."""
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(mixed_objective, n_trials=2)
    assert [t.params for t in study.trials] == GOLDEN


GOLDEN: list[dict] = [
    {
        "a": 1.7717502115315176,
        "b": 0.03816680112383307,
        "c": 0.7,
        "d": -3,
        "e": 13,
        "f": 15,
        "g": "x",
        "single": 2.0,
    },
    {
        "a": 0.7087874279004076,
        "b": 0.016403394989300994,
        "c": 0.6,
        "d": -1,
        "e": 267,
        "f": 15,
        "g": None,
        "single": 2.0,
    },
]


def _draw(dist: hs.FloatDistribution | hs.IntDistribution, n: int = 4000) -> np.ndarray:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=3))
    study.optimize(lambda t: t._suggest("v", dist) * 0.0, n_trials=n)
    return np.array([t.params["v"] for t in study.trials], dtype=float)


def test_uniform_and_log_uniform_marginals() -> None:
    linear = _draw(hs.FloatDistribution(-2.0, 6.0))
    assert stats.kstest(linear, stats.uniform(-2.0, 8.0).cdf).pvalue > 1e-3
    logged = _draw(hs.FloatDistribution(1e-4, 1.0, log=True))
    assert stats.kstest(np.log10(logged), stats.uniform(-4.0, 4.0).cdf).pvalue > 1e-3


def test_integers_are_equally_likely() -> None:
    values = _draw(hs.IntDistribution(1, 5))
    counts = np.bincount(values.astype(int))[1:]
    assert stats.chisquare(counts).pvalue > 1e-3


def test_parallel_workers_with_one_seed_draw_different_trials() -> None:
    sampler = hs.samplers.RandomSampler(seed=7)
    study = hs.create_study(sampler=sampler)
    a, b = study.ask(), study.ask()
    assert a.suggest_float("x", 0, 1) != b.suggest_float("x", 0, 1)
