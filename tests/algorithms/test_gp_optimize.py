"""The acquisition optimiser, the output transform and the local subset."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from hypersweep.algorithms.gp import (
    AcqfOptimizerConfig,
    DimKind,
    SpaceSpec,
    local_subset,
    optimize_acqf,
    robust_standardize,
)
from hypersweep.algorithms.gp.transforms import finite_values, yeo_johnson, yeo_johnson_lambda

C, ORD, K = DimKind.CONTINUOUS, DimKind.ORDINAL, DimKind.CATEGORICAL


def _quadratic(target: np.ndarray):
    def f(x: np.ndarray) -> np.ndarray:
        return -np.sum((x - target) ** 2, axis=1)

    def fg(x: np.ndarray):
        return f(x), -2 * (x - target)

    return f, fg


def test_finds_a_continuous_maximum_precisely() -> None:
    target = np.array([0.137, 0.862, 0.5])
    f, fg = _quadratic(target)
    x, value = optimize_acqf(f, fg, SpaceSpec.build([C, C, C]), np.random.default_rng(0))
    np.testing.assert_allclose(x, target, atol=1e-5)
    assert value == pytest.approx(0.0, abs=1e-9)


def test_respects_the_region() -> None:
    f, fg = _quadratic(np.array([0.9, 0.9]))
    lower, upper = np.array([0.1, 0.2]), np.array([0.4, 0.5])
    x, _ = optimize_acqf(
        f, fg, SpaceSpec.build([C, C]), np.random.default_rng(1), lower=lower, upper=upper
    )
    np.testing.assert_allclose(x, upper, atol=1e-8)


def test_ordinal_values_come_from_the_grid_without_rounding_artefacts() -> None:
    grid = (np.arange(5) + 0.5) / 5  # 0.1, 0.3, ..., 0.9
    spec = SpaceSpec.build([ORD], grids={0: grid})

    # A lopsided peak at 0.58: rounding the continuous optimum gives 0.5 (cell of 0.5
    # scored -0.064) but 0.7 is better (-0.0144).
    def f(x: np.ndarray) -> np.ndarray:
        d = x[:, 0] - 0.58
        return -np.where(d < 0, 10 * d * d, d * d)

    def fg(x: np.ndarray):
        d = x[:, 0] - 0.58
        return f(x), -np.where(d < 0, 20 * d, 2 * d)[:, None]

    x, _ = optimize_acqf(f, fg, spec, np.random.default_rng(2))
    assert x[0] == pytest.approx(0.7)


def test_large_ordinal_dimensions_are_relaxed_then_searched_on_the_grid() -> None:
    grid = (np.arange(200) + 0.5) / 200
    spec = SpaceSpec.build([ORD, C], grids={0: grid})
    f, fg = _quadratic(np.array([0.6131, 0.25]))
    x, _ = optimize_acqf(f, fg, spec, np.random.default_rng(3))
    assert x[0] in grid
    assert x[0] == pytest.approx(grid[np.argmin(np.abs(grid - 0.6131))])
    assert x[1] == pytest.approx(0.25, abs=1e-5)


def test_categorical_dimensions_are_enumerated() -> None:
    spec = SpaceSpec.build([K, C, K], n_choices={0: 4, 2: 3})
    scores = np.array([0.0, 0.3, 1.0, 0.2])

    def f(x: np.ndarray) -> np.ndarray:
        cat = scores[x[:, 0].astype(int)] + (x[:, 2] == 1) * 0.5
        return cat - (x[:, 1] - 0.4) ** 2

    def fg(x: np.ndarray):
        g = np.zeros_like(x)
        g[:, 1] = -2 * (x[:, 1] - 0.4)
        return f(x), g

    config = AcqfOptimizerConfig(n_raw=8, n_starts=2)  # too few candidates to luck into it
    x, value = optimize_acqf(f, fg, spec, np.random.default_rng(4), config=config)
    assert (x[0], x[2]) == (2.0, 1.0)
    assert x[1] == pytest.approx(0.4, abs=1e-5)
    assert value == pytest.approx(1.5, abs=1e-8)


def test_same_rng_same_result() -> None:
    f, fg = _quadratic(np.array([0.3, 0.3]))
    spec = SpaceSpec.build([C, ORD], grids={1: np.array([0.25, 0.75])})
    a = optimize_acqf(f, fg, spec, np.random.default_rng(5), anchors=np.array([[0.5, 0.25]]))
    b = optimize_acqf(f, fg, spec, np.random.default_rng(5), anchors=np.array([[0.5, 0.25]]))
    np.testing.assert_array_equal(a[0], b[0])


def test_space_spec_validation_and_snap() -> None:
    with pytest.raises(ValueError, match="sorted"):
        SpaceSpec.build([ORD], grids={0: np.array([0.5, 0.2])})
    with pytest.raises(ValueError, match="n_choices"):
        SpaceSpec.build([K])
    spec = SpaceSpec.build([ORD, K], grids={0: np.array([0.2, 0.6])}, n_choices={1: 2})
    np.testing.assert_array_equal(spec.snap(np.array([[0.45, 5.0]])), [[0.6, 1.0]])


def test_robust_standardize_tames_heavy_tails_and_keeps_the_ranking() -> None:
    rng = np.random.default_rng(0)
    y = np.exp(1.5 * rng.normal(size=200))  # a heavy right tail (like Rosenbrock's walls)
    z = robust_standardize(y)
    assert z.mean() == pytest.approx(0.0, abs=1e-12) and z.std() == pytest.approx(1.0)
    assert np.array_equal(np.argsort(z, kind="stable"), np.argsort(y, kind="stable"))
    assert abs(scipy.stats.skew(z)) < 0.6 < 2.0 < scipy.stats.skew(robust_standardize(y, False))
    assert np.all(robust_standardize(np.full(5, 2.0)) == 0.0)
    np.testing.assert_array_equal(finite_values(np.array([1.0, np.inf, -np.inf])), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(finite_values(np.array([np.inf])), [0.0])


@pytest.mark.parametrize("seed", range(3))
def test_yeo_johnson_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.gamma(0.5 + seed, size=80) * (-1) ** seed
    y = (y - y.mean()) / y.std()
    lam = yeo_johnson_lambda(y)
    assert lam == pytest.approx(scipy.stats.yeojohnson_normmax(y), abs=1e-3)
    np.testing.assert_allclose(yeo_johnson(y, lam), scipy.stats.yeojohnson(y, lam), rtol=1e-12)
    for special in (0.0, 2.0):
        np.testing.assert_allclose(yeo_johnson(y, special), scipy.stats.yeojohnson(y, special))


def test_local_subset_keeps_the_nearest_points_and_covers_them() -> None:
    rng = np.random.default_rng(6)
    x = rng.random((300, 3))
    z = np.sum((x - 0.3) ** 2, axis=1)
    idx, lower, upper = local_subset(x, z, np.array([1.0, 1.0, 1.0]), np.zeros(3, bool), 50)
    assert len(idx) == 50 and np.all(np.diff(idx) > 0)
    best = x[np.argmin(z)]
    dist = np.sum((x - best) ** 2, axis=1)
    assert dist[idx].max() <= np.sort(dist)[49] + 1e-15
    assert np.all(x[idx] >= lower - 1e-15) and np.all(x[idx] <= upper + 1e-15)
    assert np.all(upper - lower < 1.0)
