"""Differential tests of ``hs.pruners``: the same enqueued trials with fixed intermediate
values (ties and a NaN included) must be pruned at the same steps by hypersweep and Optuna."""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep.testing import check_scheduler

N_TRIALS, N_STEPS = 24, 20


def _curves(seed: int) -> list[list[float]]:
    """Learning curves rounded to 0.05: many trials tie at the same step."""
    rng = np.random.default_rng(seed)
    curves = []
    for _ in range(N_TRIALS):
        level, speed = rng.uniform(0.3, 0.9), rng.uniform(0.05, 0.3)
        curve = [
            round(20 * (level * (1 - math.exp(-speed * (s + 1))) + rng.normal(0, 0.02))) / 20
            for s in range(N_STEPS)
        ]
        curves.append(curve)
    curves[7][5] = float("nan")  # one NaN report
    curves[12] = list(curves[3])  # two identical trials
    return curves


def _run(lib: types.ModuleType, pruner: Any, direction: str, curves: list[list[float]]) -> list:
    def objective(trial: Any) -> float:
        k = trial.suggest_int("k", 0, len(curves) - 1)
        for step, value in enumerate(curves[k]):
            trial.report(value, step)
            if trial.should_prune():
                raise lib.TrialPruned()
        return curves[k][-1]

    study = lib.create_study(
        study_name="pruning-compat",
        direction=direction,
        pruner=pruner,
        sampler=lib.samplers.RandomSampler(seed=0),
    )
    for k in range(len(curves)):
        study.enqueue_trial({"k": k})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(objective, n_trials=len(curves))
    return [(t.state.name, t.last_step) for t in study.trials]


def _optuna() -> types.ModuleType:
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    return optuna


# (label, factory taking the library's pruners module)
CASES: list[tuple[str, Callable[[Any], Any]]] = [
    ("median-default", lambda p: p.MedianPruner()),
    (
        "median-warmup",
        lambda p: p.MedianPruner(n_startup_trials=2, n_warmup_steps=3, interval_steps=4),
    ),
    ("percentile-25", lambda p: p.PercentilePruner(25.0, n_startup_trials=3)),
    (
        "percentile-80-min-trials",
        lambda p: p.PercentilePruner(
            80.0, n_startup_trials=1, n_warmup_steps=2, interval_steps=3, n_min_trials=4
        ),
    ),
    ("sha-auto", lambda p: p.SuccessiveHalvingPruner()),
    ("sha-1-3", lambda p: p.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)),
    (
        "sha-rate",
        lambda p: p.SuccessiveHalvingPruner(
            min_resource=2, reduction_factor=2, min_early_stopping_rate=1
        ),
    ),
    (
        "sha-bootstrap",
        lambda p: p.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3, bootstrap_count=2),
    ),
    ("hyperband-auto", lambda p: p.HyperbandPruner()),
    ("hyperband-27", lambda p: p.HyperbandPruner(min_resource=1, max_resource=27)),
    (
        "hyperband-bootstrap",
        lambda p: p.HyperbandPruner(
            min_resource=2, max_resource=20, reduction_factor=2, bootstrap_count=1
        ),
    ),
    (
        "threshold",
        lambda p: p.ThresholdPruner(lower=0.2, upper=0.8, n_warmup_steps=1, interval_steps=2),
    ),
    ("patient-alone", lambda p: p.PatientPruner(None, patience=3)),
    (
        "patient-median",
        lambda p: p.PatientPruner(p.MedianPruner(n_startup_trials=2), patience=2, min_delta=0.01),
    ),
    ("wilcoxon", lambda p: p.WilcoxonPruner(p_threshold=0.1)),
    ("wilcoxon-startup", lambda p: p.WilcoxonPruner(p_threshold=0.3, n_startup_steps=8)),
    ("nop", lambda p: p.NopPruner()),
]


@pytest.mark.parametrize("direction", ["maximize", "minimize"])
@pytest.mark.parametrize(("label", "factory"), CASES, ids=[c[0] for c in CASES])
def test_same_pruning_as_optuna(label: str, factory: Callable[[Any], Any], direction: str) -> None:
    optuna = _optuna()
    curves = _curves(seed=len(label))
    if label.startswith("wilcoxon"):  # scipy's test is slow (~60 ms a call): fewer reports
        curves = [c[:8] for c in curves[:12]]
    ours = _run(hs, factory(hs.pruners), direction, curves)
    theirs = _run(optuna, factory(optuna.pruners), direction, curves)
    assert ours == theirs
    if label not in ("nop", "threshold", "wilcoxon-startup") and direction == "maximize":
        assert any(state == "PRUNED" for state, _ in ours), "the case must exercise pruning"


def test_tied_trials_go_on_in_successive_halving() -> None:
    """At a rung whose cut-off value is shared by several trials, they all go on (ranking
    the ties by trial number would stop trial 2 at the first rung: 1 of 3 goes on)."""
    curves = [[0.5] * 10 for _ in range(9)]
    curves[0] = [0.9] * 10  # minimised: the worst trial; every other one ties at 0.5
    ours = _run_small(
        hs.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3), curves
    )
    assert [state for state, _ in ours] == ["COMPLETE"] * 9


