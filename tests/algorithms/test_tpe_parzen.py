"""Parzen estimators on arrays: normalisation, sampling, bandwidths, and Optuna as a reference."""

from __future__ import annotations

import numpy as np
import pytest

from hypersweep.algorithms.tpe import Dimension, ParzenEstimator, neighbour_bandwidths
from tests.conftest import require

CONT = Dimension.continuous()
GRID4 = Dimension.discrete([0.0, 0.25, 0.5, 0.75, 1.0])


def _estimator(dims: list[Dimension], n: int = 12, seed: int = 0) -> ParzenEstimator:
    rng = np.random.default_rng(seed)
    cols = []
    for dim in dims:
        if dim.is_categorical:
            cols.append(rng.integers(0, dim.n_choices, n).astype(float))
        elif dim.edges is not None:
            edges = np.asarray(dim.edges)
            cell = rng.integers(0, dim.n_cells, n)
            cols.append(0.5 * (edges[cell] + edges[cell + 1]))
        else:
            cols.append(rng.random(n))
    weights = rng.uniform(0.2, 1.0, n)
    return ParzenEstimator(np.column_stack(cols), dims, weights, prior_weight=0.7)


def test_continuous_density_integrates_to_one() -> None:
    pe = _estimator([CONT])
    grid = np.linspace(0, 1, 20001)[:, None]
    density = np.exp(pe.log_pdf(grid))
    assert np.trapezoid(density, grid[:, 0]) == pytest.approx(1.0, abs=1e-4)


def test_two_dimensional_density_integrates_to_one() -> None:
    pe = _estimator([CONT, CONT], n=6)
    g = np.linspace(0, 1, 401)
    xx, yy = np.meshgrid(g, g, indexing="ij")
    density = np.exp(pe.log_pdf(np.column_stack([xx.ravel(), yy.ravel()]))).reshape(xx.shape)
    total = np.trapezoid(np.trapezoid(density, g, axis=1), g)
    assert total == pytest.approx(1.0, abs=1e-3)


def test_discrete_and_categorical_probabilities_sum_to_one() -> None:
    dims = [GRID4, Dimension.categorical(3)]
    pe = _estimator(dims)
    centres = [0.125, 0.375, 0.625, 0.875]
    points = np.array([[c, k] for c in centres for k in range(3)], dtype=float)
    assert np.exp(pe.log_pdf(points)).sum() == pytest.approx(1.0, abs=1e-12)
    # Any point inside a cell has the probability of that cell.
    assert pe.log_pdf(np.array([[0.3, 1.0]]))[0] == pytest.approx(
        pe.log_pdf(np.array([[0.45, 1.0]]))[0]
    )


def test_samples_lie_in_the_box_on_cell_midpoints_and_valid_choices() -> None:
    dims = [CONT, GRID4, Dimension.categorical(5)]
    pe = _estimator(dims, n=30)
    x = pe.sample(np.random.default_rng(1), 2000)
    assert np.all((x[:, 0] >= 0) & (x[:, 0] <= 1))
    assert set(np.round(x[:, 1], 12)) <= {0.125, 0.375, 0.625, 0.875}
    assert set(x[:, 2]) <= {0.0, 1.0, 2.0, 3.0, 4.0}


def test_sampling_follows_the_density() -> None:
    dims = [GRID4, Dimension.categorical(3)]
    pe = _estimator(dims, n=8, seed=3)
    x = pe.sample(np.random.default_rng(2), 40000)
    cells = np.floor(x[:, 0] * 4).astype(int) * 3 + x[:, 1].astype(int)
    freq = np.bincount(cells, minlength=12) / len(x)
    points = np.array([[0.125 + 0.25 * i, k] for i in range(4) for k in range(3)], dtype=float)
    np.testing.assert_allclose(freq, np.exp(pe.log_pdf(points)), atol=0.01)


