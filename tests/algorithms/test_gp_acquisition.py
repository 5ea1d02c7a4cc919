"""Acquisition functions against numerical references."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.stats

from hypersweep.algorithms.gp import Acquisition, GPPosterior, KernelParams, log_h
from hypersweep.algorithms.gp.acquisition import dlog_h


def _log_h_reference(z: float) -> float:
    """log h(z) by quadrature, independent of the closed form.

    h(z) = E[max(Z + z, 0)] for Z ~ N(0, 1). For z <= 0, with a = -z and u = a + t,
    h(z) = int_0^inf t phi(a + t) dt = phi(a) * int_0^inf t exp(-a t - t^2/2) dt, so the log
    of the (well-scaled) integral stays finite where h itself underflows.
    """
    if z > 0:
        value, _ = scipy.integrate.quad(
            lambda u: (u + z) * scipy.stats.norm.pdf(u), -z, np.inf, epsabs=0, epsrel=1e-13
        )
        return math.log(value)
    a = -z
    c = 1.0 / (a + 1.0)  # the integrand lives on t ~ 1/a: integrate over s = t / c
    integral, _ = scipy.integrate.quad(
        lambda s: s * math.exp(-a * c * s - 0.5 * (c * s) ** 2),
        0,
        np.inf,
        epsabs=0,
        epsrel=1e-13,
        limit=200,
    )
    return -0.5 * a * a - 0.5 * math.log(2 * math.pi) + math.log(integral * c * c)


@pytest.mark.parametrize(
    "z", [6.0, 2.0, 0.5, 0.0, -0.5, -0.999, -1.001, -2.0, -5.0, -10.0, -40.0, -300.0, -5e3]
)
def test_log_h_matches_quadrature(z: float) -> None:
    assert float(log_h(np.array([z]))[0]) == pytest.approx(_log_h_reference(z), rel=1e-9, abs=1e-9)


def test_log_h_is_finite_increasing_and_asymptotic() -> None:
    z = -np.logspace(-3, 12, 400)[::-1]
    z = np.concatenate([z, np.linspace(0, 10, 50)])
    values = log_h(z)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) > 0)
    big = -1e9
    assert float(log_h(np.array([big]))[0]) == pytest.approx(
        -0.5 * big * big - 0.5 * math.log(2 * math.pi) - 2 * math.log(-big), rel=1e-12
    )


def test_dlog_h_matches_finite_differences() -> None:
    z = np.array([-30.0, -4.0, -1.0, -0.2, 0.7, 3.0])
    h = 1e-6
    numeric = (log_h(z + h) - log_h(z - h)) / (2 * h)
    np.testing.assert_allclose(dlog_h(z), numeric, rtol=1e-5)


def test_expected_improvement_matches_direct_integration() -> None:
    best, mean, sigma = 0.3, 0.9, 0.4
    ref, _ = scipy.integrate.quad(
        lambda y: (best - y) * scipy.stats.norm.pdf(y, mean, sigma), -np.inf, best, epsrel=1e-12
    )
    z = (best - mean) / sigma
    assert math.log(sigma) + float(log_h(np.array([z]))[0]) == pytest.approx(
        math.log(ref), rel=1e-9
    )


def _posterior() -> GPPosterior:
    rng = np.random.default_rng(0)
    x = rng.random((15, 2))
    y = np.cos(5 * x[:, 0]) + x[:, 1]
    return GPPosterior(
        x,
        (y - y.mean()) / y.std(),
        KernelParams(np.array([8.0, 3.0]), 1.0, 1e-4),
        np.zeros(2, bool),
    )


@pytest.mark.parametrize("kind", ["log_ei", "ucb", "pi"])
def test_acquisition_values_and_gradients(kind: str) -> None:
    gp = _posterior()
    best = float(gp.mean_at_data().min())
    acq = Acquisition(gp, best, kind, beta=1.5)  # type: ignore[arg-type]
    x = np.array([[0.2, 0.3], [0.55, 0.9], [0.95, 0.05]])
    mean, var = gp.predict(x)
    sigma = np.sqrt(var)
    z = (best - mean) / sigma
    expected = {
        "log_ei": np.log(sigma) + log_h(z),
        "ucb": -mean + 1.5 * sigma,
        "pi": scipy.stats.norm.logcdf(z),
    }[kind]
    values, grads = acq.value_and_grad(x)
    np.testing.assert_allclose(values, expected, rtol=1e-9)
    np.testing.assert_allclose(acq(x), expected, rtol=1e-9)
    h = 1e-6
    for j in range(2):
        step = np.zeros(2)
        step[j] = h
        numeric = (acq(x + step) - acq(x - step)) / (2 * h)
        np.testing.assert_allclose(grads[:, j], numeric, rtol=1e-4, atol=1e-6)


def test_log_ei_stays_finite_where_ei_underflows() -> None:
    gp = _posterior()
    acq = Acquisition(gp, best=-1e3)  # an incumbent far below every prediction
    values, grads = acq.value_and_grad(np.array([[0.5, 0.5], [0.1, 0.9]]))
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(grads))
    assert np.all(values < -1e4)


def test_bad_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        Acquisition(_posterior(), 0.0, "ei")  # type: ignore[arg-type]
