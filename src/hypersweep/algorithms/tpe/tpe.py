"""The tree-structured Parzen estimator (TPE) step on arrays.

Given observations (rows in the unit box / index space) and their losses, TPE

1. splits the rows into *good* (the ``n_good`` lowest losses) and *bad* (the rest, plus the
   pending rows of evaluations still running: the constant liar),
2. fits a Parzen estimator ``l(x)`` to the good rows and ``g(x)`` to the bad ones,
3. draws candidates from ``l`` and returns the one maximising ``l(x) / g(x)``, which
   maximises expected improvement under TPE's model (Bergstra et al., 2011).

:class:`TPEModel` works on any arrays, so a caller can feed it the observations of one
budget (BOHB fits it on the configurations evaluated at the largest budget with enough
data) or any other subset.

>>> import numpy as np
>>> from hypersweep.algorithms.tpe import Dimension, TPEModel
>>> rng = np.random.default_rng(0)
>>> x = rng.random((40, 2))
>>> losses = ((x - 0.8) ** 2).sum(axis=1)
>>> model = TPEModel.fit(x, losses, [Dimension.continuous()] * 2)
>>> bool(np.all(np.abs(model.suggest(rng) - 0.8) < 0.3))
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from .mo import split_multi_objective
from .parzen import Dimension, FloatArray, ParzenEstimator

BoolArray = npt.NDArray[np.bool_]

#: Continuous kernels of ``l`` are this much narrower than the neighbour rule makes them:
#: sharper exploitation of the good region, tuned on ``benchmarks/quality.py`` (discrete and
#: categorical kernels keep their widths; narrowing those locks onto early values).
GOOD_BANDWIDTH_FACTOR = 0.7

#: Rows of the bad group past this many (the most recent ones) keep full weight; older ones
#: fade linearly (eq. 4), so that the model follows where the search is now.
FULL_WEIGHT_ROWS = 25


def default_gamma(n: int) -> int:
    """Size of the good group for ``n`` observations: 10 %, at most 25 (rounded up).

    >>> [default_gamma(n) for n in (1, 10, 11, 100, 1000)]
    [1, 1, 2, 10, 25]
    """
    return min(math.ceil(0.1 * n), 25)


def hyperopt_default_gamma(n: int) -> int:
    """Hyperopt's size of the good group: ``ceil(0.25 * sqrt(n))``, at most 25.

    >>> [hyperopt_default_gamma(n) for n in (1, 16, 100, 100_000)]
    [1, 1, 3, 25]
    """
    return min(math.ceil(0.25 * math.sqrt(n)), 25)


def default_gamma_multiobjective(n: int) -> int:
    """Size of the good group with several objectives: 10 % (rounded up), no cap."""
    return math.ceil(0.1 * n)


def default_weights(n: int) -> FloatArray:
    """Eq. (4): weights of ``n`` rows, oldest first; the newest 25 weigh 1, older ones less.

    >>> default_weights(3).tolist()
    [1.0, 1.0, 1.0]
    >>> w = default_weights(30)
    >>> float(w[0]) < float(w[4]) < float(w[5]) == 1.0  # the 5 oldest of 30 fade
    True
    """
    if n <= FULL_WEIGHT_ROWS:
        return np.ones(n)
    faded = n - FULL_WEIGHT_ROWS
    ramp = np.linspace(1.0 / n, 1.0, num=faded + 1)[:-1]
    return np.concatenate([ramp, np.ones(FULL_WEIGHT_ROWS)])


def split_good(losses: npt.ArrayLike, n_good: int) -> BoolArray:
    """Mask of the ``n_good`` best rows of ``losses`` (minimised).

    ``losses`` is ``(n,)``, or ``(n, m)`` with several objectives: then rows are taken by
    non-domination rank and the last rank is split by hypervolume contribution. NaN counts
    as +inf. Ties are broken by row order (earlier first), so the split is a pure function
    of its input.

    >>> split_good([3.0, 1.0, 2.0, 1.0], 2).tolist()
    [False, True, False, True]
    """
    y = np.asarray(losses, dtype=float)
    n = y.shape[0]
    n_good = max(0, min(int(n_good), n))
    if y.ndim == 2 and y.shape[1] > 1:
        return split_multi_objective(y, n_good)
    y = np.where(np.isnan(y), np.inf, y.reshape(n))
    if n_good == 0:
        return np.zeros(n, dtype=bool)
    # O(n): everything below the n_good-th smallest value, then its ties in row order.
    threshold = np.partition(y, n_good - 1)[n_good - 1]
    mask: BoolArray = y < threshold
    ties = np.flatnonzero(y == threshold)
    mask[ties[: n_good - int(mask.sum())]] = True
    return mask


class TPEModel:
    """``l(x)`` fitted on good rows and ``g(x)`` on bad rows; suggests by max ``l / g``.

    Build it from a split (``TPEModel(good, bad, dims)``) or from losses
    (:meth:`TPEModel.fit`). ``*_weights`` default to :func:`default_weights` of each group
    (rows oldest first); ``prior_weight`` is the weight of each estimator's prior kernel;
    ``good_bandwidth_factor`` scales the widths of ``l``'s continuous kernels (1 gives the
    plain neighbour rule of eq. 1, smaller values exploit more).

    >>> import numpy as np
    >>> model = TPEModel(np.array([[0.9]]), np.array([[0.1], [0.2], [0.5]]),
    ...                  [Dimension.continuous()])
    >>> bool(model.log_ratio(np.array([[0.9]]))[0] > model.log_ratio(np.array([[0.1]]))[0])
    True
    """

    def __init__(
        self,
        good: npt.ArrayLike,
        bad: npt.ArrayLike,
        dims: Sequence[Dimension],
        *,
        good_weights: npt.ArrayLike | None = None,
        bad_weights: npt.ArrayLike | None = None,
        prior_weight: float = 1.0,
        good_bandwidth_factor: float = GOOD_BANDWIDTH_FACTOR,
    ) -> None:
        d = len(dims)
        good_x = np.asarray(good, dtype=float).reshape(-1, d)
        bad_x = np.asarray(bad, dtype=float).reshape(-1, d)
        if good_weights is None:
            good_weights = default_weights(len(good_x))
        if bad_weights is None:
            bad_weights = default_weights(len(bad_x))
        if not good_bandwidth_factor > 0:
            raise ValueError(f"good_bandwidth_factor must be > 0, got {good_bandwidth_factor}.")
        self.dims = tuple(dims)
        factor = [
            1.0 if dim.is_categorical or dim.edges is not None else good_bandwidth_factor
            for dim in dims
        ]
        self.good = ParzenEstimator(
            good_x, dims, good_weights, prior_weight=prior_weight, bandwidth_factor=factor
        )
        self.bad = ParzenEstimator(bad_x, dims, bad_weights, prior_weight=prior_weight)

    @classmethod
    def fit(
        cls,
        observations: npt.ArrayLike,
        losses: npt.ArrayLike,
        dims: Sequence[Dimension],
        *,
        gamma: Callable[[int], int] = default_gamma,
        pending: npt.ArrayLike | None = None,
        prior_weight: float = 1.0,
        good_bandwidth_factor: float = GOOD_BANDWIDTH_FACTOR,
    ) -> TPEModel:
        """Split ``observations`` (rows oldest first) by ``losses`` and fit both estimators.

        ``gamma(n)`` is the size of the good group; ``pending`` rows (evaluations still
        running) join the bad group, so that parallel workers spread out.
        """
        x = np.asarray(observations, dtype=float).reshape(-1, len(dims))
        y = np.asarray(losses, dtype=float)
        if y.shape[0] != x.shape[0]:
            raise ValueError(
                f"losses has {y.shape[0]} rows but observations has {x.shape[0]}; give one "
                "loss (or one row of losses) per observation."
            )
        good = split_good(y, gamma(x.shape[0]))
        bad_x = x[~good]
        if pending is not None:
            bad_x = np.vstack([bad_x, np.asarray(pending, dtype=float).reshape(-1, len(dims))])
        return cls(
            x[good],
            bad_x,
            dims,
            prior_weight=prior_weight,
            good_bandwidth_factor=good_bandwidth_factor,
        )

    def log_ratio(self, points: npt.ArrayLike) -> FloatArray:
        """``log l(x) - log g(x)`` of each row of ``points`` (larger is more promising)."""
        x = np.atleast_2d(np.asarray(points, dtype=float))
        out: FloatArray = self.good.log_pdf(x) - self.bad.log_pdf(x)
        return out

    def candidates(self, rng: np.random.Generator, n_candidates: int) -> FloatArray:
        """``n_candidates`` rows drawn from ``l``."""
        return self.good.sample(rng, n_candidates)

    def suggest(self, rng: np.random.Generator, n_candidates: int = 24) -> FloatArray:
        """The candidate drawn from ``l`` with the largest ``l / g`` (one row)."""
        if n_candidates < 1:
            raise ValueError(f"n_candidates must be >= 1, got {n_candidates}.")
        cand = self.candidates(rng, n_candidates)
        best: FloatArray = cand[int(np.argmax(self.log_ratio(cand)))]
        return best
