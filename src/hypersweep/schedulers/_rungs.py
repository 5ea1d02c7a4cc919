"""Rungs: the machinery successive halving, HyperBand and ASHA share.

Budget semantics. A trial reports ``(value, step)`` where ``step`` is the resource spent so
far (epochs, iterations, percent of the data, seconds — any increasing integer). A *rung* is
a milestone ``min_resource * eta**k`` below ``max_resource``; a configuration reaches it with
its first report at a step ``>= milestone``, and that report's value is its *rung value*.

Lineages. With pause/resume one configuration can span several trial records (the public
record is in :mod:`hypersweep.trial.lineage`). The schedulers reason about lineages, so a
configuration counts once in every rung whatever its number of records; a continuation only
adds the steps beyond those its lineage reported before, so rung values never change once
recorded.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .._internal.validation import check_int
from ..trial import FrozenTrial, History
from ..trial.lineage import Lineage, LineageCache, LineageStatus, LineageTable, Promotion
from .base import CONTINUE, Action, Decision, Scheduler

ACTIVE, PAUSED, DONE = LineageStatus.ACTIVE, LineageStatus.PAUSED, LineageStatus.DONE


def check_resources(min_resource: Any, max_resource: Any, reduction_factor: Any) -> None:
    # Any bad value is a ValueError here, a wrong type included (as it always was).
    check_int("min_resource", min_resource, minimum=1, type_error=ValueError)
    check_int("max_resource", max_resource, minimum=1, type_error=ValueError)
    check_int("reduction_factor", reduction_factor, minimum=2, type_error=ValueError)
    if max_resource <= min_resource:
        raise ValueError(
            f"max_resource ({max_resource}) must be > min_resource ({min_resource}): the "
            "rungs are the steps min_resource * reduction_factor**k below max_resource, so "
            "there would be no rung and no trial would ever be stopped. Raise max_resource "
            f"(to min_resource * reduction_factor = {min_resource * reduction_factor} for "
            "one full halving) or lower min_resource."
        )


def milestones(min_resource: int, max_resource: int, eta: int) -> tuple[int, ...]:
    """The rung steps ``min_resource * eta**k`` that lie below ``max_resource``.

    >>> milestones(1, 81, 3)
    (1, 3, 9, 27)
    >>> milestones(1, 100, 3)
    (1, 3, 9, 27, 81)
    """
    out = []
    r = min_resource
    while r < max_resource:
        out.append(r)
        r *= eta
    return tuple(out)


def _key(milestone: int) -> Any:
    return lambda lin: (lin.loss_at(milestone), lin.root)


@dataclass
class _RungState:
    k: int
    milestone: int
    quota: int
    ranked: list[Lineage]
    full: bool


def _sync_rungs(
    members: Sequence[Lineage], n: int, steps: Sequence[int], eta: int
) -> Iterator[_RungState]:
    """Walk the rungs of one synchronous bracket of ``n`` configurations.

    Stops after the first rung that is not full: later rungs' members are not known yet.
    """
    current = list(members)
    roster_complete = len(current) >= n
    for k, milestone in enumerate(steps):
        quota = max(1, n // eta ** (k + 1))
        reached = [lin for lin in current if lin.reached(milestone)]
        full = roster_complete and all(
            lin.status == DONE or lin.reached(milestone) for lin in current
        )
        reached.sort(key=_key(milestone))
        yield _RungState(k, milestone, quota, reached, full)
        if not full:
            return
        current = reached[:quota]


def _paused_at_rung(lin: Lineage, steps: Sequence[int], k: int) -> bool:
    if lin.status != PAUSED:
        return False
    return k + 1 >= len(steps) or not lin.reached(steps[k + 1])


def sync_decide(
    lin: Lineage, members: Sequence[Lineage], n: int, steps: Sequence[int], eta: int, pause: bool
) -> Decision:
    """The decision of synchronous successive halving for ``lin``, a member of a bracket."""
    for rung in _sync_rungs(members, n, steps, eta):
        if not lin.reached(rung.milestone):
            return CONTINUE
        rank = next(i for i, other in enumerate(rung.ranked) if other is lin)
        where = f"at step {rung.milestone}"
        if rung.full:
            if rank >= rung.quota:
                return Decision(
                    Action.PRUNE,
                    f"rank {rank + 1} of {len(rung.ranked)} {where}; only the best "
                    f"{rung.quota} go on",
                )
            continue
        if rank >= rung.quota:
            return Decision(
                Action.PRUNE,
                f"{rank} configurations of its bracket are better {where}; only the best "
                f"{rung.quota} go on",
            )
        if pause:
            return Decision(
                Action.PAUSE,
                f"waiting for its rung {where} to fill ({len(rung.ranked)} of "
                f"{n // eta**rung.k or 1} reported)",
            )
        return CONTINUE
    return CONTINUE


def sync_promotions(
    members: Sequence[Lineage], n: int, steps: Sequence[int], eta: int
) -> list[tuple[int, float, Promotion]]:
    """(step, loss, promotion) for the paused members of a bracket its full rungs promote."""
    out: list[tuple[int, float, Promotion]] = []
    if not any(lin.status == PAUSED for lin in members):
        return out
    for rung in _sync_rungs(members, n, steps, eta):
        if not rung.full:
            break
        for lin in rung.ranked[: rung.quota]:
            if _paused_at_rung(lin, steps, rung.k):
                assert lin.latest is not None and lin.paused_at is not None
                reason = (
                    f"among the best {rung.quota} of {len(rung.ranked)} at step {rung.milestone}"
                )
                promo = Promotion(lin.latest.number, lin.paused_at, reason)
                out.append((rung.milestone, lin.loss_at(rung.milestone), promo))
    return out


def may_cross(trial: FrozenTrial, steps: Sequence[int]) -> bool:
    """Cheap pre-check: ``False`` when ``trial``'s last report cannot be a rung crossing
    (no rung below it, or the trial itself already reported at or past that rung)."""
    step = trial.last_step
    if step is None:
        return False
    k = bisect.bisect_right(steps, step) - 1
    if k < 0:
        return False
    milestone = steps[k]
    return not any(milestone <= s < step for s in trial.intermediate_values)


def _rung_index(lin: Lineage, number: int, step: int, steps: Sequence[int]) -> int | None:
    """The rung whose milestone trial ``number``'s report at ``step`` crossed first for its
    lineage, if any (a continuation re-running steps its lineage did before crosses none)."""
    k = bisect.bisect_right(steps, step) - 1
    if k < 0:
        return None
    i = lin.first_at(steps[k])
    if i is None or lin.steps[i] != step or lin.owner(i) != number:
        return None  # an earlier report (maybe of an earlier record) crossed it
    return k


def async_decide(
    lin: Lineage,
    trial: FrozenTrial,
    members: Sequence[Lineage],
    steps: Sequence[int],
    eta: int,
    pause: bool,
) -> Decision:
    """ASHA's decision for ``lin`` after ``trial``'s (its latest record's) last report."""
    step = trial.last_step
    k = None if step is None else _rung_index(lin, trial.number, step, steps)
    if k is None:
        return CONTINUE
    milestone = steps[k]
    if pause:
        return Decision(Action.PAUSE, f"reached the rung at step {milestone}")
    reached = [other for other in members if other.reached(milestone)]
    reached.sort(key=_key(milestone))
    rank = next(i for i, other in enumerate(reached) if other is lin)
    keep = max(1, len(reached) // eta)
    # Ties go on: a value equal to the keep-th best is not worse than it (accuracy-like
    # metrics tie often, and stopping a trial as good as one that goes on is arbitrary).
    if rank < keep or lin.loss_at(milestone) <= reached[keep - 1].loss_at(milestone):
        return CONTINUE
    return Decision(
        Action.PRUNE,
        f"rank {rank + 1} of {len(reached)} at step {milestone}; only the best {keep} "
        "(and those tied with the last of them) go on",
    )


def async_promotions(
    members: Sequence[Lineage], steps: Sequence[int], eta: int
) -> list[tuple[int, float, Promotion]]:
    """(step, loss, promotion) for paused lineages in the top 1/eta of their rung so far."""
    out: list[tuple[int, float, Promotion]] = []
    if not any(lin.status == PAUSED for lin in members):
        return out
    for k, milestone in enumerate(steps):
        reached = [lin for lin in members if lin.reached(milestone)]
        top = len(reached) // eta
        if not top:
            continue
        reached.sort(key=_key(milestone))
        for lin in reached[:top]:
            if _paused_at_rung(lin, steps, k):
                assert lin.latest is not None and lin.paused_at is not None
                reason = f"among the best {top} of {len(reached)} at step {milestone}"
                promo = Promotion(lin.latest.number, lin.paused_at, reason)
                out.append((milestone, lin.loss_at(milestone), promo))
    return out


def ordered(candidates: Iterable[tuple[int, float, Promotion]]) -> list[Promotion]:
    """The highest rung step first, then the best value (ASHA's order), then the oldest."""
    items = sorted(candidates, key=lambda c: (-c[0], c[1], c[2].trial_number))
    return [c[2] for c in items]


class RungScheduler(Scheduler):
    """Shared behaviour of the rung-based schedulers (not used directly).

    ``pauses_trials`` tells the study that this scheduler may return ``PAUSE`` and
    implements :meth:`promotions`, so that free workers ask it for paused trials to resume.
    """

    pause: bool = False

    def __init__(self) -> None:
        self._reports = LineageCache()
        self._settled: dict[tuple[int, ...], tuple[list[Lineage], list[Any]]] = {}

    def _bracket_promotions(
        self, members: Sequence[Lineage], n: int, steps: Sequence[int]
    ) -> list[tuple[int, float, Promotion]]:
        """``sync_promotions``, remembered for brackets whose records are all finished
        (their lineages are then shared, unchanging objects)."""
        eta = self.reduction_factor  # type: ignore[attr-defined]
        if len(members) < n or any(lin.status == ACTIVE for lin in members):
            return sync_promotions(members, n, steps, eta)
        key = tuple(map(id, members))
        hit = self._settled.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], members, strict=True)):
            return list(hit[1])
        out = sync_promotions(members, n, steps, eta)
        if len(self._settled) > 10_000:
            self._settled.clear()
        self._settled[key] = (list(members), out)
        return list(out)

    @property
    def pauses_trials(self) -> bool:
        """Whether this scheduler pauses trials (``pause=True``) instead of stopping them."""
        return self.pause

    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"{type(self).__name__} ranks one objective; this study has {n_objectives}. "
                "Use a single-objective study."
            )

    def _table(self, history: History, trial: FrozenTrial | None) -> LineageTable:
        return LineageTable(history, trial, self._reports)

    def promotions(self, history: History) -> list[Promotion]:
        """Paused trials that should resume now, the most urgent first (``[]`` when the
        scheduler stops trials instead of pausing them)."""
        if not self.pause:
            return []
        return ordered(self._promotions(self._table(history, None)))

    def _promotions(self, table: LineageTable) -> list[tuple[int, float, Promotion]]:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_reports", None)
        state.pop("_settled", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reports = LineageCache()
        self._settled = {}
