"""The shared state of a cost-frugal sampler: its pool of FLOW2 threads.

Kept in the study's storage (``Storage.compare_and_set_study_state``) as one pickled blob, so
every worker of a study (threads, processes, machines) drives the same threads and no two
workers hold diverging copies of a thread.

* ``space``: the searched space (names and JSON distributions; empty before the first trial
  completes);
* ``threads``: the local searches by id (1, 2, ...); id 0 is the start / global search,
  whose statistics are ``global_stats``;
* ``owners``: each running trial's ``(thread id, proposal id)``, told once it finishes;
* ``run``: how many times CFO restarted; ``best``: the best (signed) value told;
  ``cost_sum`` / ``n_told``: the cost and number of finished trials told;
* ``low`` / ``high``: the box spanned by the local searches' points (BlendSearch's
  admissible region); ``seen``: the points proposed so far (duplicate global proposals go
  to a local thread); ``global_blob``: the global sampler's own shared state, if any.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from dataclasses import dataclass, field

import numpy as np

from ...algorithms.flow2 import Flow2, ThreadStats
from ..es.space import FloatArray, SpaceKey

FORMAT = 1


@dataclass
class LocalThread:
    """One FLOW2 local search, its statistics, and the trial holding its incumbent."""

    flow: Flow2
    stats: ThreadStats
    incumbent: int


@dataclass
class PoolState:
    """See the module docstring (mutated only on a fresh copy loaded from a blob)."""

    space: SpaceKey = ()
    threads: dict[int, LocalThread] = field(default_factory=dict)
    global_stats: ThreadStats = field(default_factory=ThreadStats)
    next_id: int = 1
    owners: dict[int, tuple[int, int]] = field(default_factory=dict)
    completed: set[int] = field(default_factory=set)
    run: int = 0
    best: float = math.inf
    cost_sum: float = 0.0
    n_told: int = 0
    low: FloatArray | None = None
    high: FloatArray | None = None
    seen: set[int] = field(default_factory=set)
    global_blob: bytes | None = None

    def extend_box(self, x: FloatArray) -> None:
        """Grow the admissible box to hold ``x``."""
        self.low = x.copy() if self.low is None else np.minimum(self.low, x)
        self.high = x.copy() if self.high is None else np.maximum(self.high, x)

    def eps(self) -> float:
        """The smallest cost a speed divides by: a thousandth of the mean trial cost."""
        return max(self.cost_sum / max(self.n_told, 1) / 1000.0, 1e-12)


def point_key(x: FloatArray) -> int:
    """A 64-bit digest of a unit-box point (rounded, so decoding noise does not matter); the
    same in every process, unlike ``hash``."""
    data = np.round(np.asarray(x, dtype=float), 9).tobytes()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def dump_state(state: PoolState) -> bytes:
    """The blob stored for ``state``."""
    return pickle.dumps((FORMAT, state), protocol=pickle.HIGHEST_PROTOCOL)


def load_state(blob: bytes) -> PoolState:
    """Inverse of :func:`dump_state` (a fresh object every call: callers mutate it)."""
    fmt, state = pickle.loads(blob)
    if fmt != FORMAT:
        raise ValueError(
            f"The stored CFO/BlendSearch state has format {fmt}, this hypersweep reads "
            f"format {FORMAT}; upgrade hypersweep (or start a new study)."
        )
    assert isinstance(state, PoolState)
    return state
