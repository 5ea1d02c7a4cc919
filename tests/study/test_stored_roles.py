"""The sampler and scheduler are stored with the study and rebuilt by other processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import hypersweep as hs
from hypersweep._internal.spec import decode, encode
from hypersweep.study.presets import bohb

ROLES = [
    hs.samplers.TPESampler(seed=1, n_startup_trials=3),
    hs.samplers.RandomSampler(seed=2),
    hs.samplers.QMCSampler(seed=3, qmc_type="halton"),
    hs.samplers.GPSampler(seed=4),
    hs.samplers.CmaEsSampler(seed=5, restart_strategy="ipop"),
    hs.samplers.GaussianESSampler(seed=6),
    hs.samplers.GridSampler({"x": [1, 2, 3]}),
    hs.samplers.PartialFixedSampler({"z": 0}, hs.samplers.CmaEsSampler(seed=0)),
    bohb().sampler,
    hs.schedulers.NopScheduler(),
    hs.schedulers.MedianScheduler(n_startup_trials=2),
    hs.schedulers.SuccessiveHalvingScheduler(1, 27, 3),
    hs.schedulers.HyperBandScheduler(1, 27, 3, asynchronous=True),
    hs.schedulers.ASHAScheduler(10, 90, 3, pause=True),
]


@pytest.mark.parametrize("obj", ROLES, ids=lambda o: type(o).__name__)
def test_every_sampler_and_scheduler_round_trips_through_json(obj: object) -> None:
    spec = json.loads(json.dumps(encode(obj)))
    rebuilt = decode(spec)
    assert type(rebuilt) is type(obj)
    assert encode(rebuilt) == spec
    assert getattr(rebuilt, "__dict__", {}).keys() == getattr(obj, "__dict__", {}).keys()


SCRIPT = """
import sys
import hypersweep as hs
study = hs.load_study(study_name="s", storage=sys.argv[1])
print(repr(study.sampler), "|", repr(study.scheduler))
"""


def test_a_fresh_process_rebuilds_the_stored_sampler_and_scheduler(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    hs.create_study(
        storage=url,
        study_name="s",
        sampler=hs.samplers.CmaEsSampler(seed=7),
        scheduler=hs.schedulers.ASHAScheduler(10, 90, 3),
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, url], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "CmaEsSampler(seed=7)" in out
    assert "ASHAScheduler(min_resource=10, max_resource=90, reduction_factor=3" in out


def test_a_different_sampler_given_on_load_wins_with_a_warning(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    hs.create_study(storage=url, study_name="s", sampler=hs.samplers.RandomSampler(seed=1))
    with pytest.warns(UserWarning, match="created with the sampler RandomSampler"):
        study = hs.load_study(study_name="s", storage=url, sampler=hs.samplers.TPESampler())
    assert isinstance(study.sampler, hs.samplers.TPESampler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = hs.load_study(study_name="s", storage=url, sampler=hs.samplers.RandomSampler(seed=1))
    assert same.sampler.seed == 1


def test_what_cannot_be_stored_warns_at_create_and_at_load(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with pytest.warns(UserWarning, match="sampler cannot be stored"):
        hs.create_study(
            storage=url, study_name="s", sampler=hs.samplers.TPESampler(gamma=lambda n: 1)
        )
    with pytest.warns(UserWarning, match="could not be stored"):
        study = hs.load_study(study_name="s", storage=url)
    assert isinstance(study.sampler, hs.samplers.TPESampler)


def test_two_cli_workers_prune_with_the_stored_scheduler(tmp_path: Path) -> None:
    (tmp_path / "obj.py").write_text(
        "import hypersweep as hs\n"
        "def objective(trial):\n"
        "    x = trial.suggest_float('x', 0, 1)\n"
        "    for step in range(1, 10):\n"
        "        trial.report(x * step, step)\n"
        "        if trial.should_prune():\n"
        "            raise hs.TrialPruned()\n"
        "    return x\n"
    )
    url = f"sqlite:///{tmp_path / 's.db'}"
    hs.create_study(
        storage=url,
        study_name="s",
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=hs.schedulers.ASHAScheduler(1, 9, 3),
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "hypersweep", "worker", "obj:objective", "--storage", url]
    cmd += ["--study", "s", "--n-trials", "8"]
    workers = [subprocess.Popen(cmd, env=env, cwd=tmp_path) for _ in range(2)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    trials = hs.load_study(study_name="s", storage=url).trials
    assert len(trials) == 16
    assert sum(t.state is hs.TrialState.PRUNED for t in trials) >= 8


def test_bohb_rebuilt_reads_one_observations_object() -> None:
    inner = decode(json.loads(json.dumps(encode(bohb().sampler)))).inner
    assert inner.gamma.__self__ is inner.observations
