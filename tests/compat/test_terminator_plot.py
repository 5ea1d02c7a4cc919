"""``visualization.plot_terminator_improvement`` (and its matplotlib twin): the improvement
left after each completed trial and, with ``plot_error=True``, the cross-validation error,
drawn by both libraries from the same study."""

from __future__ import annotations

import importlib
import types

import numpy as np
import pytest

from .test_define_by_run import lib_param


def _study(lib: types.ModuleType) -> object:
    terminator = importlib.import_module(f"{lib.__name__}.terminator")

    def objective(trial):  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", -1.0, 1.0)
        scores = x**2 + np.random.default_rng(trial.number).normal(0, 0.1, size=4)
        terminator.report_cross_validation_scores(trial, scores)
        return float(scores.mean())

    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=8)
    return study


@lib_param
def test_plot_terminator_improvement(lib: types.ModuleType) -> None:
    pytest.importorskip("plotly")
    study = _study(lib)
    fig = lib.visualization.plot_terminator_improvement(study, plot_error=True, min_n_trials=5)
    improvement = [t for t in fig.data if t.name == "Terminator Improvement"]
    error = [t for t in fig.data if t.name == "Error"]
    # one improvement per completed trial (split at min_n_trials), one error per trial
    assert sorted({int(x) for t in improvement for x in t.x}) == list(range(8))
    assert [int(x) for x in error[0].x] == list(range(8))
    assert all(np.isfinite(list(error[0].y)))
    assert lib.visualization.plot_terminator_improvement(study).data[-1].name != "Error"


@lib_param
def test_plot_terminator_improvement_matplotlib(lib: types.ModuleType) -> None:
    pytest.importorskip("matplotlib")
    ax = lib.visualization.matplotlib.plot_terminator_improvement(_study(lib), plot_error=True)
    assert ax.get_title() == "Terminator Improvement Plot"


@lib_param
def test_plot_terminator_improvement_refuses_multi_objective(lib: types.ModuleType) -> None:
    study = lib.create_study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError):
        lib.visualization.plot_terminator_improvement(study)
