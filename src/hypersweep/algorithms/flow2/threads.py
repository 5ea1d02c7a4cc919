"""BlendSearch's pool of search threads: statistics, priorities, creation and merging rules.

Thread 0 is the global search; threads 1, 2, ... are FLOW2 local searches. Each keeps
:class:`ThreadStats` of its own finished trials (cost spent, best and second-best value and
the cost at which each was reached). From them:

* **speed** = improvement between the two bests / trials in flight / cost spent since the
  second best (``0`` before any improvement; a thread of speed 0 is credited the fastest
  thread's speed when priorities are compared);
* **ECI** (estimated cost for improvement) = the larger of the cost spent since the best and
  the cost between the two bests, and, for a thread behind the best value of the study, at
  least ``2 * (its best - the study's best) / speed``;
* **priority** = ``min ECI * speed - best``: the value the thread may reach within the cost
  the most promising thread needs to improve. The highest priority proposes next.

A completed global proposal starts a thread when fewer than two local threads exist or its
value beats their median best (:func:`should_create`); a local thread whose best is not
better than another's second best and which that other reaches is *inferior* and is
deleted (:func:`inferior`).

>>> a = ThreadStats()
>>> a.add(1.0, cost=1.0); a.add(0.5, cost=1.0)
>>> a.speed, a.eci()
(0.5, 1.0)
>>> select([(0, a, True), (1, ThreadStats(), True)], target=0.5)
(0, 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: How far (in unit-box coordinates) global proposals may stray outside the box spanned by
#: the local searches' points.
ADMISSIBLE_MARGIN = 0.1


@dataclass
class ThreadStats:
    """The finished-trial statistics of one search thread (values minimised).

    ``speed`` is recomputed by each :meth:`add`; :func:`priorities` credits a thread of
    speed 0 with the fastest thread's speed, which it keeps until its next result.
    """

    cost_total: float = 0.0
    cost_best1: float = 0.0
    cost_best2: float = 0.0
    obj_best1: float = math.inf
    obj_best2: float = math.inf
    running: int = 0
    speed: float = 0.0

    def add(self, value: float | None, cost: float, eps: float = 1e-9) -> None:
        """Record one finished trial of this thread (``None``: failed) costing ``cost``;
        ``eps``: the smallest cost a speed divides by."""
        in_flight = max(self.running, 1)
        self.running = max(self.running - 1, 0)
        self.cost_total += max(float(cost), 0.0)
        if value is not None and not math.isnan(value) and value < self.obj_best1:
            self.cost_best2 = self.cost_best1
            self.cost_best1 = self.cost_total
            self.obj_best2 = value if math.isinf(self.obj_best1) else self.obj_best1
            self.obj_best1 = float(value)
        if self.obj_best2 > self.obj_best1 and math.isfinite(self.obj_best2):
            gain = self.obj_best2 - self.obj_best1
            self.speed = gain / in_flight / max(self.cost_total - self.cost_best2, eps)
        else:
            self.speed = 0.0

    def eci(self, target: float = math.inf) -> float:
        """Estimated cost for improvement, given the study's best value ``target``."""
        eci = max(self.cost_total - self.cost_best1, self.cost_best1 - self.cost_best2)
        if self.obj_best1 > target and self.speed > 0 and math.isfinite(self.obj_best1):
            eci = max(eci, 2 * (self.obj_best1 - target) / self.speed)
        return eci


def priorities(threads: Sequence[tuple[int, ThreadStats]], target: float) -> dict[int, float]:
    """Each thread's priority (higher proposes first); see the module docstring. Threads of
    speed 0 are credited the fastest speed (kept in their stats)."""
    fastest = max((s.speed for _, s in threads), default=0.0)
    for _, s in threads:
        if not s.speed:
            s.speed = fastest
    min_eci = min((s.eci(target) for _, s in threads), default=0.0)
    return {tid: min_eci * s.speed - s.obj_best1 for tid, s in threads}


def select(threads: Sequence[tuple[int, ThreadStats, bool]], target: float) -> tuple[int, int]:
    """``(top, backup)``: the thread to propose next and the best local thread that can.

    ``threads`` are ``(id, stats, can_propose)``; id 0 is the global search. ``backup`` is
    0 when no local thread can propose.
    """
    prio = priorities([(tid, s) for tid, s, _ in threads], target)
    top = backup = 0
    best_top = best_backup = prio.get(0, -math.inf)
    for tid, _, ok in threads:
        if tid == 0 or not ok:
            continue
        p = prio[tid]
        if p > best_top:
            best_top, top = p, tid
        if p > best_backup or backup == 0:
            best_backup, backup = p, tid
    return top, backup


def should_create(value: float, local_bests: Sequence[float]) -> bool:
    """The median rule: a global point starts a thread when fewer than two local threads
    exist or its value beats their median best."""
    if len(local_bests) < 2:
        return True
    return value < float(np.median(local_bests))


def inferior(a: ThreadStats, b: ThreadStats, b_reaches_a: bool) -> bool:
    """Whether thread ``a`` is inferior to ``b`` (then ``a`` is deleted)."""
    if a.obj_best1 < b.obj_best2:
        return False
    return b_reaches_a


def admissible(
    x: FloatArray, low: FloatArray, high: FloatArray, margin: float = ADMISSIBLE_MARGIN
) -> bool:
    """Whether a global proposal ``x`` lies within ``margin`` of the box ``[low, high]``."""
    x = np.asarray(x, dtype=float)
    return bool(np.all(x >= low - margin) and np.all(x <= high + margin))
