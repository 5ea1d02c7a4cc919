"""Evolution strategies on arrays (no trials, no studies).

* :class:`GaussianES` — the isotropic ES with cumulative step-size adaptation;
* :func:`make_cma` / :class:`CmaOptimizer` — the ``cmaes`` library's CMA-ES variants (full,
  separable, with margin; learning-rate adaptation) behind one ask/tell interface, and
  :func:`warm_start` (WS-CMA-ES);
* :class:`RestartState` / :func:`next_run` — IPOP and BIPOP restart schedules;
  :func:`should_restart` (:func:`converged`, :func:`stagnated`, :func:`descending`) —
  when a run restarts.

Every optimizer here answers ``ask_pair() -> (x_to_evaluate, x_to_tell)``,
``tell([(x_to_tell, value), ...])`` (minimised), ``should_stop()``, ``population_size``,
``generation`` and ``reseed_rng(seed)``; the samplers drive them through that interface.
"""

from .cma import CmaOptimizer, import_cmaes, make_cma, warm_start
from .gaussian import GaussianES, default_population_size
from .restart import (
    RestartState,
    converged,
    descending,
    next_run,
    should_restart,
    stagnated,
    stagnation_window,
)

__all__ = [
    "CmaOptimizer",
    "GaussianES",
    "RestartState",
    "converged",
    "default_population_size",
    "descending",
    "import_cmaes",
    "make_cma",
    "next_run",
    "should_restart",
    "stagnated",
    "stagnation_window",
    "warm_start",
]
