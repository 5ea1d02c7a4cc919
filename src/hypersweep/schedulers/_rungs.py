"""Rungs: the machinery successive halving, HyperBand and ASHA share.

Budget semantics. A trial reports ``(value, step)`` where ``step`` is the resource spent so
far (epochs, iterations, percent of the data, seconds — any increasing integer). A *rung* is
a milestone ``min_resource * eta**k`` below ``max_resource``; a configuration reaches it with
its first report at a step ``>= milestone``, and that report's value is its *rung value*.

Lineages. With pause/resume one configuration can span several trial records: a paused trial
(PRUNED, system attribute ``paused_at``) is continued by a new trial carrying ``lineage`` (the
number of the configuration's first trial) and ``resume_from`` (the trial it continues). The
schedulers reason about lineages, so a configuration counts once in every rung whatever its
number of records; a continuation only adds the steps beyond those its lineage reported
before, so rung values never change once recorded.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..trial import FrozenTrial, History, TrialState
from .base import CONTINUE, Action, Decision, Scheduler

#: The number of the first trial of a configuration, on each of its continuations.
LINEAGE_ATTR = "lineage"
#: The number of the trial a continuation resumes.
RESUME_FROM_ATTR = "resume_from"
#: The step of the checkpoint a continuation resumes from (``None``: it restarts).
RESUME_STEP_ATTR = "resume_step"
#: The step at which a trial was paused (on a PRUNED trial: it waits for a promotion).
PAUSED_AT_ATTR = "paused_at"

ACTIVE, PAUSED, DONE = 0, 1, 2
_FINISHED = frozenset((TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL))


@dataclass(frozen=True)
class Promotion:
    """A paused trial a scheduler wants continued, and why.

    ``trial_number`` is the paused trial (the latest record of its configuration) and
    ``step`` the step it paused at; the study starts a continuation trial for it.

    >>> Promotion(trial_number=4, step=3, reason="top 1 of 3 at step 3")
    Promotion(trial_number=4, step=3, reason='top 1 of 3 at step 3')
    """

    trial_number: int
    step: int
    reason: str = ""


def check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return value


def check_resources(min_resource: Any, max_resource: Any, reduction_factor: Any) -> None:
    check_int("min_resource", min_resource, 1)
    check_int("max_resource", max_resource, 1)
    check_int("reduction_factor", reduction_factor, 2)
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


class Lineage:
    """One configuration: its merged reports, its latest record and where it stands.

    Immutable once built (the tables share the lineages of finished records); ``steps``,
    ``values`` (as reported) and ``losses`` (minimised: value * sign, NaN -> inf) are tuples.
    """

    __slots__ = (
        "latest",
        "losses",
        "numbers",
        "paused_at",
        "root",
        "starts",
        "status",
        "steps",
        "values",
    )

    def __init__(
        self,
        root: int,
        latest: FrozenTrial,
        steps: tuple[int, ...],
        values: tuple[float, ...],
        losses: tuple[float, ...],
        starts: tuple[int, ...],
        numbers: tuple[int, ...],
    ) -> None:
        self.root = root
        self.latest = latest
        self.steps = steps
        self.values = values
        self.losses = losses
        self.starts = starts  # reports from position starts[i] on were made by numbers[i]
        self.numbers = numbers
        state = latest.state
        paused = latest.system_attrs.get(PAUSED_AT_ATTR)
        if state is TrialState.RUNNING or state is TrialState.WAITING:
            self.status, self.paused_at = ACTIVE, None
        elif state is TrialState.PRUNED and paused is not None:
            self.status, self.paused_at = PAUSED, int(paused)
        else:
            self.status, self.paused_at = DONE, None

    @classmethod
    def of_record(cls, trial: FrozenTrial, sign: float) -> Lineage:
        """The lineage of one record on its own."""
        root = trial.system_attrs.get(LINEAGE_ATTR)
        items = sorted(trial.intermediate_values.items())
        values = tuple(float(v) for _, v in items)
        losses = tuple(math.inf if math.isnan(v) else v * sign for v in values)
        root = trial.number if root is None else int(root)
        steps = tuple(s for s, _ in items)
        return cls(root, trial, steps, values, losses, (0,), (trial.number,))

    def extended(self, later: Lineage) -> Lineage:
        """This lineage continued by the record ``later`` (only its new steps count)."""
        cut = bisect.bisect_right(later.steps, self.steps[-1]) if self.steps else 0
        n = len(self.steps)
        return Lineage(
            self.root,
            later.latest,
            self.steps + later.steps[cut:],
            self.values + later.values[cut:],
            self.losses + later.losses[cut:],
            (*self.starts, n),
            (*self.numbers, later.latest.number),
        )

    def owner(self, i: int) -> int:
        """The number of the record that made report ``i``."""
        return self.numbers[bisect.bisect_right(self.starts, i) - 1]

    def first_at(self, milestone: int) -> int | None:
        """Position in ``steps`` of the first report at a step >= ``milestone``."""
        i = bisect.bisect_left(self.steps, milestone)
        return i if i < len(self.steps) else None

    def reached(self, milestone: int) -> bool:
        return bool(self.steps) and self.steps[-1] >= milestone

    def loss_at(self, milestone: int) -> float:
        i = self.first_at(milestone)
        assert i is not None
        return self.losses[i]

    def value_at(self, milestone: int) -> float:
        i = self.first_at(milestone)
        assert i is not None
        return self.values[i]

    def __repr__(self) -> str:
        return f"Lineage(root={self.root}, steps={self.steps}, status={self.status})"


class _LineageCache:
    """The one-record lineages of finished trials (immutable records), built once."""

    def __init__(self) -> None:
        self._data: dict[int, tuple[FrozenTrial, float, Lineage]] = {}
        self._merged: dict[tuple[int, int], tuple[Lineage, Lineage, Lineage]] = {}
        self._lock = threading.Lock()

    def merge(self, prev: Lineage, later: Lineage) -> Lineage:
        """``prev.extended(later)``, built once while both are unchanged (finished)."""
        if later.status == ACTIVE:
            return prev.extended(later)
        key = (id(prev), id(later))
        hit = self._merged.get(key)
        if hit is not None and hit[0] is prev and hit[1] is later:
            return hit[2]
        merged = prev.extended(later)
        with self._lock:
            if len(self._merged) > 50_000:
                self._merged.clear()
            self._merged[key] = (prev, later, merged)
        return merged

    def get(self, trial: FrozenTrial, sign: float) -> Lineage:
        hit = self._data.get(id(trial))
        if hit is not None and hit[0] is trial and hit[1] == sign:
            return hit[2]
        lin = Lineage.of_record(trial, sign)
        if trial.state not in _FINISHED:
            return lin
        with self._lock:
            if len(self._data) > 200_000:
                self._data.clear()
            self._data[id(trial)] = (trial, sign, lin)
        return lin


class LineageTable:
    """The configurations of a study, built from a history and the live trial."""

    def __init__(
        self, history: History, trial: FrozenTrial | None, cache: _LineageCache | None = None
    ) -> None:
        sign = history.sign(0)
        cache = cache or _LineageCache()
        get, merge = cache.get, cache.merge
        trials: Iterable[FrozenTrial] = history.trials
        if trial is not None:
            trials = [t for t in trials if t.number != trial.number]
            trials.append(trial)
            trials.sort(key=lambda t: t.number)
        groups: dict[int, Lineage] = {}
        for t in trials:
            lin = get(t, sign)
            prev = groups.get(lin.root)
            groups[lin.root] = lin if prev is None else merge(prev, lin)
        self.lineages = groups
        self.roots = sorted(groups)
        self.configs = [groups[r] for r in self.roots]

    def of(self, trial: FrozenTrial) -> Lineage:
        root = trial.system_attrs.get(LINEAGE_ATTR)
        return self.lineages[trial.number if root is None else int(root)]

    def position(self, lin: Lineage) -> int:
        """The configuration's position among the study's configurations (0-based)."""
        return bisect.bisect_left(self.roots, lin.root)


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
    if rank < keep:
        return CONTINUE
    return Decision(
        Action.PRUNE,
        f"rank {rank + 1} of {len(reached)} at step {milestone}; only the best {keep} go on",
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
        self._reports = _LineageCache()
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
        self._reports = _LineageCache()
        self._settled = {}
