"""``check_sampler`` passes correct samplers and rejects each broken twin, saying why."""

from __future__ import annotations

import pytest

import hypersweep as hs
from hypersweep.testing import ConformanceError, check_sampler
from hypersweep.testing.sampler import SamplerFactory

from . import broken_samplers as b

CORRECT: dict[str, SamplerFactory] = {
    "uniform": lambda seed: b.UniformSampler(seed),
    "tilted": lambda seed: b.TiltedSampler({"a": 3.0, "b": 0.5}, seed=seed),
    "transform": lambda seed: b.TransformSampler(b.square_root, seed=seed),
}

BROKEN: dict[str, tuple[SamplerFactory, str]] = {
    "same point every trial": (
        lambda seed: b.StuckSampler(seed),
        r"proposes the same point over and over: .* in 30 of 30 trials",
    ),
    "values outside the distribution": (
        lambda seed: b.OutOfBoundsSampler(seed),
        r"trial 0: a=.* is not in FloatDistribution\(low=-2\.0, high=2\.0",
    ),
    "ignores its rng (unseeded)": (
        lambda seed: b.UnseededSampler(seed),
        r"the same seed must give the same trials, but two samplers of seed 0 differ",
    ),
    "does not pass its seed on": (
        lambda seed: b.ForgetsSeedSampler(seed),
        r"the same seed must give the same trials",
    ),
    "depends on the global random state": (
        lambda seed: b.GlobalStateSampler(seed),
        r"the trials depend on the global random state \(random / numpy\.random\)",
    ),
    "ignores its seed": (
        lambda seed: b.SeedIgnoringSampler(seed),
        r"another seed must give other trials, but seeds 0 and 1 gave the same",
    ),
    "modifies a constructor argument": (
        lambda seed: b.DrainingTiltedSampler({"a": 3.0, "b": 0.5}, seed=seed),
        r"the sampler rebuilt from its specification .*\"tilt\": \{\"\$dict\": \{\}\}.* "
        r"proposes other trials than the original \(trial 0: .*do not modify an argument",
    ),
    "an argument that cannot be stored": (
        lambda seed: b.TransformSampler(lambda u: float(u**0.5), seed=seed),
        r"the sampler cannot be stored with a study \(sampler\.transform: .*lambda.*\).* "
        r"pass only JSON-able values .* or samplers/schedulers/distributions",
    ),
    "a class without an import path": (
        lambda seed: b.local_sampler_class()(seed),
        r"the sampler cannot be stored with a study \(.*LocalUniformSampler.* has no import "
        r"path",
    ),
}


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_correct_samplers_pass(name: str) -> None:
    check_sampler(CORRECT[name])


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_twin_is_rejected_with_its_reason(name: str) -> None:
    factory, message = BROKEN[name]
    with pytest.raises(ConformanceError, match=message):
        check_sampler(factory)


def test_the_errors_are_assertion_errors() -> None:
    """Test runners report them as failures (and they survive ``python -O``)."""
    with pytest.raises(AssertionError):
        check_sampler(lambda seed: b.StuckSampler(seed))


def test_a_factory_returning_something_else_is_refused() -> None:
    with pytest.raises(ConformanceError, match=r"must return a hypersweep\.samplers\.Sampler"):
        check_sampler(lambda seed: object())  # type: ignore[arg-type,return-value]


def test_the_global_random_state_is_left_as_it_was() -> None:
    import random

    import numpy as np

    random.seed(123)
    np.random.seed(123)
    expected = (random.random(), np.random.random())
    random.seed(123)
    np.random.seed(123)
    check_sampler(lambda seed: hs.samplers.RandomSampler(seed=seed), n_trials=10)
    assert (random.random(), np.random.random()) == expected
