"""Journal storage with real worker processes: exact budgets, exactly-once queues, crashes."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import hypersweep as hs
from hypersweep.storage import get_storage

from . import _journal_workers as workers
from .test_journal import REDIS, redis_prefix


@pytest.fixture(params=["file", "redis"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "file":
        yield f"journal://{tmp_path}/study.log"
    else:
        for prefix in redis_prefix():
            yield f"{REDIS}?prefix={prefix}"


def _spawn(target: object, *args: object) -> multiprocessing.process.BaseProcess:
    proc = multiprocessing.get_context("spawn").Process(target=target, args=args)
    proc.start()
    return proc


def test_eight_worker_processes_share_one_study(url: str) -> None:
    n_trials = 200
    study = hs.create_study(storage=url, study_name="many")
    queued = [round(0.05 * i, 2) for i in range(10)]
    for x in queued:
        study.enqueue_trial({"x": x})
    shared = [0.91, 0.92, 0.93]  # every worker enqueues these with skip_if_exists=True
    procs = [
        _spawn(workers.run_worker, url, "many", n_trials, seed, [{"x": x} for x in shared])
        for seed in range(8)
    ]
    for proc in procs:
        proc.join(timeout=240)
        assert proc.exitcode == 0
    trials = hs.load_study(study_name="many", storage=url).trials
    assert [t.number for t in trials] == list(range(n_trials))
    assert {t.state for t in trials} == {hs.TrialState.COMPLETE}
    fixed = Counter(t.params["x"] for t in trials if "fixed_params" in t.system_attrs)
    assert sorted(fixed) == sorted(queued + shared)
    assert set(fixed.values()) == {1}, "an enqueued trial ran more than once"
    assert all(
        t.params["x"] == t.system_attrs["fixed_params"]["x"]
        for t in trials
        if "fixed_params" in t.system_attrs
    )


def test_optimize_with_process_workers_runs_exactly_n_trials(url: str) -> None:
    study = hs.create_study(storage=url, study_name="p")
    study.optimize(workers.quick, n_trials=3)
    study.optimize(workers.quick, n_trials=40, n_jobs=4, executor="processes")
    trials = study.trials
    assert [t.number for t in trials] == list(range(43))
    assert {t.state for t in trials} == {hs.TrialState.COMPLETE}


def test_a_killed_worker_s_trial_fails_and_is_retried(url: str, tmp_path: Path) -> None:
    hs.create_study(storage=url, study_name="k")
    mark = tmp_path / "hanging"
    victim = _spawn(workers.run_hanging_worker, url, "k", str(mark))
    storage = get_storage(
        url,
        heartbeat_interval=0.2,
        grace_period=1.0,
        failed_trial_callback=hs.RetryFailedTrialCallback(max_retry=1),
    )
    study = hs.load_study(study_name="k", storage=storage)
    deadline = time.monotonic() + 120
    # Wait until the hanging trial's parameter reached the log (its heartbeat flushes it).
    while not (mark.exists() and study.trials[workers.HANG_NUMBER].params):
        assert victim.is_alive() and time.monotonic() < deadline, "the worker never hung"
        time.sleep(0.05)
    hanging = study.trials[workers.HANG_NUMBER]
    victim.kill()  # SIGKILL: no chance to finish or flush anything
    victim.join(timeout=30)

    while not study.fail_stale_trials():
        assert time.monotonic() < deadline, "the dead worker's trial was never failed"
        time.sleep(0.1)
    trials = study.trials
    dead = trials[workers.HANG_NUMBER]
    assert dead.state is hs.TrialState.FAIL
    assert "no heartbeat" in (dead.fail_reason or "")
    assert [t.state for t in trials[:3]] == [hs.TrialState.COMPLETE] * 3
    retry = trials[-1]
    assert retry.state is hs.TrialState.WAITING
    assert retry.system_attrs["retry_of"] == workers.HANG_NUMBER

    study.optimize(workers.quick, n_trials=1)
    rerun = study.trials[retry.number]
    assert rerun.state is hs.TrialState.COMPLETE
    assert rerun.params == hanging.params
    assert study.fail_stale_trials() == []


@pytest.mark.slow
def test_eight_workers_stress_one_journal_file(tmp_path: Path) -> None:
    url = f"journal://{tmp_path}/stress.log"
    n_trials = 3000
    study = hs.create_study(storage=url, study_name="stress")
    queued = [i / 1000 for i in range(100)]
    for x in queued:
        study.enqueue_trial({"x": x})
    shared = [0.5001, 0.5002]  # skip_if_exists compares whole params: give all of them
    full = [{"x": x, "y": 3} for x in shared]
    procs = [
        _spawn(workers.run_worker, url, "stress", n_trials, seed, full, "reporting")
        for seed in range(8)
    ]
    for proc in procs:
        proc.join(timeout=600)
        assert proc.exitcode == 0
    trials = hs.load_study(study_name="stress", storage=url).trials
    assert [t.number for t in trials] == list(range(n_trials))
    assert {t.state for t in trials} == {hs.TrialState.COMPLETE}
    assert all(len(t.intermediate_values) == 3 and len(t.params) == 2 for t in trials)
    fixed = Counter(t.params["x"] for t in trials if "fixed_params" in t.system_attrs)
    assert sorted(fixed) == sorted(queued + shared) and set(fixed.values()) == {1}
    assert len({t.trial_id for t in trials}) == n_trials


@pytest.mark.slow
def test_workers_killed_mid_run_leave_a_consistent_study(tmp_path: Path) -> None:
    url = f"journal://{tmp_path}/killed.log"
    n_trials = 1500
    study = hs.create_study(storage=url, study_name="killed")
    queued = [i / 1000 for i in range(50)]
    for x in queued:
        study.enqueue_trial({"x": x})
    lease = (0.2, 1.0)
    procs = [
        _spawn(workers.run_worker, url, "killed", n_trials, seed, [], "reporting", lease)
        for seed in range(8)
    ]
    for victim in procs[:2]:
        time.sleep(1.5)
        victim.kill()
    for proc in procs:
        proc.join(timeout=600)
    assert [p.exitcode for p in procs[2:]] == [0] * 6
    storage = get_storage(url, heartbeat_interval=0.2, grace_period=1.0)
    survivor = hs.load_study(study_name="killed", storage=storage)
    deadline = time.monotonic() + 60
    while survivor.get_trials(states=(hs.TrialState.RUNNING,)):
        assert time.monotonic() < deadline, "a dead worker's trial was never failed"
        survivor.fail_stale_trials()
        time.sleep(0.1)
    trials = survivor.trials
    assert [t.number for t in trials] == list(range(n_trials))
    failed = [t for t in trials if t.state is hs.TrialState.FAIL]
    assert len(failed) <= 2
    assert all("no heartbeat" in (t.fail_reason or "") for t in failed)
    assert {t.state for t in trials} <= {hs.TrialState.COMPLETE, hs.TrialState.FAIL}
    started = Counter(
        t.system_attrs["fixed_params"]["x"] for t in trials if "fixed_params" in t.system_attrs
    )
    assert sorted(started) == queued and set(started.values()) == {1}
    fresh = hs.load_study(study_name="killed", storage=url).trials
    assert [(t.number, t.state, t.params) for t in fresh] == [
        (t.number, t.state, t.params) for t in trials
    ]
