"""Plots of what hypersweep's schedulers do: rungs (successive halving, HyperBand, ASHA),
learning curves across pauses and continuations, and the PBT lineage tree. They follow
:mod:`hypersweep.trial.lineage`, so one configuration is one line whatever the number of
trial records it spans."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...study import Study
from ...trial import History, LineageInfo, StudyDirection, TrialState, keys
from ...trial.lineage import LineageStatus, LineageTable, member_chains
from ._common import FloatArray, IntArray, as_study
from .intermediate import report_value


def _table(study: Study) -> LineageTable:
    trials = [t for t in study.get_trials(deepcopy=False) if t.state is not TrialState.WAITING]
    return LineageTable(History(study.directions, trials), None)


# -- learning curves ------------------------------------------------------------------------
@dataclass(frozen=True)
class LearningCurvesData:
    """One line per configuration: its reports merged across its trial records.

    Configuration ``i`` (first record ``roots[i]``) owns ``steps[offsets[i]:offsets[i+1]]``;
    ``resumes`` lists ``(root, step, value)`` where a continuation took over (the first
    report of each later record). ``status`` is ``"active"``, ``"paused"`` or ``"done"``.

    >>> import hypersweep as hs
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(1, 4):
    ...         trial.report(x / step, step)
    ...     return x / 3
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=2)
    >>> data = learning_curves_data(study)
    >>> data.roots.tolist(), data.offsets.tolist(), data.status
    ([0, 1], [0, 3, 6], ('done', 'done'))
    """

    roots: IntArray
    offsets: IntArray
    steps: IntArray
    values: FloatArray
    status: tuple[str, ...]
    n_records: IntArray
    resumes: tuple[tuple[int, int, float], ...]
    minimize: bool


def learning_curves_data(study: Study) -> LearningCurvesData:
    """The data of :func:`plot_learning_curves`."""
    as_study(study)
    configs = [lin for lin in _table(study).configs if lin.steps]
    counts = np.fromiter((len(lin.steps) for lin in configs), np.int64, len(configs))
    offsets = np.zeros(len(configs) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    steps = np.fromiter((s for lin in configs for s in lin.steps), np.int64, int(offsets[-1]))
    values = np.fromiter(
        (report_value(v) for lin in configs for v in lin.values), float, int(offsets[-1])
    )
    resumes = tuple(
        (lin.root, lin.steps[i], float(report_value(lin.values[i])))
        for lin in configs
        for i in lin.starts[1:]
        if i < len(lin.steps)
    )
    return LearningCurvesData(
        np.fromiter((lin.root for lin in configs), np.int64, len(configs)),
        offsets,
        steps,
        values,
        tuple(lin.status.name.lower() for lin in configs),
        np.fromiter((len(lin.numbers) for lin in configs), np.int64, len(configs)),
        resumes,
        study.directions[0] is StudyDirection.MINIMIZE,
    )


# -- rungs ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rung:
    """The configurations that reached ``milestone`` and their value there."""

    milestone: int
    roots: IntArray
    values: FloatArray
    n_promoted: int
    n_paused: int


@dataclass(frozen=True)
class RungsData:
    """What :func:`plot_rungs` draws: per rung, the configurations that reached it, their
    value at it, how many went on to the next rung and how many wait there paused.

    >>> from hypersweep.trial import FrozenTrial, TrialState
    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.add_trial(hs.create_trial(params={}, distributions={}, value=1.0,
    ...                 intermediate_values={1: 3.0, 3: 1.0}))
    >>> study.add_trial(hs.create_trial(params={}, distributions={}, state=TrialState.PRUNED,
    ...                 intermediate_values={1: 4.0}))
    >>> data = rungs_data(study, milestones=[1, 3])
    >>> [(r.milestone, len(r.roots), r.n_promoted) for r in data.rungs]
    [(1, 2, 1), (3, 1, 0)]
    """

    rungs: tuple[Rung, ...]
    minimize: bool


def scheduler_milestones(study: Study) -> tuple[int, ...]:
    """The rung steps the study's scheduler uses (every bracket's), if it has rungs."""
    scheduler: Any = study.scheduler
    steps: set[int] = set(getattr(scheduler, "milestones", ()) or ())
    for bracket in getattr(scheduler, "brackets", ()) or ():
        steps.update(getattr(bracket, "milestones", ()) or ())
    return tuple(sorted(int(s) for s in steps))


def inferred_milestones(study: Study) -> tuple[int, ...]:
    """Steps where the study's trials were paused or pruned (rungs of an unknown scheduler)."""
    steps: set[int] = set()
    for t in study.get_trials(deepcopy=False, states=(TrialState.PRUNED,)):
        at = t.system_attrs.get(keys.PAUSED_AT)
        if at is not None:
            steps.add(int(at))
        elif t.intermediate_values:
            steps.add(max(t.intermediate_values))
    return tuple(sorted(steps))


