from __future__ import annotations

import numpy as np
import pytest

from hypersweep.algorithms.gp.kernels import (
    Matern52Kernel,
    matern52,
    matern52_grad,
    scaled_sq_dist,
    scaled_sq_dist_fast,
)


def _points(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.random((n, 4))
    x[:, 3] = rng.integers(0, 3, n)  # a categorical dimension (index of the choice)
    return x


IS_CAT = np.array([False, False, False, True])


def test_matern52_closed_form_and_derivative() -> None:
    r2 = np.array([0.0, 1e-6, 0.3, 1.0, 7.5])
    d = np.sqrt(r2)
    expected = (1 + np.sqrt(5) * d + 5 / 3 * r2) * np.exp(-np.sqrt(5) * d)
    np.testing.assert_allclose(matern52(r2), expected, rtol=1e-14)
    h = 1e-7
    numeric = (matern52(r2[1:] + h) - matern52(r2[1:] - h)) / (2 * h)
    np.testing.assert_allclose(matern52_grad(r2[1:]), numeric, rtol=1e-6)
    assert matern52_grad(np.array(0.0)) == pytest.approx(-5 / 6)


@pytest.mark.parametrize("seed", range(5))
def test_kernel_matrix_is_symmetric_psd_with_signal_on_the_diagonal(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = _points(rng, 40)
    kern = Matern52Kernel(rng.uniform(0.1, 50.0, 4), 1.7, IS_CAT)
    k = kern(x, x)
    np.testing.assert_array_equal(k, k.T)
    np.testing.assert_allclose(np.diag(k), 1.7)
    assert np.linalg.eigvalsh(k).min() > -1e-10 * 1.7
    np.testing.assert_allclose(kern.cross(x, x), k, atol=1e-12)


def test_categorical_dimension_uses_the_hamming_distance() -> None:
    kern = Matern52Kernel(np.array([1.0, 0.25]), 1.0, np.array([False, True]))
    a = np.array([[0.5, 0.0]])
    # Choices 1 and 2 are equally far from choice 0: no order between categories.
    far1 = kern(a, np.array([[0.5, 1.0]]))[0, 0]
    far2 = kern(a, np.array([[0.5, 2.0]]))[0, 0]
    assert far1 == far2 == pytest.approx(float(matern52(np.array(0.25))))


def test_entries_have_the_same_bits_whatever_the_block_shape() -> None:
    rng = np.random.default_rng(3)
    x = _points(rng, 30)
    kern = Matern52Kernel(rng.uniform(0.5, 20.0, 4), 0.9, IS_CAT)
    full = kern(x, x)
    for i in range(30):
        np.testing.assert_array_equal(kern(x[i : i + 1], x), full[i : i + 1])
    np.testing.assert_array_equal(kern(x[10:], x[:10]), full[10:, :10])


def test_fast_distance_matches_the_exact_one() -> None:
    rng = np.random.default_rng(4)
    a, b = _points(rng, 50), _points(rng, 20)
    w = rng.uniform(0.1, 100.0, 4)
    np.testing.assert_allclose(
        scaled_sq_dist_fast(a, b, w, IS_CAT), scaled_sq_dist(a, b, w, IS_CAT), atol=1e-11
    )


def test_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(5)
    xt = _points(rng, 12)
    x = _points(rng, 3)
    kern = Matern52Kernel(rng.uniform(1.0, 30.0, 4), 1.3, IS_CAT)
    _, grad = kern.with_grad(x, xt)
    h = 1e-6
    for j in range(3):  # ordered dimensions
        step = np.zeros(4)
        step[j] = h
        numeric = (kern(x + step, xt) - kern(x - step, xt)) / (2 * h)
        np.testing.assert_allclose(grad[:, :, j], numeric, rtol=1e-5, atol=1e-9)
    assert np.all(grad[:, :, 3] == 0.0)
