"""State transitions of the cost-frugal samplers: tell finished trials, pick a thread, ask it.

:meth:`Pool.start` is what ``start_trial_shared`` runs; it is a pure function of the history,
the trial number, the trial's random stream and the stored state (the study retries it with
fresher state when another worker wrote first). Each call

1. narrows the searched space to the parameters every completed trial shares (a conditional
   parameter that some completed trial lacks leaves it; the threads then continue from
   their incumbents in the narrower space);
2. tells every finished trial to the thread that proposed it, in trial-number order, and
   updates the threads' statistics (cost: see :func:`~.options.trial_cost`). A finished
   start / global trial may create a thread (CFO: when none exists; BlendSearch: the median
   rule). After a local result, threads inferior to another one are deleted;
3. picks the proposing thread (CFO: its only thread; BlendSearch: the highest priority),
   asks it, and records the proposal in the trial's system attributes.

With a resource ladder (``resource_attr``), every proposal also carries the resource it runs
at: starts and global proposals the ladder's first rung, local proposals their thread's;
a thread whose results since its incumbent cost ``reduction_factor`` times the incumbent's
cost proposes its incumbent at the next rung (:mod:`hypersweep.algorithms.flow2.resource`),
whose value then becomes the incumbent's value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ...algorithms.flow2 import (
    Flow2,
    ResourceLadder,
    ThreadStats,
    admissible,
    inferior,
    select,
    should_create,
)
from ...space import SearchSpace
from ...trial import FrozenTrial, History, TrialState
from ..es.space import FloatArray, SpaceKey, conforms, space_digest, space_from_key, space_key
from .constraints import STEP_WIDEN, ConfigConstraint, MetricConstraint, lagrangian, violates
from .options import check_low_cost_names, check_resource_name, trial_cost
from .space import RowEncoder, columns, flow_space, start_point
from .state import LocalThread, PoolState, dump_state, load_state, point_key
from .values import trial_by_number

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
_START_TRIES = 16
#: The proposal id of a start or global trial, and of a thread's incumbent at a larger resource.
_START, _GROW = -1, -2
_UNIFORM_TRIES = 64

#: ``propose_global(state, space) -> (x, system attrs, new global blob)`` or ``None``.
GlobalProposer = Callable[
    [PoolState, SearchSpace], tuple[FloatArray, dict[str, Any], bytes | None] | None
]


@dataclass
class Pool:
    """The configuration of one sampler's pool (its state lives in blobs)."""

    low_cost: Mapping[str, Any]
    cost_attr: str | None
    shrink: str
    blend: bool
    config_constraints: list[ConfigConstraint] = field(default_factory=list)
    metric_constraints: list[MetricConstraint] = field(default_factory=list)
    ladder: ResourceLadder | None = None
    resource_attr: str | None = None
    global_share: float = 0.0

    def __post_init__(self) -> None:
        self._digests: dict[str, SearchSpace] = {}
        self._spaces: dict[tuple[tuple[str, str], ...], SearchSpace] = {}
        self._last: tuple[bytes, PoolState] | None = None
        self._encoders: dict[SpaceKey, RowEncoder] = {}
        self._names: dict[SpaceKey, str] = {}
        self._free: dict[SpaceKey, npt.NDArray[np.bool_]] = {}
        self._conform: set[int] = set()  # this transition's trials known to fit the space

    def __getstate__(self) -> dict[str, Any]:
        """Caches stay behind when a sampler travels to another process."""
        caches = ("_last", "_spaces", "_encoders", "_names", "_free", "_conform")
        return {k: v for k, v in self.__dict__.items() if k not in caches}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._spaces = {}
        self._last = None
        self._encoders = {}
        self._names = {}
        self._free = {}
        self._conform = set()

    def space_of(self, digest: str) -> SearchSpace:
        """The space a trial's ``space`` digest names (seen by this process)."""
        return self._digests.get(digest, {})

    def _space(self, state: PoolState) -> SearchSpace:
        space = self._spaces.get(state.space)
        if space is None:
            space = space_from_key(state.space)
            if len(self._digests) > 32:
                self._digests.clear()
                self._spaces.clear()
                self._encoders.clear()
                self._names.clear()
                self._free.clear()
            self._digests[space_digest(state.space)] = space
            self._spaces[state.space] = space
        return space

    # -- the transition ---------------------------------------------------------------------
    def start(
        self,
        history: History,
        trial: FrozenTrial,
        rng: np.random.Generator,
        blob: bytes | None,
        propose_global: GlobalProposer | None = None,
    ) -> tuple[dict[str, Any], bytes]:
        """``(trial system attribute value, new blob)`` for a starting trial."""
        last, self._last = self._last, None
        if blob is None:
            state = PoolState()
        elif last is not None and last[0] == blob:
            state = last[1]  # the object this process dumped to exactly this blob: no load
        else:
            state = load_state(blob)
        self._narrow(state, history)
        self._tell(state, history)
        info = self._choose(state, trial.number, rng, propose_global)
        new_blob = dump_state(state)
        self._last = (new_blob, state)
        return info, new_blob

    def _encoder(self, state: PoolState) -> RowEncoder:
        enc = self._encoders.get(state.space)
        if enc is None:
            enc = self._encoders[state.space] = RowEncoder(self._space(state))
        return enc

    def _digest(self, state: PoolState) -> str:
        digest = self._names.get(state.space)
        if digest is None:
            digest = self._names[state.space] = space_digest(state.space)
        return digest

    def _encode(self, state: PoolState, t: FrozenTrial) -> FloatArray | None:
        """``t``'s row in the searched space, ``None`` when it lacks one of its parameters."""
        if t.number not in self._conform and not conforms(t, self._space(state)):
            return None
        return self._encoder(state)(t.params)

    def _new_completed(self, state: PoolState, history: History) -> list[FrozenTrial]:
        """COMPLETE trials not yet narrowed with: the finished proposals of this pool, and
        trials added since the last transition without passing through the sampler."""
        trials = history.trials
        found: list[FrozenTrial] = []
        for number in state.owners:
            t = trial_by_number(history, number)
            if t is not None and t.state is TrialState.COMPLETE:
                found.append(t)
        for t in trials[state.scanned :]:
            if t.number not in state.owners and t.state is TrialState.COMPLETE:
                found.append(t)
        state.scanned = len(trials)
        return sorted(found, key=lambda t: t.number)

    def _narrow(self, state: PoolState, history: History) -> None:
        new = self._new_completed(state, history)
        # the space becomes their intersection: every one of them conforms to it
        self._conform = {t.number for t in new}
        if not new:
            return
        if not state.n_completed and self.low_cost:
            check_low_cost_names(self.low_cost, history.finished)
        if not state.n_completed and self.resource_attr is not None:
            check_resource_name(self.resource_attr, new[0])
        state.n_completed += len(new)
        old = self._space(state) if state.space else None
        space = flow_space(new, old)
        if self.resource_attr is not None:
            space.pop(self.resource_attr, None)  # the ladder moves it, not FLOW2
        if old is not None and len(space) == len(old):
            return  # a narrowing of ``old`` with as many names: ``old`` itself
        key = space_key(space)
        if key == state.space:
            return
        state.space = key
        self._space(state)
        if old is None:
            return
        state.low = state.high = None
        for tid, th in list(state.threads.items()):
            inc = trial_by_number(history, th.incumbent)
            x = self._encode(state, inc) if space and inc is not None else None
            if x is None:
                del state.threads[tid]
                continue
            hold = th.flow.hold
            th.flow = self._flow(space, x, th.flow.best_value, th.flow.step)
            th.flow.hold = hold
            state.extend_box(x)

    def _unbounded(self, state: PoolState, space: SearchSpace) -> npt.NDArray[np.bool_]:
        """The columns the admissible region leaves free: all but the ordered parameters
        of ``low_cost_partial_config`` (as FLAML: its region holds only the low-cost
        config's keys, the cost-related ones; choices are never out of range)."""
        free = self._free.get(state.space)
        if free is None:
            cats = columns(space)[1]
            free = np.array(
                [c or name not in self.low_cost for name, c in zip(space, cats, strict=True)]
            )
            self._free[state.space] = free
        return free

    def _violates(self, space: SearchSpace, x: FloatArray) -> bool:
        return bool(self.config_constraints) and violates(self.config_constraints, decode(space, x))

    def _flow(self, space: SearchSpace, x: FloatArray, value: float, step: float | None) -> Flow2:
        levels, cats = columns(space)
        return Flow2(x, value, levels, cats, shrink=self.shrink, step0=step)

    def _tell(self, state: PoolState, history: History) -> None:
        space = self._space(state) if state.space else {}
        sign = history.sign(0)
        for number in sorted(state.owners):
            t = trial_by_number(history, number)
            if t is None or t.state not in _FINISHED:
                continue
            tid, pid = state.owners.pop(number)
            ok = t.state is TrialState.COMPLETE and t.values is not None
            value = sign * float(t.values[0]) if ok and t.values is not None else None
            feasible = True
            if value is not None and self.metric_constraints:
                value, feasible, state.penalties = lagrangian(
                    self.metric_constraints, t.user_attrs, value, state.penalties, state.feasible
                )
                state.feasible |= feasible
            cost = trial_cost(t, self.cost_attr)
            state.cost_sum += cost
            state.n_told += 1
            if value is not None:
                state.best = min(state.best, value)
            x = self._encode(state, t) if space else None
            if tid == 0:
                state.global_stats.add(value, cost, state.eps())
                if value is not None and x is not None and feasible:
                    self._maybe_create(state, space, t.number, x, value, cost)
                continue
            th = state.threads.get(tid)
            if th is None:
                continue
            th.stats.add(value, cost, state.eps())
            if pid == _GROW:  # the incumbent at a larger resource: its value from now on
                if value is not None:
                    th.flow.rebase(value)
                    th.incumbent, th.cost_inc = t.number, cost
            elif pid not in th.flow.pending:  # proposed at a smaller resource: forgotten
                pass
            elif th.flow.tell(pid, value, x):
                th.incumbent = t.number
                th.cost_inc, th.cost_spent, th.n_spent = cost, 0.0, 0
            else:
                th.cost_spent += cost
                th.n_spent += 1
            if self.metric_constraints and not state.feasible and state.low is not None:
                assert state.high is not None  # no feasible point yet: widen the region
                state.low, state.high = state.low - STEP_WIDEN, state.high + STEP_WIDEN
            self._clean(state, tid)

    def _maybe_create(
        self,
        state: PoolState,
        space: SearchSpace,
        number: int,
        x: FloatArray,
        value: float,
        cost: float,
    ) -> None:
        bests = [th.stats.obj_best1 for th in state.threads.values()]
        create = should_create(value, bests) if self.blend else not bests
        if not create:
            return
        stats = ThreadStats(cost_total=cost, cost_best1=cost, obj_best1=value, obj_best2=value)
        flow = self._flow(space, x, value, None)
        resource = None if self.ladder is None else self.ladder.start()
        if self.ladder is not None and resource is not None:
            flow.hold = resource < self.ladder.max_resource
        state.threads[state.next_id] = LocalThread(flow, stats, number, resource, cost)
        state.next_id += 1
        state.extend_box(x)

    def _clean(self, state: PoolState, tid: int) -> None:
        """Delete threads inferior to ``tid``, or ``tid`` itself when inferior to another."""
        th = state.threads[tid]
        # ``inferior`` needs ``reach`` only when the values allow it: test those first
        for oid, other in list(state.threads.items()):
            if oid == tid or other.stats.obj_best1 < th.stats.obj_best2:
                continue
            if inferior(other.stats, th.stats, _reaches(th, other)):
                del state.threads[oid]
        for oid, other in state.threads.items():
            if oid == tid or th.stats.obj_best1 < other.stats.obj_best2:
                continue
            if inferior(th.stats, other.stats, _reaches(other, th)):
                del state.threads[tid]
                return

    # -- proposals ----------------------------------------------------------------------------
    def _choose(
        self,
        state: PoolState,
        number: int,
        rng: np.random.Generator,
        propose_global: GlobalProposer | None,
    ) -> dict[str, Any]:
        if not state.space:
            return self._start(state, number, None, rng)
        space = self._space(state)
        info: dict[str, Any] | None = None
        state.n_started += 1
        while info is None:
            top, backup = self._select(state)
            if top and state.n_global < self.global_share * state.n_started:
                top = 0  # the global sampler's floor (BlendSearch's ``global_share``)
            if top == 0 and propose_global is not None and state.low is not None:
                info = self._global(state, space, number, propose_global, backup, rng)
            elif top == 0:
                info = self._start(state, number, space, rng)
            else:
                info = self._local(state, space, number, top, rng)
        return info

    def _select(self, state: PoolState) -> tuple[int, int]:
        if not self.blend:
            tid = next(iter(state.threads), 0)
            return tid, tid
        pool = [(0, state.global_stats, True)]
        pool += [(tid, th.stats, th.flow.can_ask) for tid, th in state.threads.items()]
        return select(pool, state.best)

    def _start(
        self, state: PoolState, number: int, space: SearchSpace | None, rng: np.random.Generator
    ) -> dict[str, Any]:
        """A (perturbed, after the first) low-cost start; through ``sample_independent``
        before the space is known."""
        starts = any(tid == 0 for tid, _ in state.owners.values())
        perturb = state.run > 0 or starts or state.n_told > 0
        state.owners[number] = (0, _START)
        state.global_stats.running += 1
        state.n_global += 1
        info: dict[str, Any] = {"thread": 0, "start": True, "perturb": perturb}
        resource = self._first_rung(info)
        if space:
            for i in range(_START_TRIES + _UNIFORM_TRIES):
                if i < _START_TRIES:
                    x = start_point(space, self.low_cost, rng, perturb)
                else:  # the (perturbed) low-cost start keeps violating: anywhere
                    x = rng.random(len(space))
                if point_key(x, resource) not in state.seen and not self._violates(space, x):
                    break
                perturb = True
            else:
                raise ValueError(
                    f"No start point satisfying config_constraints found in "
                    f"{_START_TRIES + _UNIFORM_TRIES} draws around the low-cost start and "
                    "in the whole space; check the constraints."
                )
            state.seen.add(point_key(x, resource))
            info.update(space=self._digest(state), x=x.tolist())
        return info

    def _first_rung(self, info: dict[str, Any]) -> float | None:
        """The resource of a start or global proposal (recorded in ``info``)."""
        if self.ladder is None:
            return None
        info["resource"] = resource = self.ladder.start()
        return resource

    def _local(
        self, state: PoolState, space: SearchSpace, number: int, tid: int, rng: np.random.Generator
    ) -> dict[str, Any] | None:
        th = state.threads[tid]
        ladder = self.ladder
        if (
            ladder is not None
            and th.resource is not None
            and ladder.should_grow(th.resource, th.cost_spent, th.n_spent, th.cost_inc)
        ):
            return self._grow(state, ladder, number, tid)
        answered = 0
        while True:
            if ladder is not None and th.flow.hold and answered >= th.flow.n_dir:
                # every nearby point ran (or violates) at this resource, and a held search
                # cannot shrink: the next rung has new points
                return self._grow(state, ladder, number, tid)
            proposal = th.flow.ask(rng)
            if proposal is None and not th.flow.converged:
                proposal = th.flow.ask(rng, force=True)  # more workers than 2d: never wait
            if proposal is None:  # converged: CFO restarts, BlendSearch lets the others go on
                del state.threads[tid]
                state.run += 1
                return None
            key = point_key(proposal.x, th.resource)
            if key not in state.seen and not self._violates(space, proposal.x):
                break
            # proposed before, or violates a config constraint: answered without a trial
            state.seen.add(key)
            th.flow.tell(proposal.id, None)
            answered += 1
        state.owners[number] = (tid, proposal.id)
        th.stats.running += 1
        state.extend_box(proposal.x)
        state.seen.add(key)
        info = {
            "thread": tid,
            "space": self._digest(state),
            "x": proposal.x.tolist(),
            "id": proposal.id,
            "inc": th.incumbent,
        }
        if th.resource is not None:
            info["resource"] = th.resource
        return info

    def _grow(
        self, state: PoolState, ladder: ResourceLadder, number: int, tid: int
    ) -> dict[str, Any]:
        """Thread ``tid``'s incumbent at the next rung; the proposals pending at the old
        rung are forgotten (their results no longer compare)."""
        th = state.threads[tid]
        assert th.resource is not None
        old, th.resource = th.resource, ladder.up(th.resource)
        th.cost_inc *= th.resource / old
        th.cost_spent, th.n_spent = 0.0, 0
        th.flow.pending.clear()
        th.flow.hold = th.resource < ladder.max_resource
        th.flow.direction = None
        state.owners[number] = (tid, _GROW)
        th.stats.running += 1
        state.seen.add(point_key(th.flow.x, th.resource))
        return {
            "thread": tid,
            "space": self._digest(state),
            "x": th.flow.x.tolist(),
            "id": _GROW,
            "inc": th.incumbent,
            "resource": th.resource,
        }

    def _global(
        self,
        state: PoolState,
        space: SearchSpace,
        number: int,
        propose_global: GlobalProposer,
        backup: int,
        rng: np.random.Generator,
    ) -> dict[str, Any] | None:
        got = propose_global(state, space)
        if got is not None:
            x, attrs, blob = got
            resource = None if self.ladder is None else self.ladder.start()
            key = point_key(x, resource)
            assert state.low is not None and state.high is not None
            free = self._unbounded(state, space)
            low, high = np.where(free, 0.0, state.low), np.where(free, 1.0, state.high)
            if key not in state.seen and admissible(x, low, high) and not self._violates(space, x):
                state.seen.add(key)
                state.global_blob = blob if blob is not None else state.global_blob
                state.owners[number] = (0, _START)
                state.global_stats.running += 1
                state.n_global += 1
                info = {"thread": 0, "space": self._digest(state), "x": x.tolist()}
                if resource is not None:
                    info["resource"] = resource
                return {**info, "global": True, "attrs": attrs}
        if backup:
            return self._local(state, space, number, backup, rng)
        return self._start(state, number, space, rng)


def _reaches(a: LocalThread, b: LocalThread) -> bool:
    """Whether ``a``'s incumbent reaches ``b``'s (never at a smaller resource)."""
    if a.resource is not None and b.resource is not None and a.resource > b.resource:
        return False
    return a.flow.reach(b.flow.x)


def decode(space: SearchSpace, x: Any) -> dict[str, Any]:
    """The parameters of a stored unit-box point (``UnitBoxEncoder(space).decode_row(x)``,
    inlined: it runs for every trial)."""
    return {
        name: dist.from_unit_scalar(min(max(float(u), 0.0), 1.0))
        for (name, dist), u in zip(space.items(), x, strict=True)
    }
