"""Every rung scheduler, stopping and pausing, with every sampler and every executor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.executors import InlineExecutor, SimulatedExecutor, ThreadExecutor
from hypersweep.schedulers import ASHAScheduler, HyperBandScheduler, SuccessiveHalvingScheduler
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
    """Through the public namespace only (the sampler modules move into subpackages)."""
    return {
        "random": lambda: hs.samplers.RandomSampler(seed=0),
        "qmc": lambda: hs.samplers.QMCSampler(seed=0),
        "grid": lambda: hs.samplers.GridSampler({"x": [i / 20 for i in range(21)]}, seed=0),
        "partial-fixed": lambda: hs.samplers.PartialFixedSampler(
            {"unused": 1}, hs.samplers.RandomSampler(seed=0)
        ),
        "tpe": lambda: hs.samplers.TPESampler(seed=0, n_startup_trials=5),
        "gp": lambda: hs.samplers.GPSampler(seed=0, n_startup_trials=8),
        "bohb": lambda: bohb(1, 9, 3, seed=0).sampler,
        "cmaes": lambda: hs.samplers.CmaEsSampler(seed=0),
        "gaussian-es": lambda: hs.samplers.GaussianESSampler(seed=0),
    }


#: The evolution strategies sample in generations (a shared population), which pruned and
#: paused trials must not stall.
EVOLUTION_STRATEGIES = ["cmaes", "gaussian-es"]


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
@pytest.mark.parametrize(
    "sampler", ["random", "qmc", "grid", "partial-fixed", "tpe", *EVOLUTION_STRATEGIES]
)
def test_every_sampler(scheduler: str, sampler: str, pause: bool) -> None:
    study = hs.create_study(sampler=_samplers()[sampler](), scheduler=SCHEDULERS[scheduler](pause))
    study.optimize(
        curve_objective(9), n_trials=18, n_jobs=3, executor=SimulatedExecutor(), catch=()
    )
    _check(study, 18)


#: The trial system attribute each evolution strategy puts its (generation, slot) in.
ES_ATTRS = {"cmaes": "hypersweep.cmaes", "gaussian-es": "hypersweep.gaussian_es"}
POPSIZE = 4


def _untold_generations(study: hs.Study, attr: str) -> list[tuple[int, int, int]]:
    """(trial, generation, finished) for each new configuration that was still given a slot
    of a generation of which ``POPSIZE`` configurations had already finished (COMPLETE,
    possibly through a continuation): that generation should have been told and replaced."""
    finished = {}
    for t in study.trials:
        if t.state is hs.TrialState.COMPLETE:
            finished[t.system_attrs.get("lineage", t.number)] = t.datetime_complete
    roots = [t for t in study.trials if attr in t.system_attrs and "lineage" not in t.system_attrs]
    holders: dict[int, list[int]] = {}
    for t in roots:
        holders.setdefault(t.system_attrs[attr]["gen"], []).append(t.number)
    out = []
    for t in roots:
        gen = t.system_attrs[attr]["gen"]
        done = [r for r in holders[gen] if r in finished and finished[r] < t.datetime_start]
        if len(done) >= POPSIZE:
            out.append((t.number, gen, len(done)))
    return out


def _es_trials(study: hs.Study, sampler: str) -> list[hs.FrozenTrial]:
    return [t for t in study.trials if ES_ATTRS[sampler] in t.system_attrs]


# A paused configuration's first record stays PRUNED: the evolution strategies follow its
# lineage to the continuation that finishes it (once a bug: pausing ASHA/SHA never got past
# generation 0).
@pytest.mark.parametrize("pause", [False, True], ids=["stop", "pause"])
@pytest.mark.parametrize("scheduler", sorted(SCHEDULERS))
@pytest.mark.parametrize("sampler", EVOLUTION_STRATEGIES)
def test_evolution_strategies_tell_every_finished_configuration(
    sampler: str, scheduler: str, pause: bool
) -> None:
    make = {"cmaes": hs.samplers.CmaEsSampler, "gaussian-es": hs.samplers.GaussianESSampler}
    study = hs.create_study(
        sampler=make[sampler](seed=0, popsize=POPSIZE), scheduler=SCHEDULERS[scheduler](pause)
    )
    study.optimize(
        curve_objective(9), n_trials=90, n_jobs=3, executor=SimulatedExecutor(), catch=()
    )
    _check(study, 90)
    assert max(t.system_attrs[ES_ATTRS[sampler]]["gen"] for t in _es_trials(study, sampler)) > 0
    assert _untold_generations(study, ES_ATTRS[sampler]) == []


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
