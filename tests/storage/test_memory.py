from __future__ import annotations

import threading

import pytest

import hypersweep as hs
from hypersweep.storage import InMemoryStorage, get_storage
from hypersweep.testing import check_storage


def test_conformance() -> None:
    check_storage(InMemoryStorage)


def test_threads_sharing_one_study_get_distinct_numbers() -> None:
    storage = InMemoryStorage()
    study = hs.create_study(storage=storage, sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=200, n_jobs=4)
    numbers = [t.number for t in study.trials]
    assert numbers == list(range(200))
    assert all(t.state is hs.TrialState.COMPLETE for t in study.trials)


def test_finished_snapshots_are_cached_and_immutable_to_callers() -> None:
    storage = InMemoryStorage()
    study_id = storage.create_new_study((hs.StudyDirection.MINIMIZE,), "s")
    trial = storage.create_new_trial(study_id)
    storage.finish_trial(trial.trial_id, hs.TrialState.COMPLETE, [1.0])
    first = storage.get_trial(trial.trial_id)
    assert storage.get_trial(trial.trial_id) is first
    dict(first.params)["x"] = 1  # a copy: storage is untouched
    assert storage.get_trial(trial.trial_id).params == {}


def test_concurrent_finish_succeeds_exactly_once() -> None:
    storage = InMemoryStorage()
    study_id = storage.create_new_study((hs.StudyDirection.MINIMIZE,), "s")
    trial = storage.create_new_trial(study_id)
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                storage.finish_trial(trial.trial_id, hs.TrialState.COMPLETE, [0.0])
            )
        )
        for _ in range(8)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results.count(True) == 1


def test_storage_urls() -> None:
    assert isinstance(get_storage("memory"), InMemoryStorage)
    with pytest.raises(ValueError, match="Unknown storage URL 'ftp://x'"):
        get_storage("ftp://x")
    with pytest.raises(TypeError, match="storage must be"):
        get_storage(42)  # type: ignore[arg-type]