def rungs_data(study: Study, milestones: Sequence[int] | None = None) -> RungsData:
    """The data of :func:`plot_rungs`; ``milestones`` default to the scheduler's rungs,
    else to the steps where trials were paused or pruned."""
    as_study(study)
    if milestones is None:
        ms = scheduler_milestones(study) or inferred_milestones(study)
    else:
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Sequence):
            raise TypeError("`milestones` must be a list of steps.")
        if any(isinstance(m, bool) or not isinstance(m, (int, np.integer)) for m in milestones):
            raise TypeError("`milestones` must be a list of int steps.")
        ms = tuple(sorted({int(m) for m in milestones}))
    configs = _table(study).configs
    rungs = []
    for k, m in enumerate(ms):
        reached = [lin for lin in configs if lin.reached(m)]
        nxt = ms[k + 1] if k + 1 < len(ms) else None
        promoted = sum(1 for lin in reached if nxt is not None and lin.reached(nxt))
        paused = sum(
            1 for lin in reached if lin.status is LineageStatus.PAUSED and lin.paused_at == m
        )
        rungs.append(
            Rung(
                m,
                np.fromiter((lin.root for lin in reached), np.int64, len(reached)),
                np.fromiter(
                    (report_value(lin.value_at(m)) for lin in reached), float, len(reached)
                ),
                promoted,
                paused,
            )
        )
    return RungsData(tuple(rungs), study.directions[0] is StudyDirection.MINIMIZE)


# -- PBT lineage tree -----------------------------------------------------------------------
@dataclass(frozen=True)
class LineageSegment:
    """One trial record: the steps it trained, on its member's row."""

    number: int
    member: int
    start: int
    end: int
    value: float
    params: dict[str, Any]


@dataclass(frozen=True)
class LineageEdge:
    """A clone: ``child`` loaded ``parent``'s checkpoint at ``step``, with ``changes``
    (parameter -> (old, new))."""

    parent: int
    child: int
    step: int
    changes: dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class LineageTreeData:
    """What :func:`plot_lineage_tree` draws: members as rows over steps, clones as edges.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    >>> data = lineage_tree_data(study)
    >>> [s.member for s in data.segments], data.edges
    ([0, 1], ())
    """

    segments: tuple[LineageSegment, ...]
    edges: tuple[LineageEdge, ...]
    n_members: int


def lineage_tree_data(study: Study) -> LineageTreeData:
    """The data of :func:`plot_lineage_tree` (a study without clones has no edges)."""
    as_study(study)
    trials = study.get_trials(deepcopy=False)
    by_number = {t.number: t for t in trials}
    segments: list[LineageSegment] = []
    edges: list[LineageEdge] = []
    chains = member_chains(trials)
    for member, chain in enumerate(chains):
        for t in chain:
            info = LineageInfo.of(t)
            steps = sorted(t.intermediate_values)
            start = info.resume_step if info.resume_step is not None else (steps[0] if steps else 0)
            end = steps[-1] if steps else start
            if steps:
                value = report_value(t.intermediate_values[steps[-1]])
            elif t.values:
                value = float(t.values[0])
            else:
                value = math.nan
            segments.append(
                LineageSegment(t.number, member, int(start), int(end), value, dict(t.params))
            )
            if info.parent is not None or (
                info.checkpoint_of is not None and info.checkpoint_of != info.resume_from
            ):
                parent = info.checkpoint_of if info.checkpoint_of is not None else info.parent
                assert parent is not None
                source = by_number.get(parent)
                old = dict(source.params) if source is not None else {}
                changes = {k: (old.get(k), v) for k, v in t.params.items() if old.get(k) != v}
                edges.append(LineageEdge(parent, t.number, int(start), changes))
    return LineageTreeData(tuple(segments), tuple(edges), len(chains))
