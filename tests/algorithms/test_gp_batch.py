"""The batch rule of the GP: pending points as noise-free pessimistic fantasies."""

from __future__ import annotations

import numpy as np

from hypersweep.algorithms.gp import (
    MIN_NOISE,
    GPPosterior,
    KernelParams,
    Matern52Kernel,
    with_fantasies,
)

IS_CAT = np.array([False, False])
PARAMS = KernelParams(np.array([9.0, 4.0]), 1.3, 1e-2)


def _history() -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[0.1, 0.2], [0.4, 0.8], [0.7, 0.3], [0.9, 0.9], [0.25, 0.55], [0.6, 0.6]])
    y = np.array([0.3, -0.5, 1.2, 0.8, -1.0, 0.1])
    return x, y


def _dense(
    x: np.ndarray, y: np.ndarray, noise: np.ndarray, xs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    kern = Matern52Kernel(PARAMS.inv_ls2, PARAMS.signal, IS_CAT)
    k_inv = np.linalg.inv(kern(x, x) + np.diag(noise))
    ks = kern(xs, x)
    return ks @ k_inv @ y, PARAMS.signal - np.einsum("ij,jk,ik->i", ks, k_inv, ks)


def test_fantasies_match_a_dense_computation_and_golden_values() -> None:
    x, y = _history()
    pending = np.array([[0.3, 0.6], [0.5, 0.5]])
    base = GPPosterior(x, y, PARAMS, IS_CAT)
    batch = with_fantasies(base, pending, n_sd=2.0)
    m_p, v_p = base.predict(pending)
    lies = m_p + 2.0 * np.sqrt(v_p)
    xs = np.array([[0.3, 0.6], [0.28, 0.58], [0.5, 0.5], [0.9, 0.1]])
    mean, var = batch.predict(xs)
    noise = np.concatenate([np.full(len(x), PARAMS.noise), np.full(len(pending), MIN_NOISE)])
    ref_mean, ref_var = _dense(np.vstack([x, pending]), np.concatenate([y, lies]), noise, xs)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(var, np.maximum(ref_var, 1e-12), rtol=1e-5, atol=1e-9)
    # Golden values (the rule fixed: mean + 2 sd, noise-free): a change of rule shows here.
    np.testing.assert_allclose(lies, [-0.62703753, 0.5632376], rtol=1e-6)
    np.testing.assert_allclose(mean, [-0.6270459, -0.74193997, 0.56323379, 0.97760981], rtol=1e-6)
    # At a pending point: the lie, with no variance left.
    assert np.all(var[[0, 2]] < 1e-5)


def test_fantasies_lower_expected_improvement_near_pending_points() -> None:
    from hypersweep.algorithms.gp import Acquisition

    x, y = _history()
    base = GPPosterior(x, y, PARAMS, IS_CAT)
    best = float(np.min(base.mean_at_data()))
    near = np.array([[0.27, 0.57]])  # next to the incumbent (0.25, 0.55)
    pending = np.array([[0.26, 0.56]])
    before = Acquisition(base, best, "log_ei", 2.0)(near)[0]
    believer = GPPosterior(x, y, PARAMS, IS_CAT, chol=base.chol, pending=pending)
    kb = Acquisition(believer, best, "log_ei", 2.0)(near)[0]
    batch = Acquisition(with_fantasies(base, pending, 2.0), best, "log_ei", 2.0)(near)[0]
    assert batch < kb <= before
