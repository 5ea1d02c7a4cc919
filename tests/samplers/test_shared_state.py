"""Samplers with state shared by every worker go through the storage's compare-and-set."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

import hypersweep as hs
from hypersweep.trial import FrozenTrial, History


class CountingSampler(hs.samplers.RandomSampler):
    """Hands out consecutive tickets from a counter kept in the study's shared state."""

    shared_state_key = "counter"

    def start_trial_shared(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator, state: bytes | None
    ) -> tuple[Mapping[str, Any], bytes | None]:
        count = json.loads(state) if state else 0
        return {"ticket": count}, json.dumps(count + 1).encode()


def test_state_is_stored_and_every_trial_gets_its_own_ticket() -> None:
    study = hs.create_study(sampler=CountingSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=30, n_jobs=4)
    tickets = sorted(t.system_attrs["ticket"] for t in study.trials)
    assert tickets == list(range(30))
    stored = study.storage.get_study_state(study._study_id, "counter")
    assert stored is not None and json.loads(stored.data) == 30 and stored.version == 30


def test_a_stale_version_is_retried_with_the_fresher_state() -> None:
    study = hs.create_study(sampler=CountingSampler(seed=0))
    storage, study_id = study.storage, study._study_id
    real_cas = storage.compare_and_set_study_state
    calls = {"n": 0}

    def racing_cas(sid: int, key: str, data: bytes, expected: int) -> bool:
        calls["n"] += 1
        if calls["n"] == 1:  # another worker writes first
            real_cas(sid, key, json.dumps(100).encode(), expected)
        return real_cas(sid, key, data, expected)

    storage.compare_and_set_study_state = racing_cas  # type: ignore[method-assign]
    trial = study.ask()
    assert trial.system_attrs["ticket"] == 100
    assert json.loads(storage.get_study_state(study_id, "counter").data) == 101  # type: ignore[union-attr]
