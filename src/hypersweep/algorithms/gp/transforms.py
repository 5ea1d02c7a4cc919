"""Output transform: standardise, then a Yeo-Johnson power transform fitted by maximum
likelihood, then standardise again.

Objective values are rarely Gaussian: a few very bad values (a diverging run, a penalty, the
walls of Rosenbrock's valley) would dominate a GP fitted to raw values and flatten
everything that matters near the optimum. The Yeo-Johnson transform (as in HEBO, Cowen-Rivers
et al. 2022) with the exponent ``lambda`` chosen to make the values as Gaussian as possible
compresses heavy tails and spreads the crowded region, and it is monotone, so the ranking and
the incumbent are kept:

    psi(y) = ((1 + y)**lam - 1) / lam              y >= 0, lam != 0   (log1p(y) if lam == 0)
    psi(y) = -((1 - y)**(2 - lam) - 1) / (2 - lam)  y < 0,  lam != 2   (-log1p(-y) if lam == 2)

    lam = argmax  -n/2 log var(psi(y)) + (lam - 1) sum(sign(y) log1p(|y|))               (T1)

Non-finite values are replaced by the worst (``+inf``) or best (``-inf``) finite value first.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.optimize

from .kernels import FloatArray

#: Range searched for the Yeo-Johnson exponent.
LAMBDA_BOUNDS = (-3.0, 3.0)


def finite_values(y: FloatArray) -> FloatArray:
    """``y`` with ``+-inf`` replaced by the largest/smallest finite value (0 if none).

    >>> finite_values(np.array([1.0, np.inf, -2.0])).tolist()
    [1.0, 1.0, -2.0]
    """
    y = np.asarray(y, dtype=float)
    finite = np.isfinite(y)
    if finite.all():
        return y
    if not finite.any():
        return np.zeros_like(y)
    return np.clip(np.nan_to_num(y, nan=np.inf), y[finite].min(), y[finite].max())


def yeo_johnson(y: FloatArray, lam: float) -> FloatArray:
    """The Yeo-Johnson transform of ``y`` with exponent ``lam``.

    >>> yeo_johnson(np.array([-1.0, 0.0, 3.0]), 0.0).round(4).tolist()
    [-1.5, 0.0, 1.3863]
    """
    y = np.asarray(y, dtype=float)
    out = np.empty_like(y)
    pos = y >= 0
    if abs(lam) < 1e-12:
        out[pos] = np.log1p(y[pos])
    else:
        out[pos] = np.expm1(lam * np.log1p(y[pos])) / lam
    if abs(lam - 2.0) < 1e-12:
        out[~pos] = -np.log1p(-y[~pos])
    else:
        out[~pos] = -np.expm1((2.0 - lam) * np.log1p(-y[~pos])) / (2.0 - lam)
    return out


def yeo_johnson_lambda(y: FloatArray) -> float:
    """The exponent maximising the Gaussian log-likelihood (T1) of the transformed values."""
    y = np.asarray(y, dtype=float)
    jacobian = float(np.sum(np.sign(y) * np.log1p(np.abs(y))))

    def neg_llf(lam: float) -> float:
        var = float(np.var(yeo_johnson(y, lam)))
        if not var > 0.0 or not np.isfinite(var):
            return math.inf
        return 0.5 * len(y) * math.log(var) - (lam - 1.0) * jacobian

    res = scipy.optimize.minimize_scalar(
        neg_llf, bounds=LAMBDA_BOUNDS, method="bounded", options={"xatol": 1e-4}
    )
    return float(res.x)


def _standardize(y: FloatArray) -> FloatArray:
    std = float(np.std(y))
    if not std > 0.0 or not np.isfinite(std):
        return np.zeros_like(y)
    out: FloatArray = (y - np.mean(y)) / std
    return out


def robust_standardize(y: FloatArray, robust: bool = True) -> FloatArray:
    """Standardise, power-transform (T1, when ``robust``) and standardise again.

    >>> y = np.array([1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 500.0, 1000.0])
    >>> z, plain = robust_standardize(y), robust_standardize(y, robust=False)
    >>> bool(abs(z.mean()) < 1e-12), bool(np.all(np.diff(z) > 0))
    (True, True)
    >>> bool(z[5] - z[0] > 4 * (plain[5] - plain[0]))  # the good values spread apart
    True
    """
    z = _standardize(finite_values(y))
    if not robust or len(z) < 3 or not np.any(z):
        return z
    return _standardize(yeo_johnson(z, yeo_johnson_lambda(z)))