def _run_small(pruner: Any, curves: list[list[float]]) -> list:
    def objective(trial: hs.Trial) -> float:
        k = trial.suggest_int("k", 0, len(curves) - 1)
        for step, value in enumerate(curves[k]):
            trial.report(value, step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return curves[k][-1]

    study = hs.create_study(direction="minimize", pruner=pruner)
    for k in range(len(curves)):
        study.enqueue_trial({"k": k})
    study.optimize(objective, n_trials=len(curves))
    return [(t.state.name, t.last_step) for t in study.trials]


def test_asha_keeps_tied_trials() -> None:
    """Our own ASHA stopping variant follows the same tie rule."""
    curves = [[0.5] * 10 for _ in range(6)]
    ours = _run_small(hs.schedulers.ASHAScheduler(1, 9, 3), curves)
    assert all(state == "COMPLETE" for state, _ in ours)


@pytest.mark.parametrize(
    "factory",
    [
        lambda: hs.pruners.PercentilePruner(25.0, n_startup_trials=3),
        lambda: hs.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
        lambda: hs.pruners.SuccessiveHalvingPruner(),
        lambda: hs.pruners.HyperbandPruner(min_resource=1, max_resource=27),
        lambda: hs.pruners.HyperbandPruner(),
        lambda: hs.pruners.ThresholdPruner(upper=1.5),
        lambda: hs.pruners.PatientPruner(hs.pruners.MedianPruner(n_startup_trials=3), 2),
        lambda: hs.pruners.WilcoxonPruner(),
    ],
)
def test_conformance(factory: Callable[[], hs.schedulers.Scheduler]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_scheduler(factory)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: hs.pruners.PercentilePruner(101.0), ValueError),
        (lambda: hs.pruners.PercentilePruner("50"), TypeError),
        (lambda: hs.pruners.ThresholdPruner(), TypeError),
        (lambda: hs.pruners.ThresholdPruner(lower=2.0, upper=1.0), ValueError),
        (lambda: hs.pruners.ThresholdPruner(lower="x"), TypeError),
        (lambda: hs.pruners.SuccessiveHalvingPruner(reduction_factor=1), ValueError),
        (lambda: hs.pruners.SuccessiveHalvingPruner(min_resource=0), ValueError),
        (lambda: hs.pruners.SuccessiveHalvingPruner(bootstrap_count=1), ValueError),
        (lambda: hs.pruners.HyperbandPruner(bootstrap_count=1), ValueError),
        (lambda: hs.pruners.HyperbandPruner(min_resource=5, max_resource=2), ValueError),
        (lambda: hs.pruners.PatientPruner(None, patience=-1), ValueError),
        (lambda: hs.pruners.PatientPruner(None, patience=1, min_delta=-0.1), ValueError),
        (lambda: hs.pruners.PatientPruner(object(), patience=1), TypeError),
        (lambda: hs.pruners.WilcoxonPruner(p_threshold=2.0), ValueError),
        (lambda: hs.pruners.WilcoxonPruner(n_startup_steps=-1), ValueError),
    ],
)
def test_bad_arguments(make: Callable[[], Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        make()


def test_single_objective_only() -> None:
    for pruner in (
        hs.pruners.PercentilePruner(50.0),
        hs.pruners.HyperbandPruner(),
        hs.pruners.WilcoxonPruner(),
        hs.pruners.ThresholdPruner(upper=1.0),
    ):
        with pytest.raises(ValueError, match="objective"):
            hs.create_study(directions=["minimize", "minimize"], pruner=pruner)


def test_a_refused_pruner_stores_no_study(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    for _ in range(2):  # the second call meets the same error, not a duplicated study
        with pytest.raises(ValueError, match="one objective"):
            hs.create_study(
                storage=url,
                study_name="s",
                directions=["minimize", "minimize"],
                pruner=hs.pruners.WilcoxonPruner(),
            )
    assert hs.get_all_study_names(url) == []


def test_default_pruner_is_optunas(tmp_path: Any) -> None:
    """``create_study()`` without a pruner prunes like Optuna's default ``MedianPruner()``,
    and ``load_study`` rebuilds that default from the storage."""
    optuna = _optuna()
    curves = _curves(seed=3)
    ours = _run(hs, None, "maximize", curves)
    assert ours == _run(optuna, None, "maximize", curves)
    assert any(state == "PRUNED" for state, _ in ours)
    url = f"sqlite:///{tmp_path / 'default.db'}"
    hs.create_study(study_name="d", storage=url)
    loaded = hs.load_study(study_name="d", storage=url)
    assert repr(loaded.pruner) == repr(hs.pruners.MedianPruner())
    assert isinstance(hs.create_study(directions=["minimize"] * 2).pruner, hs.pruners.NopPruner)


def test_tune_runs_every_trial_to_the_end_by_default() -> None:
    def train(config: dict) -> None:
        for step in range(6):
            hs.report({"loss": config["x"] + 1 / (step + 1)}, step=step)

    result = hs.tune(
        train,
        {"x": hs.uniform(0, 1)},
        metric="loss",
        mode="min",
        num_samples=12,
        sampler=hs.samplers.RandomSampler(seed=0),
    )
    assert isinstance(result.study.pruner, hs.pruners.NopPruner)
    assert all(t.state is hs.TrialState.COMPLETE for t in result.study.trials)


@pytest.mark.parametrize(
    ("label", "factory"),
    [
        ("sha", lambda p: p.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)),
        ("hyperband", lambda p: p.HyperbandPruner(min_resource=1, max_resource=16)),
        # max_resource "auto" (the first trial's 20 steps) below min_resource: no bracket
        ("hyperband-min-above-max", lambda p: p.HyperbandPruner(min_resource=30)),
    ],
)
def test_nan_reports_and_empty_brackets_as_optuna(
    label: str, factory: Callable[[Any], Any]
) -> None:
    optuna = _optuna()
    curves = _curves(seed=3)
    for k in (2, 5, 9, 14):  # NaN at the early rung steps of several trials
        curves[k][1] = float("nan")
        curves[k][2] = float("nan")
    ours = _run(hs, factory(hs.pruners), "minimize", curves)
    theirs = _run(optuna, factory(optuna.pruners), "minimize", curves)
    assert ours == theirs
    assert all(state != "FAIL" for state, _ in ours)
