"""GaussianESSampler: the isotropic ES on the shared-generation machinery."""

from __future__ import annotations

import pickle
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.samplers.es.state import load_state
from hypersweep.samplers.gaussian_es import GaussianESSampler
from hypersweep.testing import check_sampler

ATTR = "hypersweep.gaussian_es"


def shifted_sphere(trial: Any) -> float:
    return sum((trial.suggest_float(f"x{i}", -5.0, 5.0) - 1.7) ** 2 for i in range(6))


def test_conformance() -> None:
    check_sampler(
        lambda seed: GaussianESSampler(seed=seed, warn_independent_sampling=False),
        n_trials=20,
        multi_objective=False,
    )


def test_multi_objective_is_refused() -> None:
    with pytest.raises(ValueError, match="single objective"):
        hs.create_study(directions=["minimize"] * 2, sampler=GaussianESSampler())


def test_beats_random_search_on_a_shifted_sphere() -> None:
    def best(sampler: hs.samplers.Sampler) -> float:
        study = hs.create_study(sampler=sampler)
        study.optimize(shifted_sphere, n_trials=250)
        return study.best_value

    es = statistics.median(best(GaussianESSampler(seed=s)) for s in range(3))
    rnd = statistics.median(best(hs.samplers.RandomSampler(seed=s)) for s in range(3))
    assert es < rnd / 10, (es, rnd)


def test_threads_share_one_strategy_and_state_survives_storage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/g.db"
    study = hs.create_study(storage=url, study_name="g", sampler=GaussianESSampler(seed=0))
    study.optimize(shifted_sphere, n_trials=60, n_jobs=3)
    infos = [t.system_attrs[ATTR] for t in study.trials if ATTR in t.system_attrs]
    slots = [(info["gen"], info["slot"]) for info in infos]
    assert len(set(slots)) == len(slots)
    per_gen = Counter(g for g, _ in slots)
    assert sorted(per_gen) == list(range(max(per_gen) + 1))
    stored = study.storage.get_study_state(study._study_id, "gaussian_es")
    assert stored is not None
    state = load_state(stored.data)
    assert state.gen == max(per_gen) and pickle.loads(state.opt).generation == state.gen


def test_same_seed_same_trials() -> None:
    def run() -> list[dict[str, Any]]:
        study = hs.create_study(sampler=GaussianESSampler(seed=4, popsize=5))
        study.optimize(shifted_sphere, n_trials=25)
        return [t.params for t in study.trials]

    assert run() == run()
