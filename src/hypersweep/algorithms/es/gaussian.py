"""The isotropic Gaussian evolution strategy: the baseline from which CMA-ES is taught.

A ``(mu/mu_w, lambda)``-ES with cumulative step-size adaptation (CSA), in the notation of
Hansen's tutorial (arXiv:1604.00772):

1. sample ``lambda`` points ``x_k = m + sigma * z_k``, ``z_k ~ N(0, I)`` (one sigma for every
   coordinate: the search distribution is a ball, never an ellipsoid);
2. keep the ``mu = lambda // 2`` best (the elite) and move the mean to their weighted mean,
   ``m' = sum_i w_i x_(i)`` with positive log-rank weights ``w_i``;
3. accumulate the normalised steps in an evolution path,
   ``p' = (1 - c) p + sqrt(c (2 - c) mu_eff) (m' - m) / sigma``, and adapt the step size,
   ``sigma' = sigma * exp(c / d * (|p'| / E|N(0, I)| - 1))``: consecutive steps in the same
   direction lengthen sigma, steps that cancel out shorten it.

CMA-ES adds a covariance matrix to step 1 (learnt from the same path and the elite's steps);
with the identity matrix frozen it reduces to this class.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def default_population_size(n_dim: int) -> int:
    """``4 + floor(3 ln n)``, the usual default for (CMA-)ES.

    >>> default_population_size(10)
    10
    """
    return 4 + math.floor(3 * math.log(n_dim))


class GaussianES:
    """Isotropic ``(mu/mu_w, lambda)``-ES with cumulative step-size adaptation, ask and tell.

    ``bounds`` (``(n, 2)`` lows and highs) makes :meth:`ask` resample a point outside the box
    up to ``n_max_resampling`` times, then clip it.

    >>> import numpy as np
    >>> es = GaussianES(mean=np.full(3, 2.0), sigma=1.0, seed=0)
    >>> for _ in range(100):
    ...     xs = [es.ask() for _ in range(es.population_size)]
    ...     es.tell([(x, float(np.sum(x**2))) for x in xs])
    >>> bool(np.linalg.norm(es.mean) < 1e-3)
    True
    """

    def __init__(
        self,
        mean: FloatArray,
        sigma: float,
        *,
        bounds: FloatArray | None = None,
        population_size: int | None = None,
        seed: int | None = None,
        n_max_resampling: int = 100,
    ) -> None:
        mean = np.array(mean, dtype=np.float64)
        if mean.ndim != 1 or mean.size == 0:
            raise ValueError(f"mean must be a non-empty 1-D array, got shape {mean.shape}.")
        if not (math.isfinite(sigma) and sigma > 0):
            raise ValueError(f"sigma must be a finite number > 0, got {sigma!r}.")
        n = mean.size
        lam = default_population_size(n) if population_size is None else int(population_size)
        if lam < 2:
            raise ValueError(f"population_size must be >= 2, got {population_size!r}.")
        if bounds is not None:
            bounds = np.array(bounds, dtype=float)
            if bounds.shape != (n, 2) or np.any(bounds[:, 0] > bounds[:, 1]):
                raise ValueError(f"bounds must be an ({n}, 2) array of lows <= highs.")
        mu = lam // 2
        raw = np.log((lam + 1) / 2) - np.log(np.arange(1, mu + 1))
        self._weights = raw / raw.sum()
        self._mu_eff = 1.0 / float(np.sum(self._weights**2))
        self._c_sigma = (self._mu_eff + 2) / (n + self._mu_eff + 5)
        self._d_sigma = (
            1 + 2 * max(0.0, math.sqrt((self._mu_eff - 1) / (n + 1)) - 1) + self._c_sigma
        )
        self._chi_n = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n))
        self._n = n
        self._lam = lam
        self._mean: FloatArray = mean
        self._sigma = float(sigma)
        self._sigma0 = float(sigma)
        self._path = np.zeros(n)
        self._bounds = bounds
        self._n_max_resampling = int(n_max_resampling)
        self._generation = 0
        self._history_len = 10 + math.ceil(30 * n / lam)
        self._ranges: list[float] = []  # best-to-worst spread of recent generations
        self._rng = np.random.default_rng(seed)

    @property
    def dim(self) -> int:
        """The number of coordinates."""
        return self._n

    @property
    def population_size(self) -> int:
        """``lambda``: points per generation."""
        return self._lam

    @property
    def generation(self) -> int:
        """How many generations were told."""
        return self._generation

    @property
    def mean(self) -> FloatArray:
        """The centre of the search distribution (a copy)."""
        out: FloatArray = self._mean.copy()
        return out

    @property
    def sigma(self) -> float:
        """The step size (standard deviation of every coordinate)."""
        return self._sigma

    def reseed_rng(self, seed: int) -> None:
        """Restart the random stream of :meth:`ask` from ``seed``."""
        self._rng = np.random.default_rng(seed)

    def ask(self) -> FloatArray:
        """One point of the current generation."""
        x = self._mean + self._sigma * self._rng.standard_normal(self._n)
        if self._bounds is None:
            return x
        low, high = self._bounds[:, 0], self._bounds[:, 1]
        for _ in range(self._n_max_resampling):
            if np.all((x >= low) & (x <= high)):
                return x
            x = self._mean + self._sigma * self._rng.standard_normal(self._n)
        return np.clip(x, low, high)

    def ask_pair(self) -> tuple[FloatArray, FloatArray]:
        """The point to evaluate and the point to tell (the same point here)."""
        x = self.ask()
        return x, x

    def tell(self, solutions: Sequence[tuple[FloatArray, float]]) -> None:
        """Update the mean and sigma from one generation of ``(x, value)`` (minimised)."""
        if len(solutions) != self._lam:
            raise ValueError(f"tell() needs {self._lam} solutions, got {len(solutions)}.")
        ordered = sorted(solutions, key=lambda s: s[1])
        elite = np.array([s[0] for s in ordered[: len(self._weights)]], dtype=float)
        new_mean = self._weights @ elite
        step = (new_mean - self._mean) / self._sigma
        c = self._c_sigma
        self._path = (1 - c) * self._path + math.sqrt(c * (2 - c) * self._mu_eff) * step
        ratio = float(np.linalg.norm(self._path)) / self._chi_n
        self._sigma *= math.exp(min(1.0, (c / self._d_sigma) * (ratio - 1)))
        self._mean = new_mean
        self._generation += 1
        self._ranges.append(float(ordered[-1][1]) - float(ordered[0][1]))
        del self._ranges[: -self._history_len]

    def should_stop(self) -> bool:
        """Whether the run has stagnated: a flat objective, a vanished or exploded sigma."""
        flat = len(self._ranges) == self._history_len and max(self._ranges) < 1e-12
        return flat or self._sigma < 1e-12 * self._sigma0 or self._sigma > 1e4 * self._sigma0
