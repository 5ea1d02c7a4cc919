"""The shared state of an ES sampler: one optimizer and its current generation.

Stored in the study's storage (``Storage.compare_and_set_study_state``) as one blob, so all
workers of a study drive one optimizer, and a study resumed later continues the same run.

The blob is a pickle of plain data: the searched space (names and JSON distributions), the
pickled optimizer (it changes only when a generation is told or a run restarts), and the
bookkeeping of the current generation: each slot's point (``x_eval`` decoded for the trial,
``x_tell`` told back) and the number of the trial that got it (``-1``: not yet given).
Slots beyond the population size are spares, drawn when every slot is taken but the
generation is not complete (a failed trial, or a straggler still running).
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from ...algorithms.es import RestartState
from .space import SpaceKey

FloatArray = npt.NDArray[np.float64]
FORMAT = 1
_EMPTY = np.zeros((0, 0))


@dataclass(frozen=True)
class EsState:
    """One snapshot of the shared state (treated as immutable: build a new one to change it).

    ``gen`` counts the generations told in the study, over all runs; ``run`` counts restarts
    (0: the first run); ``run_evals`` the evaluations told in the current run; ``best`` the
    best value told in the study. With a restart strategy, ``run_bests`` holds the best
    value of each of the current run's latest generations (as many as the stagnation rule
    reads; empty in blobs written before it existed, and without restarts). A state with an
    empty ``space`` records that no numeric parameter is shared by every completed trial, so
    the ES stays off.
    """

    space: SpaceKey
    opt: bytes = b""
    popsize: int = 0
    run: int = 0
    gen: int = 0
    run_evals: int = 0
    x_eval: FloatArray = field(default_factory=lambda: _EMPTY)
    x_tell: FloatArray = field(default_factory=lambda: _EMPTY)
    owners: tuple[int, ...] = ()
    restart: RestartState | None = None
    best: float = float("inf")
    run_bests: tuple[float, ...] = ()

    @property
    def active(self) -> bool:
        """Whether an optimizer runs (some numeric parameter is shared by every trial)."""
        return bool(self.space)


def dump_state(state: EsState) -> bytes:
    """The blob stored for ``state``."""
    data = {f.name: getattr(state, f.name) for f in fields(state)}
    data["restart"] = None if state.restart is None else asdict(state.restart)
    return pickle.dumps((FORMAT, data), protocol=pickle.HIGHEST_PROTOCOL)


def load_state(blob: bytes) -> EsState:
    """Inverse of :func:`dump_state`."""
    fmt, data = pickle.loads(blob)
    if fmt != FORMAT:
        raise ValueError(
            f"The stored evolution-strategy state has format {fmt}, this hypersweep reads "
            f"format {FORMAT}; upgrade hypersweep (or start a new study)."
        )
    restart = data.pop("restart")
    return EsState(**data, restart=None if restart is None else RestartState(**restart))


class BlobCache:
    """A small LRU cache of decoded blobs, so an unchanged blob is not decoded again.

    Keys are the blobs themselves (``bytes`` caches its hash), values are what they decode to;
    callers must never mutate a cached value.
    """

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._items: OrderedDict[bytes, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, blob: bytes) -> Any:
        with self._lock:
            value = self._items.get(blob)
            if value is not None:
                self._items.move_to_end(blob)
            return value

    def put(self, blob: bytes, value: Any) -> None:
        with self._lock:
            self._items[blob] = value
            self._items.move_to_end(blob)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
