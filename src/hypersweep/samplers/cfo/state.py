"""The shared state of a cost-frugal sampler: its pool of FLOW2 threads.

Kept in the study's storage (``Storage.compare_and_set_study_state``) as one pickled blob, so
every worker of a study (threads, processes, machines) drives the same threads and no two
workers hold diverging copies of a thread.

* ``space``: the searched space (names and JSON distributions; empty before the first trial
  completes);
* ``threads``: the local searches by id (1, 2, ...); id 0 is the start / global search,
  whose statistics are ``global_stats``;
* ``owners``: each running trial's ``(thread id, proposal id)``, told once it finishes;
* ``n_completed``: how many COMPLETE trials the space was narrowed with; ``scanned``: the
  number of trials in the history at the last transition (trials that appear later without
  passing through the sampler, ``Study.add_trial``, are read from there);
* ``run``: how many times CFO restarted; ``best``: the best (signed) value told;
  ``cost_sum`` / ``n_told``: the cost and number of finished trials told;
* ``low`` / ``high``: the box spanned by the local searches' points (BlendSearch's
  admissible region); ``seen``: the points proposed so far (duplicate global proposals go
  to a local thread); ``global_blob``: the global sampler's own shared state, if any;
* ``n_started`` / ``n_global``: trials started, and those given to the start / global
  search (BlendSearch's ``global_share`` floor);
* ``penalties`` / ``feasible``: the metric constraints' Lagrange penalties, and whether a
  feasible trial was seen (:mod:`~hypersweep.samplers.cfo.constraints`).
"""

from __future__ import annotations

import hashlib
import math
import pickle
from dataclasses import dataclass, field

import numpy as np

from ...algorithms.flow2 import Flow2, ThreadStats
from ..es.space import FloatArray, SpaceKey

FORMAT = 2


class KeyLog:
    """A set of 64-bit keys that pickles as one ``bytes`` (cheap to store at every trial,
    unlike a pickled ``set`` of ints).

    >>> log = KeyLog()
    >>> log.add(7); log.add(7); log.add(2**64 - 1)
    >>> import pickle
    >>> copy = pickle.loads(pickle.dumps(log))
    >>> 7 in copy, 8 in copy, len(copy)
    (True, False, 2)
    """

    __slots__ = ("_log", "_set")

    def __init__(self) -> None:
        self._log = bytearray()
        self._set: set[int] = set()

    def add(self, key: int) -> None:
        """Add ``key`` (``0 <= key < 2**64``)."""
        if key not in self._set:
            self._set.add(key)
            self._log += key.to_bytes(8, "little")

    def __contains__(self, key: object) -> bool:
        return key in self._set

    def __len__(self) -> int:
        return len(self._set)

    def __getstate__(self) -> tuple[bytes]:
        return (bytes(self._log),)  # a tuple: never falsy, so __setstate__ always runs

    def __setstate__(self, state: tuple[bytes]) -> None:
        (data,) = state
        self._log = bytearray(data)
        self._set = set(np.frombuffer(data, dtype="<u8").tolist())


@dataclass
class LocalThread:
    """One FLOW2 local search, its statistics, and the trial holding its incumbent.

    With a resource (:mod:`hypersweep.algorithms.flow2.resource`): ``resource``, the one its
    proposals run at; ``cost_inc``, the incumbent's cost (scaled when the resource grows);
    ``cost_spent`` / ``n_spent``, the cost and number of its results since the incumbent
    last changed or the resource last grew.
    """

    flow: Flow2
    stats: ThreadStats
    incumbent: int
    resource: float | None = None
    cost_inc: float = 0.0
    cost_spent: float = 0.0
    n_spent: int = 0


@dataclass
class PoolState:
    """See the module docstring (mutated only on a fresh copy loaded from a blob)."""

    space: SpaceKey = ()
    threads: dict[int, LocalThread] = field(default_factory=dict)
    global_stats: ThreadStats = field(default_factory=ThreadStats)
    next_id: int = 1
    owners: dict[int, tuple[int, int]] = field(default_factory=dict)
    n_completed: int = 0
    scanned: int = 0
    run: int = 0
    best: float = math.inf
    cost_sum: float = 0.0
    n_told: int = 0
    low: FloatArray | None = None
    high: FloatArray | None = None
    seen: KeyLog = field(default_factory=KeyLog)
    global_blob: bytes | None = None
    penalties: list[float] = field(default_factory=list)
    feasible: bool = False
    n_started: int = 0
    n_global: int = 0

    def __getstate__(self) -> dict[str, object]:
        """The box travels as bytes (the state is pickled at every trial)."""
        state = dict(self.__dict__)
        for name in ("low", "high"):
            a = state[name]
            state[name] = None if a is None else a.tobytes()
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        state = dict(state)
        for name in ("low", "high"):
            b = state[name]
            if isinstance(b, bytes):
                state[name] = np.frombuffer(b, dtype=np.float64).copy()
        self.__dict__.update(state)

    def extend_box(self, x: FloatArray) -> None:
        """Grow the admissible box to hold ``x``."""
        self.low = x.copy() if self.low is None else np.minimum(self.low, x)
        self.high = x.copy() if self.high is None else np.maximum(self.high, x)

    def eps(self) -> float:
        """The smallest cost a speed divides by: a thousandth of the mean trial cost."""
        return max(self.cost_sum / max(self.n_told, 1) / 1000.0, 1e-12)


def point_key(x: FloatArray, resource: float | None = None) -> int:
    """A 64-bit digest of a unit-box point (rounded, so decoding noise does not matter); the
    same in every process, unlike ``hash``. With a ``resource``, the same point at another
    resource is another key."""
    data = np.round(np.asarray(x, dtype=float), 9).tobytes()
    if resource is not None:
        data += np.float64(resource).tobytes()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def dump_state(state: PoolState) -> bytes:
    """The blob stored for ``state``."""
    return pickle.dumps((FORMAT, state), protocol=pickle.HIGHEST_PROTOCOL)


def load_state(blob: bytes) -> PoolState:
    """Inverse of :func:`dump_state` (a fresh object every call: callers mutate it)."""
    fmt, state = pickle.loads(blob)
    if fmt != FORMAT:
        hint = "an older hypersweep wrote it" if fmt < FORMAT else "upgrade hypersweep"
        raise ValueError(
            f"The stored CFO/BlendSearch state has format {fmt}, this hypersweep reads "
            f"format {FORMAT} ({hint}); start a new study, or continue with that version."
        )
    assert isinstance(state, PoolState)
    return state
