"""Every rung scheduler, stopping and pausing, with every sampler and every executor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.executors import InlineExecutor, ThreadExecutor
from hypersweep.executors.simulated import SimulatedExecutor
from hypersweep.schedulers.asha import ASHAScheduler
from hypersweep.schedulers.hyperband import HyperBandScheduler
from hypersweep.schedulers.successive_halving import SuccessiveHalvingScheduler
from hypersweep.study.presets import bohb
from hypersweep.testing import check_scheduler

from .test_sha import curve_objective

SCHEDULERS: dict[str, Callable[[bool], hs.schedulers.Scheduler]] = {
    "sha": lambda pause: SuccessiveHalvingScheduler(1, 9, 3, n_configs=9, pause=pause),
    "asha": lambda pause: ASHAScheduler(1, 9, 3, pause=pause),
    "hyperband": lambda pause: HyperBandScheduler(1, 9, 3, pause=pause),
    "async-hyperband": lambda pause: HyperBandScheduler(1, 9, 3, asynchronous=True, pause=pause),
}


def _samplers() -> dict[str, Callable[[], hs.samplers.Sampler]]:
    from hypersweep.samplers.gp import GPSampler
    from hypersweep.samplers.tpe import TPESampler

    return {
        "random": lambda: hs.samplers.RandomSampler(seed=0),
        "qmc": lambda: hs.samplers.QMCSampler(seed=0),
        "grid": lambda: hs.samplers.GridSampler({"x": [i / 20 for i in range(21)]}, seed=0),
        "partial-fixed": lambda: hs.samplers.PartialFixedSampler(
            {"unused": 1}, hs.samplers.RandomSampler(seed=0)
        ),
        "tpe": lambda: TPESampler(seed=0, n_startup_trials=5),
        "gp": lambda: GPSampler(seed=0, n_startup_trials=8),
        "bohb": lambda: bohb(1, 9, 3, seed=0).sampler,
    }


EXECUTORS: dict[str, Callable[[], Any]] = {
    "inline": InlineExecutor,
    "threads": ThreadExecutor,
    "simulated": SimulatedExecutor,
}


def _check(study: hs.Study, n_configs: int) -> None:
    by_number = {t.number: t for t in study.trials}
    roots = [t for t in study.trials if "lineage" not in t.system_attrs]
    assert len(roots) == n_configs
    assert {t.state for t in study.trials} <= {hs.TrialState.COMPLETE, hs.TrialState.PRUNED}
    assert study.get_trials(states=(hs.TrialState.COMPLETE,))
    sources = []
    for t in study.trials:
        src = t.system_attrs.get("resume_from")
        if src is not None:
            sources.append(src)
            assert t.params == by_number[src].params
            assert by_number[src].system_attrs["paused_at"] is not None
    assert len(sources) == len(set(sources))


@pytest.mark.parametrize("pause", [False, True], ids=["stop", "pause"])
@pytest.mark.parametrize("scheduler", sorted(SCHEDULERS))
@pytest.mark.parametrize("sampler", ["random", "qmc", "grid", "partial-fixed", "tpe"])
def test_every_sampler(scheduler: str, sampler: str, pause: bool) -> None:
    study = hs.create_study(sampler=_samplers()[sampler](), scheduler=SCHEDULERS[scheduler](pause))
    study.optimize(
        curve_objective(9), n_trials=18, n_jobs=3, executor=SimulatedExecutor(), catch=()
    )
    _check(study, 18)


@pytest.mark.parametrize("sampler", ["gp", "bohb"])
@pytest.mark.parametrize("pause", [False, True], ids=["stop", "pause"])
def test_model_based_samplers(sampler: str, pause: bool) -> None:
    study = hs.create_study(
        sampler=_samplers()[sampler](), scheduler=SCHEDULERS["hyperband"](pause)
    )
    study.optimize(
        curve_objective(9), n_trials=17, n_jobs=2, executor=SimulatedExecutor(), catch=()
    )
    _check(study, 17)


@pytest.mark.parametrize("pause", [False, True], ids=["stop", "pause"])
@pytest.mark.parametrize("scheduler", sorted(SCHEDULERS))
@pytest.mark.parametrize("executor", sorted(EXECUTORS))
def test_every_executor(scheduler: str, executor: str, pause: bool) -> None:
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=1), scheduler=SCHEDULERS[scheduler](pause)
    )
    n_jobs = 1 if executor == "inline" else 3
    study.optimize(
        curve_objective(9), n_trials=18, n_jobs=n_jobs, executor=EXECUTORS[executor](), catch=()
    )
    _check(study, 18)


@pytest.mark.parametrize("scheduler", sorted(SCHEDULERS))
def test_pause_variants_pass_the_shipped_conformance_suite(scheduler: str) -> None:
    """``check_scheduler`` counts configurations (records without ``lineage``), so the
    pausing variants, which add a continuation record per promotion, pass it as they are."""
    check_scheduler(lambda: SCHEDULERS[scheduler](True))
