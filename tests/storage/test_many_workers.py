"""Reliability with real processes on real storages: exact budgets, no duplicates, crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

import hypersweep as hs

from . import _mp_objectives
from .servers import MYSQL_URL, POSTGRES_URL, require_server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql", "mysql", "journal"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/study.db"
    if request.param == "journal":
        return f"journal://{tmp_path}/study.log"
    return require_server({"postgresql": POSTGRES_URL, "mysql": MYSQL_URL}[request.param])


def _worker(url: str, study: str, objective: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hypersweep",
            "worker",
            f"tests.storage._mp_objectives:{objective}",
            "--storage",
            url,
            "--study",
            study,
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_eight_worker_processes_share_one_study(storage_url: str) -> None:
    name = f"many-{uuid.uuid4().hex[:8]}"
    study = hs.create_study(storage=storage_url, study_name=name)
    enqueued = [round(0.05 * i, 2) for i in range(10)]
    for x in enqueued:
        study.enqueue_trial({"x": x})
    workers = [
        _worker(storage_url, name, "quick", "--max-trials", "120", "--seed", str(i))
        for i in range(8)
    ]
    for w in workers:
        _, err = w.communicate(timeout=240)
        assert w.returncode == 0, err
        assert "locked" not in err
    trials = hs.load_study(study_name=name, storage=storage_url).trials
    assert len(trials) == 120
    assert [t.number for t in trials] == list(range(120))
    assert all(t.state is hs.TrialState.COMPLETE for t in trials)
    runs = Counter(t.params["x"] for t in trials if t.system_attrs.get("fixed_params"))
    assert sorted(runs) == enqueued and set(runs.values()) == {1}


def test_skip_if_exists_holds_across_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    hs.create_study(storage=url, study_name="s")
    script = (
        "import hypersweep as hs\n"
        f"s = hs.load_study(study_name='s', storage={url!r})\n"
        "for i in range(20): s.enqueue_trial({'x': i / 20}, skip_if_exists=True)\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    assert len(hs.load_study(study_name="s", storage=url).trials) == 20


def test_optimize_with_process_workers_runs_exactly_n_trials(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/p.db"
    study = hs.create_study(storage=url, study_name="p")
    study.optimize(_mp_objectives.quick, n_trials=40, n_jobs=3, executor="processes")
    assert len(study.trials) == 40
    assert {t.state for t in study.trials} == {hs.TrialState.COMPLETE}
    with pytest.raises(ValueError, match="cannot be shared by worker processes"):
        hs.create_study().optimize(_mp_objectives.quick, n_trials=2, n_jobs=2, executor="processes")
    with pytest.raises(TypeError, match="picklable"):
        study.optimize(lambda t: 0.0, n_trials=2, n_jobs=2, executor="processes")


def test_a_killed_worker_s_trial_fails_and_is_retried(storage_url: str, tmp_path: Path) -> None:
    name = f"kill-{uuid.uuid4().hex[:8]}"
    study = hs.create_study(storage=storage_url, study_name=name)
    study.enqueue_trial({"x": _mp_objectives.HANG_VALUE})
    mark = tmp_path / "hanging"
    lease = ["--heartbeat-interval", "0.2", "--grace-period", "1.5"]
    env = {**os.environ, "HS_TEST_MARK": str(mark)}
    victim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hypersweep",
            "worker",
            "tests.storage._mp_objectives:hang_on_first_attempt",
            "--storage",
            storage_url,
            "--study",
            name,
            "--n-trials",
            "5",
            *lease,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not mark.exists():
        assert time.monotonic() < deadline, "the worker never started the hanging trial"
        time.sleep(0.05)
    hanging = int(mark.read_text())
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    time.sleep(2.0)  # past the grace period
    rescuer = subprocess.run(
        [
            sys.executable,
            "-m",
            "hypersweep",
            "worker",
            "tests.storage._mp_objectives:hang_on_first_attempt",
            "--storage",
            storage_url,
            "--study",
            name,
            "--n-trials",
            "3",
            "--max-retries",
            "1",
            *lease,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rescuer.returncode == 0, rescuer.stderr
    trials = hs.load_study(study_name=name, storage=storage_url).trials
    dead = trials[hanging]
    assert dead.state is hs.TrialState.FAIL
    assert "no heartbeat" in (dead.fail_reason or "")
    retries = [t for t in trials if t.system_attrs.get("retry_of") == hanging]
    assert len(retries) == 1
    assert retries[0].state is hs.TrialState.COMPLETE
    assert retries[0].params["x"] == _mp_objectives.HANG_VALUE
    assert all(t.state is hs.TrialState.COMPLETE for t in trials if t.number != hanging)
