"""Per-trial GPUs without Ray: the process executor pins each worker to its share of the
machine's GPUs through CUDA_VISIBLE_DEVICES (no GPU needed to check it)."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

import hypersweep as hs
from hypersweep.executors.resources import check_resources, gpu_plan, visible_gpus

from . import _ray_objectives as objectives


def test_fractions_pack_workers_on_each_gpu_and_whole_numbers_spread_them() -> None:
    assert gpu_plan(0.5, 4, ["0", "1"]) == ["0", "0", "1", "1"]
    assert gpu_plan(0.125, 8, ["3"]) == ["3"] * 8
    assert gpu_plan(1, 2, ["0", "1", "2"]) == ["0", "1"]
    assert gpu_plan(2, 2, ["4", "5", "6", "7"]) == ["4,5", "6,7"]
    assert gpu_plan(0.3, 3, ["0"]) == ["0", "0", "0"]  # floor(1 / 0.3) = 3 per GPU


def test_requests_that_do_not_fit_say_what_to_change() -> None:
    with pytest.raises(ValueError, match="Lower n_jobs to 4"):
        gpu_plan(0.5, 5, ["0", "1"])
    with pytest.raises(ValueError, match="shows none"):
        gpu_plan(1, 1, [])
    with pytest.raises(ValueError, match="fraction of one GPU"):
        check_resources({"gpu": 1.5})
    with pytest.raises(ValueError, match=">= 0"):
        check_resources({"cpu": -1})
    with pytest.raises(TypeError, match="must be a number"):
        check_resources({"gpu": "half"})


def test_visible_gpus_follow_cuda_visible_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2, 3")
    assert visible_gpus() == ["2", "3"]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "-1")
    assert visible_gpus() == []


def test_process_workers_share_the_gpus_two_by_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    study = hs.create_study(
        storage=f"sqlite:///{tmp_path / 'gpu.db'}", sampler=hs.samplers.RandomSampler(seed=0)
    )
    study.optimize(
        objectives.visible_devices,
        n_trials=12,
        n_jobs=4,
        executor="processes",
        resources={"gpu": 0.5},
    )
    trials = study.trials
    assert len(trials) == 12 and all(t.state is hs.TrialState.COMPLETE for t in trials)
    device_of_pid = {}
    for t in trials:
        pid, devices = t.user_attrs["pid"], t.user_attrs["devices"]
        assert devices in ("0", "1")
        assert device_of_pid.setdefault(pid, devices) == devices  # a worker keeps its GPU
    pids_per_device = collections.Counter(device_of_pid.values())
    assert max(pids_per_device.values()) <= 2
