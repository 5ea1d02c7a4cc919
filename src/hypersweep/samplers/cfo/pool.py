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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...algorithms.flow2 import Flow2, ThreadStats, admissible, inferior, select, should_create
from ...space import SearchSpace, UnitBoxEncoder
from ...trial import FrozenTrial, History, TrialState
from ..es.space import FloatArray, space_digest, space_from_key, space_key
from .options import check_low_cost_names, trial_cost
from .space import columns, encode_trial, flow_space, start_point
from .state import LocalThread, PoolState, dump_state, load_state, point_key

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
_START_TRIES = 16

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

    def __post_init__(self) -> None:
        self._digests: dict[str, SearchSpace] = {}
        self._spaces: dict[tuple[tuple[str, str], ...], SearchSpace] = {}
        self._last: tuple[bytes, PoolState] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Caches stay behind when a sampler travels to another process."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_last", "_spaces")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._spaces = {}
        self._last = None

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
        by_number = {t.number: t for t in history.trials} if state.owners else {}
        self._narrow(state, history)
        self._tell(state, history, by_number)
        info = self._choose(state, trial.number, rng, propose_global)
        new_blob = dump_state(state)
        self._last = (new_blob, state)
        return info, new_blob

    def _narrow(self, state: PoolState, history: History) -> None:
        new = [t for t in history.completed if t.number not in state.completed]
        if not new:
            return
        if not state.completed and self.low_cost:
            check_low_cost_names(self.low_cost, history.finished)
        state.completed.update(t.number for t in new)
        old = self._space(state) if state.space else None
        space = flow_space(new, old)
        key = space_key(space)
        if key == state.space:
            return
        state.space = key
        self._space(state)
        if old is None:
            return
        trials = {t.number: t for t in history.trials}
        state.low = state.high = None
        for tid, th in list(state.threads.items()):
            x = encode_trial(space, trials[th.incumbent]) if space else None
            if x is None:
                del state.threads[tid]
                continue
            th.flow = self._flow(space, x, th.flow.best_value, th.flow.step)
            state.extend_box(x)

    def _flow(self, space: SearchSpace, x: FloatArray, value: float, step: float | None) -> Flow2:
        levels, cats = columns(space)
        return Flow2(x, value, levels, cats, shrink=self.shrink, step0=step)

    def _tell(self, state: PoolState, history: History, trials: Mapping[int, FrozenTrial]) -> None:
        space = self._space(state) if state.space else {}
        sign = history.sign(0)
        for number in sorted(state.owners):
            t = trials.get(number)
            if t is None or t.state not in _FINISHED:
                continue
            tid, pid = state.owners.pop(number)
            ok = t.state is TrialState.COMPLETE and t.values is not None
            value = sign * float(t.values[0]) if ok and t.values is not None else None
            cost = trial_cost(t, self.cost_attr)
            state.cost_sum += cost
            state.n_told += 1
            if value is not None:
                state.best = min(state.best, value)
            x = encode_trial(space, t) if space else None
            if tid == 0:
                state.global_stats.add(value, cost, state.eps())
                if value is not None and x is not None:
                    self._maybe_create(state, space, t.number, x, value, cost)
                continue
            th = state.threads.get(tid)
            if th is None:
                continue
            th.stats.add(value, cost, state.eps())
            if th.flow.tell(pid, value, x):
                th.incumbent = t.number
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
        state.threads[state.next_id] = LocalThread(self._flow(space, x, value, None), stats, number)
        state.next_id += 1
        state.extend_box(x)

    def _clean(self, state: PoolState, tid: int) -> None:
        """Delete threads inferior to ``tid``, or ``tid`` itself when inferior to another."""
        th = state.threads[tid]
        for oid, other in list(state.threads.items()):
            if oid != tid and inferior(other.stats, th.stats, th.flow.reach(other.flow.x)):
                del state.threads[oid]
        for oid, other in state.threads.items():
            if oid != tid and inferior(th.stats, other.stats, other.flow.reach(th.flow.x)):
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
        while info is None:
            top, backup = self._select(state)
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
        state.owners[number] = (0, -1)
        state.global_stats.running += 1
        info: dict[str, Any] = {"thread": 0, "start": True, "perturb": perturb}
        if space:
            for _ in range(_START_TRIES):
                x = start_point(space, self.low_cost, rng, perturb)
                if point_key(x) not in state.seen:
                    break
                perturb = True
            state.seen.add(point_key(x))
            info.update(space=space_digest(state.space), x=x.tolist())
        return info

    def _local(
        self, state: PoolState, space: SearchSpace, number: int, tid: int, rng: np.random.Generator
    ) -> dict[str, Any] | None:
        th = state.threads[tid]
        while True:
            proposal = th.flow.ask(rng)
            if proposal is None and not th.flow.converged:
                proposal = th.flow.ask(rng, force=True)  # more workers than 2d: never wait
            if proposal is None:  # converged: CFO restarts, BlendSearch lets the others go on
                del state.threads[tid]
                state.run += 1
                return None
            if point_key(proposal.x) not in state.seen:
                break
            th.flow.tell(proposal.id, None)  # proposed before: answered without a trial
        state.owners[number] = (tid, proposal.id)
        th.stats.running += 1
        state.extend_box(proposal.x)
        state.seen.add(point_key(proposal.x))
        return {
            "thread": tid,
            "space": space_digest(state.space),
            "x": proposal.x.tolist(),
            "id": proposal.id,
            "inc": th.incumbent,
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
            key = point_key(x)
            assert state.low is not None and state.high is not None
            cats = np.asarray(columns(space)[1], dtype=bool)  # choices are never out of range
            low, high = np.where(cats, 0.0, state.low), np.where(cats, 1.0, state.high)
            if key not in state.seen and admissible(x, low, high):
                state.seen.add(key)
                state.global_blob = blob if blob is not None else state.global_blob
                state.owners[number] = (0, -1)
                state.global_stats.running += 1
                info = {"thread": 0, "space": space_digest(state.space), "x": x.tolist()}
                return {**info, "global": True, "attrs": attrs}
        if backup:
            return self._local(state, space, number, backup, rng)
        return self._start(state, number, space, rng)


def decode(space: SearchSpace, x: Any) -> dict[str, Any]:
    """The parameters of a stored unit-box point."""
    return UnitBoxEncoder(space).decode_row(x)
