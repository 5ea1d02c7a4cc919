"""One seed -> independent, reproducible random streams.

Every stochastic component derives its generator from ``SeedSequence(seed, spawn_key=...)``.
A trial's stream is keyed by the trial number, so the same seed gives the same trials in a
fresh process, and several workers sharing one seed still draw different trials.
"""

from __future__ import annotations

import numpy as np

from .validation import check_int


def resolve_seed(seed: int | None) -> int:
    """Return ``seed`` validated, or fresh OS entropy when it is ``None``."""
    if isinstance(seed, np.integer):
        seed = int(seed)
    checked = check_int("seed", seed, minimum=0, allow_none=True)
    if checked is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    return checked


def stream(seed: int, *key: int) -> np.random.Generator:
    """A generator for the stream ``key`` of ``seed`` (e.g. ``stream(seed, trial_number)``)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
