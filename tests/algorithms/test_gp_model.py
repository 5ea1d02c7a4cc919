"""The GP posterior and likelihood against direct dense computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats

from hypersweep.algorithms.gp import (
    GPPosterior,
    KernelParams,
    Prior,
    cholesky,
    cholesky_append,
    fit_kernel_params,
    kernel_cholesky,
    neg_log_posterior,
)
from hypersweep.algorithms.gp.kernels import Matern52Kernel, sq_diffs
from hypersweep.algorithms.gp.model import extend_kernel_cholesky

IS_CAT = np.array([False, False, True])


def _data(seed: int, n: int = 25) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3))
    x[:, 2] = rng.integers(0, 3, n)
    y = np.sin(6 * x[:, 0]) + x[:, 1] ** 2 + 0.3 * x[:, 2]
    return x, (y - y.mean()) / y.std()


PARAMS = KernelParams(np.array([9.0, 2.0, 0.8]), 1.4, 1e-3)


def _dense(x: np.ndarray, y: np.ndarray, xs: np.ndarray, params: KernelParams):
    """Textbook posterior with explicit inverses (no Cholesky), as the reference."""
    kern = Matern52Kernel(params.inv_ls2, params.signal, IS_CAT)
    k_inv = np.linalg.inv(kern(x, x) + params.noise * np.eye(len(x)))
    ks = kern(xs, x)
    mean = ks @ k_inv @ y
    var = params.signal - np.einsum("ij,jk,ik->i", ks, k_inv, ks)
    return mean, var


def test_golden_posterior_matches_a_dense_computation() -> None:
    x, y = _data(0)
    xs, _ = _data(1, 15)
    mean, var = GPPosterior(x, y, PARAMS, IS_CAT).predict(xs)
    ref_mean, ref_var = _dense(x, y, xs, PARAMS)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(var, ref_var, rtol=1e-6, atol=1e-10)
    # Golden values of the dense reference, pinned: a change of kernel or data shows here.
    np.testing.assert_allclose(mean[:3], [0.51020102, -0.97725132, -1.04733775], rtol=1e-6)
    np.testing.assert_allclose(var[:3], [0.01396137, 0.01801676, 0.12750116], rtol=1e-5)
    assert np.all(var > 0)


def test_kriging_believer_keeps_the_mean_and_shrinks_the_variance() -> None:
    x, y = _data(2)
    pending = np.array([[0.5, 0.5, 1.0], [0.1, 0.9, 0.0]])
    base = GPPosterior(x, y, PARAMS, IS_CAT)
    believer = GPPosterior(x, y, PARAMS, IS_CAT, chol=base.chol, pending=pending)
    xs, _ = _data(3, 10)
    xs = np.vstack([xs, pending])
    m0, v0 = base.predict(xs)
    m1, v1 = believer.predict(xs)
    np.testing.assert_allclose(m1, m0, rtol=1e-10)
    assert np.all(v1 <= v0 + 1e-12)
    assert np.all(v1[-2:] < 2 * PARAMS.noise)
    # Reference: the pending points observed at their own posterior mean.
    ref_mean, ref_var = _dense(
        np.vstack([x, pending]), np.concatenate([y, base.predict(pending)[0]]), xs, PARAMS
    )
    np.testing.assert_allclose(m1, ref_mean, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(v1, ref_var, rtol=1e-5, atol=1e-9)


def test_predict_with_grad_matches_predict_and_finite_differences() -> None:
    x, y = _data(4)
    gp = GPPosterior(x, y, PARAMS, IS_CAT, pending=np.array([[0.3, 0.3, 2.0]]))
    xs = np.array([[0.2, 0.7, 1.0], [0.8, 0.1, 2.0]])
    mean, var, dmean, dvar = gp.predict_with_grad(xs)
    m, v = gp.predict(xs)
    np.testing.assert_allclose(mean, m, rtol=1e-10)
    np.testing.assert_allclose(var, v, rtol=1e-8)
    h = 1e-6
    for j in range(2):
        step = np.zeros(3)
        step[j] = h
        (mp, vp), (mm, vm) = gp.predict(xs + step), gp.predict(xs - step)
        np.testing.assert_allclose(dmean[:, j], (mp - mm) / (2 * h), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(dvar[:, j], (vp - vm) / (2 * h), rtol=1e-4, atol=1e-7)


def test_mean_at_data_is_the_posterior_mean_there() -> None:
    x, y = _data(5)
    gp = GPPosterior(x, y, PARAMS, IS_CAT)
    np.testing.assert_allclose(gp.mean_at_data(), gp.predict(x)[0], rtol=1e-8, atol=1e-10)


def test_incremental_cholesky_equals_the_full_factor() -> None:
    x, _ = _data(6, 30)
    full = kernel_cholesky(x, PARAMS, IS_CAT)
    grown = extend_kernel_cholesky(
        kernel_cholesky(x[:20], PARAMS, IS_CAT), x[:20], x[20:], PARAMS, IS_CAT
    )
    np.testing.assert_allclose(grown, full, rtol=1e-10, atol=1e-12)
    # One row at a time gives the very same bits as several rows at once.
    step = kernel_cholesky(x[:20], PARAMS, IS_CAT)
    for i in range(20, 30):
        step = extend_kernel_cholesky(step, x[:i], x[i : i + 1], PARAMS, IS_CAT)
    np.testing.assert_array_equal(step, grown)


def test_cholesky_helpers() -> None:
    a = np.array([[4.0, 2.0], [2.0, 3.0]])
    chol = cholesky(a)
    np.testing.assert_allclose(chol @ chol.T, a)
    ext = cholesky_append(chol[:1, :1], a[1, :1], a[1, 1])
    np.testing.assert_allclose(ext, chol)
    singular = np.ones((3, 3))  # rank one: jitter makes it factorisable
    assert np.all(np.isfinite(cholesky(singular)))
    dup = cholesky_append(np.array([[1.0]]), np.array([1.0]), 1.0)  # a duplicated point
    assert dup[1, 1] > 0


def test_neg_log_posterior_matches_scipy_and_its_gradient_finite_differences() -> None:
    x, y = _data(7)
    prior = Prior.for_dims(3)
    deltas = np.stack(sq_diffs(x, x, IS_CAT))
    raw = PARAMS.raw
    value, grad = neg_log_posterior(raw, deltas, y, prior)
    kern = Matern52Kernel(PARAMS.inv_ls2, PARAMS.signal, IS_CAT)
    cov = kern(x, x) + PARAMS.noise * np.eye(len(x))
    log_lik = scipy.stats.multivariate_normal(np.zeros(len(x)), cov).logpdf(y)
    assert value == pytest.approx(-log_lik + prior.neg_log_density(raw, False)[0], rel=1e-9)
    h = 1e-6
    numeric = [
        (
            neg_log_posterior(raw + e, deltas, y, prior)[0]
            - neg_log_posterior(raw - e, deltas, y, prior)[0]
        )
        / (2 * h)
        for e in np.eye(len(raw)) * h
    ]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)
    _, det_grad = neg_log_posterior(raw, deltas, y, prior, deterministic=True)
    assert det_grad[-1] == 0.0


def test_fit_finds_the_relevant_dimension_and_beats_its_start() -> None:
    rng = np.random.default_rng(8)
    x = rng.random((30, 3))
    x[:, 2] = rng.integers(0, 2, 30)
    y = np.sin(8 * x[:, 0])
    y = (y - y.mean()) / y.std()
    prior = Prior.for_dims(3)
    start = prior.mode(3)
    fit = fit_kernel_params(x, y, IS_CAT, [start], prior=prior)
    deltas = np.stack(sq_diffs(x, x, IS_CAT))
    assert fit.loss < neg_log_posterior(start, deltas, y, prior)[0]
    ls = fit.params.lengthscales
    assert ls[0] < ls[1] and ls[0] < ls[2]
    det = fit_kernel_params(x, y, IS_CAT, [start], prior=prior, deterministic=True)
    assert det.params.noise == pytest.approx(1e-6)
    assert math.isfinite(det.loss)


def test_kernel_params_round_trip() -> None:
    raw = np.array([-1.0, 0.5, 0.2, -7.0])
    np.testing.assert_allclose(KernelParams.from_raw(raw).raw, raw)
