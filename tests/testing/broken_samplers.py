"""Samplers for the conformance suite's own tests: correct ones and their broken twins.

Each broken twin differs from the correct sampler it subclasses in one way, named in its
docstring. They live at module level so that their specifications can be rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import hypersweep as hs
from hypersweep.space import Distribution, FloatDistribution
from hypersweep.trial import FrozenTrial, History


class UniformSampler(hs.samplers.Sampler):
    """Correct: one uniform draw per parameter from the trial's rng."""

    def unit(self, trial: FrozenTrial, name: str, rng: np.random.Generator) -> float:
        """The draw in [0, 1) that becomes the value of ``name``."""
        return float(rng.random())

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        return distribution.from_unit_scalar(self.unit(trial, name, rng))


class StuckSampler(UniformSampler):
    """Broken: re-creates its generator from the seed on every call, so every trial gets the
    same point (reproducible, and seeds differ, but it never explores)."""

    def unit(self, trial: FrozenTrial, name: str, rng: np.random.Generator) -> float:
        return float(np.random.default_rng(self.seed).random())


class OutOfBoundsSampler(UniformSampler):
    """Broken: float values are shifted by the width of their range, past ``high``."""

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        value = super().sample_independent(history, trial, name, distribution, rng)
        if isinstance(distribution, FloatDistribution):
            return value + (distribution.high - distribution.low)
        return value


class UnseededSampler(UniformSampler):
    """Broken: ignores the rng it is given and draws from fresh OS entropy."""

    def unit(self, trial: FrozenTrial, name: str, rng: np.random.Generator) -> float:
        return float(np.random.default_rng().random())


class ForgetsSeedSampler(UniformSampler):
    """Broken: its ``__init__`` does not pass ``seed`` on, so every instance gets a random
    seed."""

    def __init__(self, seed: int | None = None) -> None:
        super().__init__()


class GlobalStateSampler(UniformSampler):
    """Broken: draws from the global ``numpy.random`` state instead of its rng."""

    def unit(self, trial: FrozenTrial, name: str, rng: np.random.Generator) -> float:
        return float(np.random.random())


class SeedIgnoringSampler(UniformSampler):
    """Broken: seeds its draws with the trial number alone, so every seed gives the same
    trials."""

    def unit(self, trial: FrozenTrial, name: str, rng: np.random.Generator) -> float:
        return float(np.random.default_rng([trial.number, len(trial.params)]).random())


class TiltedSampler(UniformSampler):
    """Correct: raises the draw of each parameter named in ``tilt`` to that power, keeping a
    copy of ``tilt``."""

    def __init__(self, tilt: dict[str, float], seed: int | None = None) -> None:
        super().__init__(seed)
        self.tilt = dict(tilt)

    def unit(self, trial: FrozenTrial, name: str, rng: np.random.Generator) -> float:
        return float(rng.random()) ** self.tilt.get(name, 1.0)


class DrainingTiltedSampler(TiltedSampler):
    """Broken: moves the entries out of the caller's ``tilt`` instead of copying it, so the
    recorded argument (the same dict) is empty and a rebuilt sampler has no tilt."""

    def __init__(self, tilt: dict[str, float], seed: int | None = None) -> None:
        super().__init__({}, seed)
        while tilt:
            name, power = tilt.popitem()
            self.tilt[name] = power


class TransformSampler(UniformSampler):
    """Correct: maps each draw through ``transform`` (a function importable by path)."""

    def __init__(self, transform: Callable[[float], float], seed: int | None = None) -> None:
        super().__init__(seed)
        self.transform = transform

    def unit(self, trial: FrozenTrial, name: str, rng: np.random.Generator) -> float:
        return self.transform(float(rng.random()))


def square_root(u: float) -> float:
    """A transform a specification can store (by its import path)."""
    return float(u**0.5)


def local_sampler_class() -> type[hs.samplers.Sampler]:
    """Broken: :class:`UniformSampler`, defined inside a function (no import path)."""

    class LocalUniformSampler(UniformSampler):
        pass

    return LocalUniformSampler
