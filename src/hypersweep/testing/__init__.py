"""Shipped conformance suites: run them over your own sampler, scheduler, storage or executor.

Each ``check_*`` function raises ``AssertionError`` with a message naming the broken rule.

>>> import hypersweep as hs
>>> from hypersweep.testing import check_sampler
>>> check_sampler(lambda seed: hs.samplers.RandomSampler(seed=seed))
"""

from ._assert import ConformanceError
from .executor import check_executor
from .objectives import conditional_objective, mixed_objective, sphere
from .sampler import check_sampler
from .scheduler import check_scheduler
from .storage import check_storage

__all__ = [
    "ConformanceError",
    "check_executor",
    "check_sampler",
    "check_scheduler",
    "check_storage",
    "conditional_objective",
    "mixed_objective",
    "sphere",
]
