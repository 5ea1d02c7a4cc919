from __future__ import annotations

from collections.abc import Callable

import pytest

import hypersweep as hs
from hypersweep.samplers import (
    CmaEsSampler,
    GaussianESSampler,
    PartialFixedSampler,
    RandomSampler,
    Sampler,
)
from hypersweep.testing import check_sampler


def test_conformance() -> None:
    check_sampler(lambda seed: PartialFixedSampler({"a": 0.5}, RandomSampler(seed=seed)))


@pytest.mark.parametrize("base", [CmaEsSampler, GaussianESSampler])
def test_conformance_over_samplers_with_shared_state(base: Callable[..., Sampler]) -> None:
    check_sampler(
        lambda seed: PartialFixedSampler(
            {"a": 0.5, "d": 2}, base(seed=seed, warn_independent_sampling=False)
        ),
        n_trials=20,
        multi_objective=False,
    )


def test_fixed_values_are_used_and_the_rest_searched() -> None:
    sampler = PartialFixedSampler({"kernel": "rbf"}, RandomSampler(seed=0))
    study = hs.create_study(sampler=sampler)
    study.optimize(
        lambda t: (
            len(t.suggest_categorical("kernel", ["rbf", "poly"]))
            + t.suggest_float("C", 1e-3, 1e3, log=True)
        ),
        n_trials=10,
    )
    assert {t.params["kernel"] for t in study.trials} == {"rbf"}
    assert len({t.params["C"] for t in study.trials}) == 10


def test_fixed_value_outside_the_distribution_fails_the_trial() -> None:
    study = hs.create_study(sampler=PartialFixedSampler({"x": 5.0}, RandomSampler()))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[0].state is hs.TrialState.FAIL
    assert "not in the suggested" in (study.trials[0].fail_reason or "")


def test_base_must_be_a_sampler() -> None:
    with pytest.raises(TypeError, match="base_sampler"):
        PartialFixedSampler({}, object())  # type: ignore[arg-type]
