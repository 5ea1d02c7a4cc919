"""Differential tests: the plot data equals the data in Optuna's figures for the same trials."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from hypersweep.visualization import data as d

from .studies import mixed_study, mo_study, to_peer

optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")
pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def pair() -> tuple[object, object]:
    study = mixed_study(60)
    return study, to_peer(study)


def test_history(pair: tuple) -> None:
    study, peer = pair
    fig = optuna.visualization.plot_optimization_history(peer)
    s = d.optimization_history_data(study).series[0]
    np.testing.assert_array_equal(fig.data[0].x, s.numbers)
    np.testing.assert_allclose(fig.data[0].y, s.values)
    np.testing.assert_allclose(fig.data[1].y, s.best_values)


def test_history_error_bars() -> None:
    a, b = mixed_study(30, seed=1), mixed_study(30, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = optuna.visualization.plot_optimization_history(
            [to_peer(a), to_peer(b)], error_bar=True
        )
    band = d.optimization_history_data([a, b], error_bar=True).band
    assert band is not None
    np.testing.assert_allclose(fig.data[0].y, band.mean)
    np.testing.assert_allclose(fig.data[0].error_y.array, band.std)
    np.testing.assert_allclose(fig.data[1].y, band.best_mean)


def test_slice(pair: tuple) -> None:
    study, peer = pair
    fig = optuna.visualization.plot_slice(peer, params=["lr", "x"])
    data = d.slice_data(study, params=["lr", "x"])
    for trace, panel in zip(fig.data, data.params, strict=False):
        np.testing.assert_allclose(trace.x, panel.column.values)
        np.testing.assert_allclose(trace.y, panel.values)


def test_parallel_coordinate(pair: tuple) -> None:
    study, peer = pair
    fig = optuna.visualization.plot_parallel_coordinate(peer, params=["n", "x"])
    data = d.parallel_coordinate_data(study, params=["n", "x"])
    # the peer draws one line trace per trial across the three axes
    lines = [t for t in fig.data if t.x is not None and len(t.x) == 3]
    assert len(lines) == data.values.size


def test_edf(pair: tuple) -> None:
    study, peer = pair
    fig = optuna.visualization.plot_edf(peer)
    data = d.edf_data(study)
    np.testing.assert_allclose(fig.data[0].x, data.x)
    np.testing.assert_allclose(fig.data[0].y, data.lines[0].y)


def test_intermediate_values(pair: tuple) -> None:
    study, peer = pair
    fig = optuna.visualization.plot_intermediate_values(peer)
    data = d.intermediate_values_data(study)
    for trace, (_, steps, values) in zip(fig.data, data.lines(), strict=False):
        np.testing.assert_allclose(trace.x, steps)
        np.testing.assert_allclose(trace.y, values)


def test_contour_points(pair: tuple) -> None:
    study, peer = pair
    fig = optuna.visualization.plot_contour(peer, params=["lr", "x"])
    (p,) = d.contour_data(study, params=["lr", "x"]).pairs
    points = next(t for t in fig.data if t.type == "scatter")
    np.testing.assert_allclose(sorted(points.x), sorted(p.x.values))
    np.testing.assert_allclose(sorted(points.y), sorted(p.y.values))


def test_pareto_front_and_hypervolume() -> None:
    study = mo_study()
    peer = to_peer(study)
    fig = optuna.visualization.plot_pareto_front(peer)
    data = d.pareto_front_data(study)
    dominated, best = fig.data[0], fig.data[-1]  # the peer draws the front last
    got = sorted(zip(best.x, best.y, strict=False))
    np.testing.assert_allclose(got, sorted(map(tuple, data.best_points)))
    got = sorted(zip(dominated.x, dominated.y, strict=False))
    np.testing.assert_allclose(got, sorted(map(tuple, data.dominated_points)))
    fig = optuna.visualization.plot_hypervolume_history(peer, [2.0, -1.0])
    hv = d.hypervolume_history_data(study, [2.0, -1.0])
    np.testing.assert_allclose(fig.data[0].y, hv.values)
