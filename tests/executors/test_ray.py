"""RayExecutor on a real local Ray (2 CPUs, one per test session): every sampler family,
pause/resume schedulers, an in-memory study served to the workers, a killed worker."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.executors.ray import capacity, ray_options
from hypersweep.trial import TrialState, keys

from ..conftest import require
from . import _ray_objectives as objectives

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    """One local Ray with 2 CPUs for this module's tests (Ray is slow to start). It is shut
    down after them and the signal handlers it installed are put back, so that the rest of
    the session (tests/study/test_interrupts.py) sees hypersweep's own SIGTERM handling."""
    ray = require("ray")
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    started = not ray.is_initialized()  # type: ignore[attr-defined]
    if started:
        ray.init(  # type: ignore[attr-defined]
            num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False
        )
    yield ray
    if started:
        ray.shutdown()  # type: ignore[attr-defined]
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def test_resource_requests_become_ray_options_and_a_capacity() -> None:
    assert ray_options(None) == {"num_cpus": 1.0, "num_gpus": 0.0}
    assert ray_options({"gpu": 1}) == {"num_cpus": 1.0, "num_gpus": 1.0}
    assert capacity({"CPU": 2.0}, None) == 2
    assert capacity({"CPU": 16.0, "GPU": 4.0}, {"cpu": 1, "gpu": 0.5}) == 8
    assert capacity({"CPU": 2.0}, {"gpu": 1}) == 0
    assert capacity({"CPU": 8.0, "node": 1.0}, {"node": 0.25}) == 4


@pytest.mark.parametrize(
    "sampler",
    [
        hs.samplers.RandomSampler(seed=0),
        hs.samplers.TPESampler(seed=0, n_startup_trials=4),
        hs.samplers.CmaEsSampler(seed=0),
        hs.samplers.GPSampler(seed=0, n_startup_trials=4),
        hs.samplers.QMCSampler(seed=0),
    ],
    ids=lambda s: type(s).__name__,
)
def test_every_sampler_family_runs_an_in_memory_study_on_ray(
    ray_cluster: Any, sampler: Any
) -> None:
    study = hs.create_study(sampler=sampler)  # in memory: served to the workers
    study.optimize(objectives.quadratic, n_trials=12, executor="ray")
    assert len(study.trials) == 12  # exactly n_trials across both workers
    assert all(t.state is TrialState.COMPLETE for t in study.trials)
    assert study.best_value < 5.0
    assert len({t.datetime_start for t in study.trials}) == 12


def test_asha_pauses_and_resumes_on_ray_with_a_sqlite_study(
    ray_cluster: Any, tmp_path: Path
) -> None:
    study = hs.create_study(
        storage=f"sqlite:///{tmp_path / 'asha.db'}",
        sampler=hs.samplers.RandomSampler(seed=1),
        scheduler=hs.schedulers.ASHAScheduler(1, 9, 3, pause=True),
    )
    study.optimize(objectives.curve, n_trials=9, executor=hs.executors.RayExecutor())
    resumed = [t for t in study.trials if keys.RESUME_FROM in t.system_attrs]
    assert resumed, "no paused trial was resumed"
    assert not [t for t in study.trials if t.state is TrialState.FAIL]
    assert any(t.state is TrialState.COMPLETE and t.last_step == 9 for t in study.trials)


def test_tune_with_pbt_on_ray(ray_cluster: Any) -> None:
    pbt = hs.schedulers.PBTScheduler(3, {"x": hs.uniform(0.0, 1.0)}, seed=0)
    result = hs.tune(
        objectives.train,
        {"x": hs.uniform(0.0, 1.0)},
        metric="loss",
        num_samples=4,
        scheduler=pbt,
        sampler=hs.samplers.RandomSampler(seed=0),
        executor="ray",
        resources={"cpu": 1},
    )
    assert result.best_checkpoint["step"] == 9
    assert any(keys.LINEAGE_PARENT in t.system_attrs for t in result.trials)


def test_a_killed_ray_worker_s_trial_fails_and_is_retried(ray_cluster: Any, tmp_path: Path) -> None:
    storage = hs.storages.InMemoryStorage()
    storage.heartbeat_interval, storage.grace_period = 0.5, 2.0
    storage.failed_trial_callback = hs.RetryFailedTrialCallback(max_retry=1)
    study = hs.create_study(storage=storage, sampler=hs.samplers.RandomSampler(seed=0))
    study.set_user_attr(objectives.MARK_ATTR, str(tmp_path / "died"))
    study.optimize(objectives.die_once, n_trials=6, executor="ray", resources={"cpu": 1})
    died = int((tmp_path / "died").read_text())
    trials = study.trials
    assert trials[died].state is TrialState.FAIL
    retries = [t for t in trials if t.system_attrs.get(keys.RETRIED_FROM) == died]
    assert len(retries) == 1 and retries[0].state is TrialState.COMPLETE
    assert retries[0].params == trials[died].params
    assert not [t for t in trials if t.state is TrialState.RUNNING]


def test_a_request_the_cluster_cannot_hold_is_refused(ray_cluster: Any) -> None:
    study = hs.create_study()
    with pytest.raises(ValueError, match="No worker fits"):
        study.optimize(objectives.quadratic, n_trials=2, executor="ray", resources={"gpu": 1})


def test_resources_need_an_executor_that_places_them() -> None:
    study = hs.create_study()
    with pytest.raises(ValueError, match="executor='processes'"):
        study.optimize(objectives.quadratic, n_trials=1, resources={"cpu": 1})
    with pytest.raises(TypeError, match="resources must be a dict"):
        study.optimize(objectives.quadratic, n_trials=1, executor="ray", resources=2)  # type: ignore[arg-type]


def test_ctrl_c_on_the_driver_stops_the_workers_and_leaves_no_trial_running(
    ray_cluster: Any, tmp_path: Path
) -> None:
    import subprocess
    import sys
    import time

    url = f"sqlite:///{tmp_path / 'ctrl-c.db'}"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.executors._ray_objectives", url], cwd=root
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, "the driver ended early"
            assert time.monotonic() < deadline, "the workers never started their trials"
            try:
                trials = hs.load_study(study_name="ctrl-c", storage=url).trials
            except Exception:
                trials = []
            if sum(t.state is TrialState.RUNNING for t in trials) == 2:
                break
            time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)  # the trials sleep 120 s: nobody waited for them
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code != 0
    trials = hs.load_study(study_name="ctrl-c", storage=url).trials
    assert len(trials) == 2
    assert all(t.state is TrialState.FAIL for t in trials)
    assert all(t.fail_reason == "interrupted by KeyboardInterrupt" for t in trials)
