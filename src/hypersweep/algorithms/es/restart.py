"""IPOP and BIPOP restart schedules: which population size and step size the next run gets.

* **IPOP** (Auger & Hansen, CEC 2005): every restart multiplies the population size by
  ``inc_popsize``. A larger population smooths a multimodal landscape (Rastrigin-like
  functions need one), at the price of slower convergence.
* **BIPOP** (Hansen, GECCO 2009): two interlaced regimes. The *large* regime is IPOP; the
  *small* regime runs with a population ``floor(lambda0 * (lambda_l / (2 lambda0)) ** u**2)``
  between the default ``lambda0`` and half the next large one, and a step size
  ``sigma0 * 10 ** (-2 u)``, with ``u ~ U(0, 1)`` drawn anew for each small run. Before every
  restart the regime that has used fewer evaluations so far is chosen, so neither starves
  (the first run counts as large).

The schedule is data (:class:`RestartState`) and a pure function (:func:`next_run`), so a
sampler can keep it with its shared state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

STRATEGIES = (None, "ipop", "bipop")
#: A run has converged when every coordinate of its last generation spreads less than this
#: (in units of the whole range: finer steps rarely matter for hyperparameters, and a restart
#: spends the remaining budget better) ...
TOL_X = 1e-4
#: ... and the generation's values differ by less than this fraction of their level.
TOL_F = 1e-2
#: A run has stagnated when every coordinate of its last generation spreads less than this
#: (it searches one basin: Rastrigin's are 0.1 of the range wide) ...
TOL_X_STAG = 1e-2
#: ... and the best values of its last :func:`stagnation_window` generations lie within
#: ``TOL_F`` of their level plus this floor (a run descending towards 0 is never stuck).
TOL_F_ABS = 1e-12
#: A run whose generation bests fell by more than this fraction of their level within the
#: window is still descending (a sphere, Ackley's global basin): no rule restarts it.
TOL_DESCENT = 0.5


@dataclass(frozen=True)
class RestartState:
    """Where a restart schedule stands.

    ``large_popsize`` is the population of the latest large-regime run; ``evals_large`` and
    ``evals_small`` count the evaluations told in each regime; ``small`` says whether the
    current run belongs to the small regime.
    """

    strategy: str | None
    default_popsize: int
    inc_popsize: float = 2.0
    n_restarts: int = 0
    large_popsize: int = 0
    evals_large: int = 0
    evals_small: int = 0
    small: bool = False

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(
                f"restart_strategy must be None, 'ipop' or 'bipop', got {self.strategy!r}."
            )
        if self.large_popsize == 0:
            object.__setattr__(self, "large_popsize", self.default_popsize)


def next_run(
    state: RestartState, run_evals: int, rng: np.random.Generator
) -> tuple[int, float, RestartState]:
    """The next run's population size and sigma factor (times ``sigma0``), and the new state.

    ``run_evals`` is the number of evaluations the finished run told.

    >>> s = RestartState("ipop", default_popsize=8)
    >>> popsize, factor, s = next_run(s, 400, np.random.default_rng(0))
    >>> popsize, factor, s.n_restarts
    (16, 1.0, 1)
    >>> s = RestartState("bipop", default_popsize=8)
    >>> popsize, factor, s = next_run(s, 400, np.random.default_rng(0))  # small: 0 < 400
    >>> s.small, 8 <= popsize <= 8, factor <= 1.0
    (True, True, True)
    """
    if state.strategy is None:
        raise ValueError("next_run() needs a restart strategy ('ipop' or 'bipop').")
    if state.small:
        state = replace(state, evals_small=state.evals_small + run_evals)
    else:
        state = replace(state, evals_large=state.evals_large + run_evals)
    state = replace(state, n_restarts=state.n_restarts + 1)
    grown = max(state.large_popsize + 1, math.floor(state.large_popsize * state.inc_popsize))
    if state.strategy == "ipop" or state.evals_small >= state.evals_large:
        return grown, 1.0, replace(state, large_popsize=grown, small=False)
    u = float(rng.random())
    lam0 = state.default_popsize
    popsize = max(lam0, math.floor(lam0 * (grown / (2 * lam0)) ** (u * u)))
    return popsize, 10.0 ** (-2.0 * u), replace(state, small=True)


def converged(
    xs: npt.NDArray[np.float64], values: Sequence[float], tol_x: float = TOL_X, tol_f: float = TOL_F
) -> bool:
    """Whether a generation (rows ``xs`` in the unit box, ``values`` minimised) sits at a level.

    Every coordinate spreads less than ``tol_x`` **and** the values differ by at most
    ``tol_f`` of their level: a local optimum at a non-zero value restarts, a run still
    descending towards 0 (a sphere, Ackley's global basin) goes on refining.

    >>> converged(np.full((6, 2), 0.3) + 1e-6 * np.arange(6)[:, None], [2.0] * 6)
    True
    >>> converged(np.full((6, 2), 0.3), [1e-9, 2e-9, 3e-9, 4e-9, 5e-9, 6e-9])
    False
    """
    lo, hi = min(values), max(values)
    spread = float(np.max(np.std(xs, axis=0)))
    return spread < tol_x and hi - lo <= tol_f * abs(lo)


def stagnation_window(dim: int, popsize: int) -> int:
    """How many generations a run may go without improving before it counts as stagnated.

    ``max(5, ceil(20 * dim / popsize))``: about ``20 * dim`` evaluations, two thirds of
    Hansen's TolHistFun horizon (``10 + ceil(30 * dim / popsize)`` generations), so that a
    stuck run leaves budget for the next within a few hundred trials; ``10 * dim`` cut more
    runs still refining (Hartmann-6d) without a clear gain elsewhere (docs/es.md).

    >>> stagnation_window(5, 8), stagnation_window(10, 10), stagnation_window(3, 56)
    (13, 20, 5)
    """
    return max(5, math.ceil(20 * dim / popsize))


def stagnated(
    xs: npt.NDArray[np.float64],
    bests: Sequence[float],
    window: int,
    tol_x: float = TOL_X_STAG,
    tol_f: float = TOL_F,
    tol_abs: float = TOL_F_ABS,
) -> bool:
    """Whether a run searching one small region stopped improving: time to restart.

    ``xs`` are the last generation's rows in the unit box; ``bests[i]`` is the best value
    (minimised) of the run's ``i``-th generation (only the last ``window`` are read). The run
    has stagnated when every coordinate spreads less than ``tol_x`` **and** the best values
    of its last ``window`` generations lie within ``tol_f`` of their level plus ``tol_abs``
    (Hansen's TolHistFun, relative). A run stuck in a local optimum restarts long before its
    step size has shrunk to :func:`converged`'s ``TOL_X``; a run still descending (a sphere:
    orders of magnitude per window) or still exploring (wide spread) goes on, and one lucky
    point cannot make a run look stuck.

    >>> local = np.full((6, 2), 0.3) + 1e-3 * np.arange(6)[:, None]
    >>> stagnated(local, [5.0, 3.0, 2.99, 2.995, 2.985], window=3)
    True
    >>> stagnated(local, [5.0, 3.0, 2.99, 2.99, 2.9], window=3)  # still improving
    False
    >>> wide = np.full((6, 2), 0.3) + 2e-2 * np.arange(6)[:, None]
    >>> stagnated(wide, [5.0, 3.0, 2.99, 2.995, 2.985], window=3)  # still exploring
    False
    >>> stagnated(local, [1e-3, 1e-3], window=3)  # too few generations to tell
    False
    """
    if len(bests) < window or float(np.max(np.std(xs, axis=0))) >= tol_x:
        return False
    recent = bests[-window:]
    lo = min(recent)
    return max(recent) - lo <= tol_f * abs(lo) + tol_abs


def descending(bests: Sequence[float], window: int, tol: float = TOL_DESCENT) -> bool:
    """Whether a run's generation bests (minimised) fell by more than ``tol`` of their level
    over its last ``window`` generations (or all it has, if fewer).

    A run converging to an optimum at 0 (a sphere; Ackley's global basin) improves by a
    constant factor per generation: it is refining the incumbent, not stuck, even when its
    step size has become tiny (``cmaes``'s ``tolx``). A run at a local optimum (Rastrigin's
    0.995) or refining a non-zero level (Hartmann's -3.32) improves by far less.

    >>> descending([1e-6, 4e-7, 1e-7], window=3), descending([1.01, 1.0, 0.996], window=3)
    (True, False)
    >>> descending([-3.30, -3.32], window=3), descending([5.0], window=3)
    (False, False)
    """
    recent = bests[-window:]
    if len(recent) < 2:
        return False
    lo = min(recent)
    return recent[0] - lo > tol * abs(lo)


def should_restart(
    optimizer_stopped: bool,
    xs: npt.NDArray[np.float64],
    values: Sequence[float],
    bests: Sequence[float],
    window: int,
) -> bool:
    """Whether a run ends after the generation ``xs``/``values`` (``bests``: its generation
    bests, this one last): the optimizer's own criteria, :func:`converged` or
    :func:`stagnated` — unless the run is still :func:`descending`.

    >>> xs = np.full((6, 2), 0.3) + 1e-3 * np.arange(6)[:, None]
    >>> should_restart(False, xs, [3.0] * 6, [5.0, 3.0, 2.99, 2.995, 2.985], window=3)
    True
    >>> should_restart(True, xs, [3e-9] * 6, [5e-8, 2e-8, 9e-9, 3e-9], window=3)
    False
    """
    if descending(bests, window):
        return False
    return optimizer_stopped or converged(xs, values) or stagnated(xs, bests, window)
