"""Glue to the ``cmaes`` library: one ask/tell interface over its CMA-ES variants.

The CMA update itself is ``cmaes``'s (CyberAgentAILab/cmaes); this module only chooses the
class and wraps it:

* ``"cma"`` — :class:`cmaes.CMA`, full covariance; ``lr_adapt=True`` adds learning-rate
  adaptation (Nomura et al., GECCO 2023) for noisy and multimodal problems;
* ``"sep"`` — :class:`cmaes.SepCMA`, a diagonal covariance (Ros & Hansen, 2008): linear
  cost per sample, for high dimension;
* ``"margin"`` — :class:`cmaes.CMAwM`, CMA-ES with margin (Hamano et al., GECCO 2022):
  coordinates with ``steps > 0`` are discrete, and a margin keeps the probability of leaving
  the current discrete value from vanishing, so integer and stepped parameters do not
  freeze at one value.

Warm starting (WS-CMA-ES, Nomura et al., AAAI 2021) estimates the initial mean, step size and
covariance from the good solutions of a similar earlier task: :func:`warm_start`.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
KINDS = ("cma", "sep", "margin")


def import_cmaes() -> ModuleType:
    """The ``cmaes`` module, or an ``ImportError`` that says how to install it."""
    try:
        cmaes = importlib.import_module("cmaes")
    except ImportError as exc:
        raise ImportError(
            "CMA-ES needs the package 'cmaes', which is not installed. "
            "Install it with: pip install 'cmaes>=0.11'"
        ) from exc
    return cmaes


class CmaOptimizer:
    """A ``cmaes`` optimizer behind the ask-pair interface that the ES samplers drive.

    Picklable (``cmaes`` drops its random generator when pickled; callers reseed with
    :meth:`reseed_rng` before asking).

    >>> import numpy as np
    >>> opt = make_cma("cma", mean=np.full(2, 0.5), sigma=0.2, seed=0)
    >>> for _ in range(40):
    ...     xs = [opt.ask_pair()[1] for _ in range(opt.population_size)]
    ...     opt.tell([(x, float(np.sum((x - 0.3) ** 2))) for x in xs])
    >>> bool(np.allclose(opt.mean, 0.3, atol=1e-3))
    True
    """

    def __init__(self, impl: Any) -> None:
        self.impl = impl

    @property
    def dim(self) -> int:
        """The number of coordinates."""
        return int(self.impl.dim)

    @property
    def population_size(self) -> int:
        """``lambda``: points per generation."""
        return int(self.impl.population_size)

    @property
    def generation(self) -> int:
        """How many generations were told."""
        return int(self.impl.generation)

    @property
    def mean(self) -> FloatArray:
        """The centre of the search distribution (a copy)."""
        return np.array(self.impl.mean, dtype=float)

    def reseed_rng(self, seed: int) -> None:
        """Restart the random stream of :meth:`ask_pair` from ``seed``."""
        self.impl.reseed_rng(int(seed))

    def ask_pair(self) -> tuple[FloatArray, FloatArray]:
        """The point to evaluate and the point to tell (they differ only with margin)."""
        out = self.impl.ask()
        if isinstance(out, tuple):
            return np.asarray(out[0], dtype=float), np.asarray(out[1], dtype=float)
        x = np.asarray(out, dtype=float)
        return x, x

    def tell(self, solutions: Sequence[tuple[FloatArray, float]]) -> None:
        """Update the distribution from one generation of ``(x_tell, value)`` (minimised)."""
        self.impl.tell([(np.asarray(x, dtype=float), float(v)) for x, v in solutions])

    def should_stop(self) -> bool:
        """``cmaes``'s termination criteria (flat values, vanished or exploded step size, ...)."""
        return bool(self.impl.should_stop())


def make_cma(
    kind: str,
    mean: FloatArray,
    sigma: float,
    *,
    bounds: FloatArray | None = None,
    steps: FloatArray | None = None,
    population_size: int | None = None,
    cov: FloatArray | None = None,
    lr_adapt: bool = False,
    seed: int | None = None,
) -> CmaOptimizer:
    """Build a ``cmaes`` optimizer of ``kind`` (``"cma"``, ``"sep"`` or ``"margin"``).

    ``bounds`` defaults to the unit box; ``steps`` (needed by ``"margin"``) is the grid step
    of each discrete coordinate and 0 for continuous ones. ``cov`` (a warm start) is not
    available with ``"sep"``, nor ``lr_adapt`` with ``"sep"`` or ``"margin"``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    cmaes = import_cmaes()
    mean = np.asarray(mean, dtype=float)
    n = mean.size
    if bounds is None:
        bounds = np.tile([0.0, 1.0], (n, 1))
    common: dict[str, Any] = {
        "mean": mean.copy(),
        "sigma": float(sigma),
        "bounds": np.asarray(bounds, dtype=float),
        "n_max_resampling": 10 * n,
        "seed": seed,
        "population_size": population_size,
    }
    if kind == "sep":
        if cov is not None or lr_adapt:
            raise ValueError(
                "Separable CMA-ES takes neither a covariance (warm start) nor lr_adapt."
            )
        return CmaOptimizer(cmaes.SepCMA(**common))
    if kind == "margin":
        if lr_adapt:
            raise ValueError("CMA-ES with margin cannot be combined with lr_adapt.")
        if steps is None:
            raise ValueError('kind="margin" needs steps (0 for continuous coordinates).')
        return CmaOptimizer(cmaes.CMAwM(steps=np.asarray(steps, dtype=float), cov=cov, **common))
    return CmaOptimizer(cmaes.CMA(cov=cov, lr_adapt=lr_adapt, **common))


def warm_start(
    xs: FloatArray, values: Sequence[float], gamma: float = 0.1, alpha: float = 0.1
) -> tuple[FloatArray, float, FloatArray]:
    """WS-CMA-ES: ``(mean, sigma, cov)`` estimated from a source task's solutions.

    The best ``floor(gamma * n)`` rows of ``xs`` (by ``values``, minimised) define a Gaussian
    whose covariance is widened by ``alpha**2 * I`` (``cmaes.get_warm_start_mgd``).

    >>> import numpy as np
    >>> xs = np.random.default_rng(0).random((40, 2))
    >>> mean, sigma, cov = warm_start(xs, [float(np.sum((x - 0.2) ** 2)) for x in xs])
    >>> bool(np.all(np.abs(mean - 0.2) < 0.15)), cov.shape
    (True, (2, 2))
    """
    xs = np.asarray(xs, dtype=float)
    if len(xs) != len(values):
        raise ValueError(f"xs has {len(xs)} rows but values has {len(values)} entries.")
    if int(len(xs) * gamma) < 1:
        raise ValueError(
            f"A warm start needs at least {int(np.ceil(1 / gamma))} source solutions "
            f"(gamma={gamma}), got {len(xs)}."
        )
    cmaes = import_cmaes()
    mean, sigma, cov = cmaes.get_warm_start_mgd(
        [(x, float(v)) for x, v in zip(xs, values, strict=True)], gamma=gamma, alpha=alpha
    )
    return np.asarray(mean, dtype=float), float(sigma), np.asarray(cov, dtype=float)
