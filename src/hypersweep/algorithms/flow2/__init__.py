"""FLOW2 local search and BlendSearch's thread rules, on arrays (no trials, no studies).

* :class:`Flow2` — randomised direct search in ``[0, 1]^d`` (Wu et al., AAAI 2021), ask/tell;
* :class:`ThreadStats`, :func:`select`, :func:`priorities`, :func:`should_create`,
  :func:`inferior`, :func:`admissible` — the pool of threads of BlendSearch (Wang et al.,
  ICLR 2021);
* :class:`ResourceLadder` — the resource dimension (sample size, rounds) grown by a factor.
"""

from .local import SHRINK_RULES, STEP_SIZE, Flow2, Proposal
from .resource import ResourceLadder
from .threads import (
    ADMISSIBLE_MARGIN,
    ThreadStats,
    admissible,
    inferior,
    priorities,
    select,
    should_create,
)

__all__ = [
    "ADMISSIBLE_MARGIN",
    "SHRINK_RULES",
    "STEP_SIZE",
    "Flow2",
    "Proposal",
    "ResourceLadder",
    "ThreadStats",
    "admissible",
    "inferior",
    "priorities",
    "select",
    "should_create",
]
