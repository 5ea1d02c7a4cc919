"""Lineage: how the trial records of one configuration link up across pauses and clones.

With pause/resume one configuration can span several trial records. A paused trial is
finished PRUNED with the system attribute ``paused_at`` (its step); a scheduler lists it in
:meth:`~hypersweep.schedulers.Scheduler.promotions` as a :class:`Promotion`, and the study
starts a *continuation*: a new RUNNING record built by :func:`continuation_template`.

* A plain continuation goes on with the same parameters from the paused trial's own
  checkpoint. It carries ``lineage`` (the number of the configuration's first record, the
  *root*), ``resume_from`` (the paused trial), ``resume_step`` and ``checkpoint_of``.
* A *clone* (``Promotion(clone_of=...)`` and/or ``params=...``: PBT's exploit and explore)
  loads **another** trial's checkpoint, possibly with **changed** parameters. It starts a
  new lineage, whose root is the clone itself, with ``lineage_parent`` naming the trial it
  was cloned from, so the rung values of the source's lineage are never mixed with the
  clone's.

A continuation whose worker died is failed; ``RetryFailedTrialCallback`` then enqueues a
*retry* (:func:`retry_template`) with the same lineage attributes, which goes on from the
same checkpoint. The failed record it replaces (its ``retried_from``) then no longer counts
in its configuration or member (:func:`replaced_by_retries`).

:class:`LineageInfo` reads these attributes off any record; :class:`LineageTable` groups a
study's records into configurations (what the rung schedulers rank), :func:`member_chains`
into lines of training (what PBT ranks). Every key is in :mod:`hypersweep.trial.keys`.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import enum
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import keys
from .frozen import FrozenTrial, TrialState
from .history import History

_FINISHED = frozenset((TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL))


class LineageStatus(enum.IntEnum):
    """Where a configuration stands: running, paused (waiting for a promotion) or done."""

    ACTIVE = 0
    PAUSED = 1
    DONE = 2


@dataclass(frozen=True)
class Promotion:
    """A paused trial a scheduler wants continued, and how.

    ``trial_number`` is the paused trial (the latest record of its configuration) and
    ``step`` the step it paused at. By default the continuation goes on from that trial's
    own checkpoint with the same parameters. ``clone_of`` (another trial's number) makes it
    load that trial's checkpoint instead, and ``params`` changes parameters: either makes the
    continuation a clone that starts a new lineage (see the module docstring).

    >>> Promotion(trial_number=4, step=3, reason="top 1 of 3 at step 3").is_clone
    False
    >>> Promotion(4, 3, "exploit trial 1", clone_of=1, params={"lr": 0.02}).is_clone
    True
    """

    trial_number: int
    step: int
    reason: str = ""
    clone_of: int | None = None
    params: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def is_clone(self) -> bool:
        """Whether the continuation starts a new lineage (another checkpoint or new params)."""
        return (self.clone_of is not None and self.clone_of != self.trial_number) or bool(
            self.params
        )


@dataclass(frozen=True)
class LineageInfo:
    """The lineage attributes of one trial record, read from its system attributes.

    >>> info = LineageInfo.of(FrozenTrial(number=7, state=TrialState.RUNNING,
    ...                       system_attrs={"lineage": 2, "resume_from": 5, "resume_step": 9}))
    >>> info.root, info.resume_from, info.resume_step, info.is_continuation
    (2, 5, 9, True)
    """

    number: int
    root: int
    parent: int | None = None
    resume_from: int | None = None
    resume_step: int | None = None
    checkpoint_of: int | None = None
    checkpoint_step: int | None = None
    paused_at: int | None = None

    @classmethod
    def of(cls, trial: FrozenTrial) -> LineageInfo:
        attrs = trial.system_attrs

        def number(key: str) -> int | None:
            value = attrs.get(key)
            return None if value is None else int(value)

        root = number(keys.LINEAGE)
        return cls(
            number=trial.number,
            root=trial.number if root is None else root,
            parent=number(keys.LINEAGE_PARENT),
            resume_from=number(keys.RESUME_FROM),
            resume_step=number(keys.RESUME_STEP),
            checkpoint_of=number(keys.CHECKPOINT_OF),
            checkpoint_step=number(keys.CHECKPOINT_STEP),
            paused_at=number(keys.PAUSED_AT),
        )

    @property
    def is_continuation(self) -> bool:
        """Whether this record continues an earlier one (plain continuation or clone)."""
        return self.resume_from is not None


def checkpoint_source(trial: FrozenTrial) -> tuple[int | None, int | None]:
    """``(number, step)`` of the checkpoint a continuation of ``trial`` would load: the
    trial's own latest one, else the one it resumed from; ``(None, None)`` if none."""
    attrs = trial.system_attrs
    if keys.CHECKPOINT_STEP in attrs:
        step = attrs[keys.CHECKPOINT_STEP]
        return trial.number, None if step is None else int(step)
    source = attrs.get(keys.CHECKPOINT_OF)
    if source is None:
        return None, None
    step = attrs.get(keys.RESUME_STEP)
    return int(source), None if step is None else int(step)


def continuation_template(
    paused: FrozenTrial, promotion: Promotion | None = None, source: FrozenTrial | None = None
) -> FrozenTrial:
    """The RUNNING record that carries out ``promotion`` of ``paused``.

    ``source`` is the trial named by ``promotion.clone_of`` (needed for a clone). The
    record keeps the reports up to the checkpoint's step; a clone takes the source's
    parameters, reports and checkpoint, with ``promotion.params`` applied over them.
    """
    clone = promotion is not None and promotion.is_clone
    origin = paused
    if clone and promotion is not None and promotion.clone_of is not None:
        if source is None or source.number != promotion.clone_of:
            raise ValueError(f"Cloning trial {promotion.clone_of} needs its record as source.")
        origin = source
    checkpoint_of, step = checkpoint_source(origin)
    reports = {
        s: v for s, v in origin.intermediate_values.items() if step is not None and s <= step
    }
    params = dict(origin.params)
    if clone and promotion is not None and promotion.params:
        unknown = sorted(set(promotion.params) - set(origin.distributions))
        if unknown:
            raise ValueError(f"A clone can only change existing parameters, not {unknown}.")
        params.update(promotion.params)
    system: dict[str, Any] = {keys.RESUME_FROM: paused.number, keys.RESUME_STEP: step}
    if clone:
        system[keys.LINEAGE_PARENT] = origin.number
    else:
        system[keys.LINEAGE] = LineageInfo.of(paused).root
    if checkpoint_of is not None:
        system[keys.CHECKPOINT_OF] = checkpoint_of
    return FrozenTrial(
        number=-1,
        state=TrialState.RUNNING,
        params=params,
        distributions=dict(origin.distributions),
        user_attrs=dict(origin.user_attrs),
        system_attrs=system,
        intermediate_values=reports,
        datetime_start=_dt.datetime.now(),
    )


_LINEAGE_KEYS = (
    keys.LINEAGE,
    keys.LINEAGE_PARENT,
    keys.RESUME_FROM,
    keys.RESUME_STEP,
    keys.CHECKPOINT_OF,
)


def retry_template(
    failed: FrozenTrial,
    source: FrozenTrial | None,
    system_attrs: Mapping[str, Any] | None = None,
) -> FrozenTrial:
    """The WAITING record that runs the continuation ``failed`` (its worker died) again.

    The retry is again a continuation of the same paused record, in the same lineage: it
    keeps ``failed``'s lineage attributes (``resume_from``, ``resume_step``,
    ``checkpoint_of``, ``lineage``, ``lineage_parent``), parameters, user attributes and
    the reports up to ``resume_step``, plus ``system_attrs`` (the retry's own). ``source``
    is the record named by ``checkpoint_of`` (``None`` if there is none). The retry loads
    the checkpoint ``failed`` loaded: ``source``'s while it still holds the state at
    ``resume_step``; else ``failed``'s own copy of it (a clone of a running trial gets one);
    else, when that was replaced too, ``failed``'s latest checkpoint, from its step on.

    >>> paused_source = FrozenTrial(number=3, state=TrialState.PRUNED,
    ...                             system_attrs={keys.PAUSED_AT: 4, keys.CHECKPOINT_STEP: 4})
    >>> failed = FrozenTrial(number=7, state=TrialState.FAIL, intermediate_values={4: 1.0, 5: 2.0},
    ...                      system_attrs={keys.RESUME_FROM: 3, keys.RESUME_STEP: 4,
    ...                                    keys.CHECKPOINT_OF: 3, keys.LINEAGE: 0})
    >>> retry = retry_template(failed, paused_source, {keys.RETRIED_FROM: 7})
    >>> retry.state.name, dict(retry.intermediate_values), LineageInfo.of(retry).checkpoint_of
    ('WAITING', {4: 1.0}, 3)
    """
    attrs = failed.system_attrs
    system: dict[str, Any] = {k: attrs[k] for k in _LINEAGE_KEYS if k in attrs}
    raw = system.get(keys.RESUME_STEP)
    step = None if raw is None else int(raw)
    of = system.get(keys.CHECKPOINT_OF)
    if step is not None and of is not None:
        held = (
            source is not None and source.number == int(of) and _own_checkpoint_step(source) == step
        )
        mine = _own_checkpoint_step(failed)
        if not held and mine is not None and mine >= step:
            # The state at resume_step lives on only in failed's own checkpoint: its copy of
            # it (mine == step), else the latest one it saved (the retry goes on from there).
            system[keys.CHECKPOINT_OF] = failed.number
            system[keys.RESUME_STEP] = step = mine
    system.update(system_attrs or {})
    reports = {
        s: v for s, v in failed.intermediate_values.items() if step is not None and s <= step
    }
    return FrozenTrial(
        number=-1,
        state=TrialState.WAITING,
        params=dict(failed.params),
        distributions=dict(failed.distributions),
        user_attrs=dict(failed.user_attrs),
        system_attrs=system,
        intermediate_values=reports,
    )


def _own_checkpoint_step(trial: FrozenTrial) -> int | None:
    """The step of ``trial``'s own checkpoint (``None`` if it has none, or no step)."""
    step = trial.system_attrs.get(keys.CHECKPOINT_STEP)
    return None if step is None else int(step)


def replaced_by_retries(trials: Iterable[FrozenTrial]) -> set[int]:
    """The numbers of the failed continuations that a retry replaces (the ``retried_from``
    of a retry that is itself a continuation: it resumes the same paused record)."""
    out: set[int] = set()
    for t in trials:
        attrs = t.system_attrs
        if keys.RETRIED_FROM in attrs and keys.RESUME_FROM in attrs:
            out.add(int(attrs[keys.RETRIED_FROM]))
    return out


def member_chains(trials: Iterable[FrozenTrial]) -> list[list[FrozenTrial]]:
    """A study's lines of training (population based training's *members*): the records
    linked by ``resume_from`` (a paused trial, its continuation, the continuation's
    continuation...), oldest first, the members in the order of their first records.

    Records not started yet (WAITING) are left out, and so is a failed continuation that a
    retry replaces (the retry links to the same paused record in its place).

    >>> first = FrozenTrial(number=0, state=TrialState.PRUNED, system_attrs={keys.PAUSED_AT: 4})
    >>> other = FrozenTrial(number=1, state=TrialState.RUNNING)
    >>> dead = FrozenTrial(number=2, state=TrialState.FAIL, system_attrs={keys.RESUME_FROM: 0})
    >>> retry = FrozenTrial(number=3, state=TrialState.RUNNING,
    ...                     system_attrs={keys.RESUME_FROM: 0, keys.RETRIED_FROM: 2})
    >>> [[t.number for t in chain] for chain in member_chains([first, other, dead, retry])]
    [[0, 3], [1]]
    """
    ordered = sorted(trials, key=lambda t: t.number)
    replaced = replaced_by_retries(ordered)
    member_of: dict[int, list[FrozenTrial]] = {}
    out: list[list[FrozenTrial]] = []
    for t in ordered:
        if t.state is TrialState.WAITING:
            continue
        if t.state is TrialState.FAIL and t.number in replaced:
            continue
        parent = t.system_attrs.get(keys.RESUME_FROM)
        chain = member_of.get(int(parent)) if parent is not None else None
        if chain is None:
            chain = []
            out.append(chain)
        chain.append(t)
        member_of[t.number] = chain
    return out


def provenance(trials: Iterable[FrozenTrial], number: int) -> list[FrozenTrial]:
    """The records whose training state trial ``number``'s state comes from, oldest first.

    Each record loaded the checkpoint of the one before it (``checkpoint_of``): across a
    plain continuation that is the paused record, across a clone the trial it was cloned
    from. A record that started without a checkpoint begins the chain.
    """
    by_number = {t.number: t for t in trials}
    if number not in by_number:
        raise ValueError(f"The study has no trial {number}.")
    chain = [by_number[number]]
    seen = {number}
    while True:
        source = LineageInfo.of(chain[-1]).checkpoint_of
        if source is None or source in seen or source not in by_number:
            break
        seen.add(source)
        chain.append(by_number[source])
    chain.reverse()
    return chain


def schedule(trials: Iterable[FrozenTrial], number: int) -> list[tuple[int, dict[str, Any]]]:
    """The hyperparameter schedule that trained trial ``number``'s state: ``(step, params)``
    from the step on which each set of parameters applied (PBT's learnt schedule; replayed
    by ``PBTReplayScheduler``).

    >>> from hypersweep.trial import keys
    >>> first = FrozenTrial(number=0, state=TrialState.PRUNED, params={"lr": 0.1},
    ...                     system_attrs={keys.CHECKPOINT_STEP: 4})
    >>> clone = FrozenTrial(number=2, state=TrialState.COMPLETE, params={"lr": 0.12},
    ...                     system_attrs={keys.CHECKPOINT_OF: 0, keys.RESUME_STEP: 4})
    >>> schedule([first, clone], 2)
    [(0, {'lr': 0.1}), (4, {'lr': 0.12})]
    """
    out: list[tuple[int, dict[str, Any]]] = []
    for record in provenance(trials, number):
        start = LineageInfo.of(record).resume_step
        params = dict(record.params)
        if out and out[-1][1] == params:
            continue
        out.append((0 if start is None else start, params))
    return out


def is_continuation(trial: FrozenTrial) -> bool:
    """Whether ``trial`` continues or clones an earlier record (it is not a new
    configuration drawn by the sampler)."""
    return keys.RESUME_FROM in trial.system_attrs or keys.LINEAGE in trial.system_attrs


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
        paused = latest.system_attrs.get(keys.PAUSED_AT)
        if state is TrialState.RUNNING or state is TrialState.WAITING:
            self.status, self.paused_at = LineageStatus.ACTIVE, None
        elif state is TrialState.PRUNED and paused is not None:
            self.status, self.paused_at = LineageStatus.PAUSED, int(paused)
        else:
            self.status, self.paused_at = LineageStatus.DONE, None

    @classmethod
    def of_record(cls, trial: FrozenTrial, sign: float) -> Lineage:
        """The lineage of one record on its own."""
        root = trial.system_attrs.get(keys.LINEAGE)
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


class LineageCache:
    """The one-record lineages of finished trials (immutable records), built once."""

    def __init__(self) -> None:
        self._data: dict[int, tuple[FrozenTrial, float, Lineage]] = {}
        self._merged: dict[tuple[int, int], tuple[Lineage, Lineage, Lineage]] = {}
        self._lock = threading.Lock()

    def merge(self, prev: Lineage, later: Lineage) -> Lineage:
        """``prev.extended(later)``, built once while both are unchanged (finished)."""
        if later.status is LineageStatus.ACTIVE:
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
        self, history: History, trial: FrozenTrial | None, cache: LineageCache | None = None
    ) -> None:
        sign = history.sign(0)
        cache = cache or LineageCache()
        get, merge = cache.get, cache.merge
        trials: Sequence[FrozenTrial] = history.trials
        if trial is not None:
            merged = [t for t in trials if t.number != trial.number]
            merged.append(trial)
            merged.sort(key=lambda t: t.number)
            trials = merged
        replaced = replaced_by_retries(trials)
        groups: dict[int, Lineage] = {}
        for t in trials:
            if replaced and t.state is TrialState.FAIL and t.number in replaced:
                continue  # a retry of this failed continuation goes on in its place
            lin = get(t, sign)
            prev = groups.get(lin.root)
            groups[lin.root] = lin if prev is None else merge(prev, lin)
        self.lineages = groups
        self.roots = sorted(groups)
        self.configs = [groups[r] for r in self.roots]

    def of(self, trial: FrozenTrial) -> Lineage:
        root = trial.system_attrs.get(keys.LINEAGE)
        return self.lineages[trial.number if root is None else int(root)]

    def position(self, lin: Lineage) -> int:
        """The configuration's position among the study's configurations (0-based)."""
        return bisect.bisect_left(self.roots, lin.root)