def test_no_observations_is_the_prior() -> None:
    pe = ParzenEstimator(np.empty((0, 2)), [CONT, Dimension.categorical(4)])
    lp = pe.log_pdf(np.array([[0.5, 0.0], [0.5, 3.0]]))
    assert lp[0] == pytest.approx(lp[1])


def test_bandwidth_rule() -> None:
    # Eq. (1): larger neighbour gap, ends use their inner gap, clipped below by 1 / (n + 2).
    x = np.array([[0.1], [0.2], [0.6]])
    np.testing.assert_allclose(neighbour_bandwidths(x, 4).ravel(), [0.2, 0.4, 0.4])
    # Interior duplicates get the minimum width; ties are broken by row, so the result does
    # not depend on the sorting algorithm.
    x = np.array([[0.5], [0.5], [0.5], [0.1]])
    np.testing.assert_allclose(neighbour_bandwidths(x, 5).ravel(), [0.4, 1 / 6, 1 / 6, 0.4])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"observations": np.zeros((2, 3))}, "n x 2"),
        ({"weights": [1.0, -1.0]}, "weights"),
        ({"observations": np.empty((0, 2)), "prior_weight": 0.0}, "prior_weight"),
    ],
)
def test_validation(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"observations": np.full((2, 2), 0.5), "dims": [CONT, CONT]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        ParzenEstimator(**args)  # type: ignore[arg-type]


def test_dimension_validation() -> None:
    with pytest.raises(ValueError, match="increase"):
        Dimension.discrete([0.0, 0.5, 0.5, 1.0])
    with pytest.raises(ValueError, match="n_choices"):
        Dimension.categorical(0)


def test_same_density_as_optunas_parzen_estimator() -> None:
    """Differential test: Optuna's estimator gives the same density, up to the Jacobian.

    Jointly for a real and a categorical parameter; on its own for an integer with repeated
    values (which of several equal values gets which width is a tie Optuna's sort breaks
    arbitrarily, so products over several dimensions differ there by design).
    """
    require("optuna")
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
    from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters

    rng = np.random.default_rng(0)
    n, m = 30, 50
    weights = rng.uniform(0.1, 1.0, n)
    params = _ParzenEstimatorParameters(
        prior_weight=1.0,
        consider_magic_clip=True,
        consider_endpoints=False,
        weights=lambda k: weights[:k],
        multivariate=True,
    )
    a, c = rng.uniform(-5, 5, n), rng.integers(0, 3, n).astype(float)
    ta, tc = rng.uniform(-5, 5, m), rng.integers(0, 3, m).astype(float)
    theirs = _ParzenEstimator(
        {"a": a, "c": c},
        {"a": FloatDistribution(-5, 5), "c": CategoricalDistribution(["x", "y", "z"])},
        params,
    )
    ours = ParzenEstimator(
        np.column_stack([(a + 5) / 10, c]), [CONT, Dimension.categorical(3)], weights
    )
    # Optuna's density is per unit of "a" (range 10): a constant log(10) apart.
    np.testing.assert_allclose(
        theirs.log_pdf({"a": ta, "c": tc}),
        ours.log_pdf(np.column_stack([(ta + 5) / 10, tc])) - np.log(10.0),
        atol=1e-9,
    )

    d, td = rng.integers(-3, 4, n).astype(float), rng.integers(-3, 4, m).astype(float)
    equal = params._replace(weights=lambda k: np.ones(k))  # ties then need no tie-breaking
    theirs = _ParzenEstimator({"d": d}, {"d": IntDistribution(-3, 3)}, equal)
    edges = np.linspace(0, 1, 8).tolist()
    ours = ParzenEstimator(((d + 3.5) / 7)[:, None], [Dimension.discrete(edges)])
    np.testing.assert_allclose(
        theirs.log_pdf({"d": td}), ours.log_pdf(((td + 3.5) / 7)[:, None]), atol=1e-9
    )
