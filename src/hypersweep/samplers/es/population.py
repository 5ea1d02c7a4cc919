"""Generations across workers: the machinery shared by the evolution-strategy samplers.

One optimizer per study lives in the study's shared state (:mod:`.state`). When a trial
starts, :meth:`PopulationSampler.start_trial_shared` (pure; the study retries it with fresher
state when another worker wrote first) (1) finds the trials holding slots of the current
generation — COMPLETE ones count (PRUNED ones too with ``consider_pruned_trials``), FAIL
ones are replaced by spares; (2) once ``popsize`` are complete, tells the first ``popsize``
in slot order, restarts a stagnated run (IPOP/BIPOP) and draws the next generation; (3) gives
the trial the first free slot, or a new spare, and stores its unit-box point on the trial.
Points come from streams keyed by ``(seed, run, generation, slot)``: a generation does not
depend on which worker drew it, and a resumed study proposes exactly what it would have.
"""

from __future__ import annotations

import pickle
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..._internal.rng import stream
from ...algorithms.es import RestartState, next_run, should_restart, stagnation_window
from ...space import Distribution, SearchSpace, UnitBoxEncoder, intersection_search_space
from ...trial import FrozenTrial, History, TrialState
from ..base import Sampler
from .options import (
    check_options,
    check_options_restart,
    default_independent,
    latest_record,
    lookup,
    outside,
    told_value,
)
from .space import (
    FloatArray,
    SpaceKey,
    conforms,
    numeric_space,
    space_digest,
    space_from_key,
    space_key,
    told_point,
)
from .state import BlobCache, EsState, dump_state, load_state

_SLOT_TAG, _RESTART_TAG = 0x5EED, 0x2E57


class PopulationSampler(Sampler):
    """Base of samplers that drive one ask/tell optimizer shared by every worker of a study.

    Subclasses set :attr:`shared_state_key` and implement :meth:`_make_optimizer`.
    """

    shared_state_key: str | None = None
    #: Whether the trials of a told generation that were not told (spares beyond
    #: ``popsize``, complete or still running) join the next generation as its first slots,
    #: at most ``popsize // 2`` of them, instead of being dropped.
    carry_untold: bool = False

    def __init__(
        self,
        *,
        seed: int | None,
        x0: Mapping[str, Any] | None,
        sigma0: float | None,
        popsize: int | None,
        n_startup_trials: int,
        independent_sampler: Sampler | None,
        warn_independent_sampling: bool,
        consider_pruned_trials: bool,
        restart_strategy: str | None,
        inc_popsize: float,
    ) -> None:
        super().__init__(seed)
        check_options(x0, sigma0, popsize, n_startup_trials, independent_sampler)
        check_options_restart(restart_strategy, inc_popsize)
        self.x0 = dict(x0) if x0 is not None else None
        self.sigma0 = None if sigma0 is None else float(sigma0)
        self.popsize = popsize
        self.n_startup_trials = n_startup_trials
        self.independent_sampler = independent_sampler
        self.warn_independent_sampling = bool(warn_independent_sampling)
        self.consider_pruned_trials = bool(consider_pruned_trials)
        self.restart_strategy = restart_strategy
        self.inc_popsize = float(inc_popsize)
        self._init_caches()

    def _init_caches(self) -> None:
        self._lock = threading.RLock()
        self._states = BlobCache()
        self._optimizers = BlobCache(4)
        self._spaces: dict[SpaceKey, SearchSpace] = {}
        self._digests: dict[str, SearchSpace] = {}
        self._default_independent: Sampler | None = None
        self._announced: set[str] = set()

    def __getstate__(self) -> dict[str, Any]:
        drop = {"_lock", "_states", "_optimizers", "_spaces", "_digests"}
        drop |= {"_default_independent", "_announced"}
        return {k: v for k, v in self.__dict__.items() if k not in drop}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_caches()

    # -- hooks for subclasses -------------------------------------------------------------
    def _make_optimizer(
        self,
        space: SearchSpace,
        mean: FloatArray,
        sigma: float,
        popsize: int | None,
        cov: FloatArray | None,
    ) -> Any:
        """A fresh optimizer over the unit box of ``space`` (``ask_pair``/``tell`` protocol)."""
        raise NotImplementedError

    def _first_distribution(
        self, space: SearchSpace, history: History
    ) -> tuple[FloatArray, float, FloatArray | None]:
        """Mean, step size and covariance (``None``: identity) of the first run."""
        mean = np.full(len(space), 0.5)
        for j, (name, dist) in enumerate(space.items()):
            if self.x0 is not None and name in self.x0:
                if not dist.contains(self.x0[name]):
                    raise ValueError(f"x0[{name!r}] = {self.x0[name]!r} is not in {dist}.")
                mean[j] = UnitBoxEncoder({name: dist}).encode_row(self.x0)[0]
        return mean, self.sigma0 if self.sigma0 is not None else 1.0 / 6.0, None

    # -- the protocol ---------------------------------------------------------------------
    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"{type(self).__name__} optimises a single objective, got {n_objectives}. "
                "Use a multi-objective sampler (e.g. TPESampler) for several objectives."
            )

    @property
    def _attr(self) -> str:
        return f"hypersweep.{self.shared_state_key}"

    def start_trial_shared(
        self,
        history: History,
        trial: FrozenTrial,
        rng: np.random.Generator,
        state: bytes | None,
    ) -> tuple[Mapping[str, Any], bytes | None]:
        with self._lock:
            current = None if state is None else self._load(state)
            new = current if current is not None else self._initial_state(history)
            if new is None:
                return {}, None
            if new.active:
                new = self._advance(new, history)
            if not new.active:
                return {}, None if new is current else self._dump(new)
            new, slot = self._assign(new, trial.number)
            info = {
                "gen": new.gen,
                "slot": slot,
                "x": new.x_eval[slot].tolist(),
                "space": space_digest(new.space),
            }
            return {self._attr: info}, self._dump(new)

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        info = trial.system_attrs.get(self._attr)
        if not info:
            return {}
        return self._digests.get(info["space"], {})

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        info = trial.system_attrs.get(self._attr)
        if not info or not search_space:
            return {}
        return UnitBoxEncoder(search_space).decode_row(info["x"])

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        sampler = self._independent()
        if (
            self.warn_independent_sampling
            and name not in self._announced
            and self._attr in trial.system_attrs
        ):
            self._announced.add(name)
            warnings.warn(
                f"{type(self).__name__} samples {name!r} with {type(sampler).__name__} in trial "
                f"{trial.number}: it is not in the space the evolution strategy searches "
                "(categorical, or not suggested with the same distribution by every completed "
                "trial). (Shown once per parameter.)",
                UserWarning,
                stacklevel=4,
            )
        return sampler.sample_independent(history, trial, name, distribution, rng)

    # -- state transitions (pure, apart from memoisation) ----------------------------------
    def _load(self, blob: bytes) -> EsState:
        state: EsState | None = self._states.get(blob)
        if state is None:
            state = load_state(blob)
            self._states.put(blob, state)
        return state

    def _dump(self, state: EsState) -> bytes:
        blob = dump_state(state)
        self._states.put(blob, state)
        return blob

    def _space(self, key: SpaceKey) -> SearchSpace:
        space = self._spaces.get(key)
        if space is None:
            space = space_from_key(key)
            if len(self._spaces) > 16:
                self._spaces.clear()
                self._digests.clear()
            self._spaces[key] = space
            self._digests[space_digest(key)] = space
        return space

    def _optimizer(self, state: EsState) -> Any:
        """The state's optimizer, for asking only (a cached object: never tell it)."""
        opt = self._optimizers.get(state.opt)
        if opt is None:
            opt = pickle.loads(state.opt)
            self._optimizers.put(state.opt, opt)
        return opt

    def _initial_state(self, history: History) -> EsState | None:
        completed = history.completed
        if len(completed) < self.n_startup_trials:
            return None
        space = numeric_space(intersection_search_space(t.distributions for t in completed))
        self._announce(completed, space)
        if not space:
            return EsState(space=())
        key = space_key(space)
        self._space(key)
        mean, sigma, cov = self._first_distribution(space, history)
        restart = None
        if self.restart_strategy is not None:
            restart = RestartState(self.restart_strategy, 0, inc_popsize=self.inc_popsize)
        return self._start_run(key, space, 0, 0, restart, mean, sigma, cov, self.popsize)

    def _start_run(
        self,
        key: SpaceKey,
        space: SearchSpace,
        run: int,
        gen: int,
        restart: RestartState | None,
        mean: FloatArray,
        sigma: float,
        cov: FloatArray | None,
        popsize: int | None,
    ) -> EsState:
        opt = self._make_optimizer(space, mean, max(sigma, 1e-8), popsize, cov)
        if restart is not None and restart.default_popsize == 0:
            size = opt.population_size
            restart = replace(restart, default_popsize=size, large_popsize=size)
        blob = pickle.dumps(opt, protocol=pickle.HIGHEST_PROTOCOL)
        self._optimizers.put(blob, opt)
        state = EsState(
            space=key, opt=blob, popsize=opt.population_size, run=run, gen=gen, restart=restart
        )
        return self._populate(state, opt, state.popsize)

    def _populate(self, state: EsState, opt: Any, n: int) -> EsState:
        """Append ``n`` new slots to the current generation."""
        first = len(state.owners)
        rows = []
        for slot in range(first, first + n):
            key = (_SLOT_TAG, state.run, state.gen, slot)
            seed = int(np.random.SeedSequence(self.seed, spawn_key=key).generate_state(1)[0])
            opt.reseed_rng(seed)
            rows.append(opt.ask_pair())
        x_eval = np.array([r[0] for r in rows], dtype=float)
        x_tell = np.array([r[1] for r in rows], dtype=float)
        if first:
            x_eval = np.vstack([state.x_eval, x_eval])
            x_tell = np.vstack([state.x_tell, x_tell])
        return replace(state, x_eval=x_eval, x_tell=x_tell, owners=state.owners + (-1,) * n)

    def _assign(self, state: EsState, number: int) -> tuple[EsState, int]:
        owners = state.owners
        if number in owners:
            return state, owners.index(number)
        try:
            slot = owners.index(-1)
        except ValueError:
            slot = len(owners)
            state = self._populate(state, self._optimizer(state), 1)
            owners = state.owners
        return replace(state, owners=(*owners[:slot], number, *owners[slot + 1 :])), slot

    def _advance(self, state: EsState, history: History) -> EsState:
        """Tell the current generation if ``popsize`` of its slots are complete."""
        trials = history.trials
        space = self._space(state.space)
        sign = history.sign(0)
        done: list[tuple[int, float, FrozenTrial]] = []
        for slot, number in enumerate(state.owners):
            if number < 0:
                continue
            t = lookup(trials, number)
            if t is not None:
                t = latest_record(trials, t)
            value = None if t is None else told_value(t, self.consider_pruned_trials)
            if t is None or value is None:
                continue
            done.append((slot, sign * value, t))
            if len(done) == state.popsize:
                break
        if len(done) < state.popsize:
            return state
        if not all(conforms(t, space) for _, _, t in done):
            return self._reshape(state, history)
        xs = [told_point(space, t, state.x_eval[s], state.x_tell[s]) for s, _, t in done]
        values = [v for _, v, _ in done]
        opt = pickle.loads(state.opt)
        opt.tell(list(zip(xs, values, strict=True)))
        gen, run_evals = state.gen + 1, state.run_evals + state.popsize
        best = min(state.best, *values)
        window = stagnation_window(len(space), state.popsize)
        run_bests = _run_bests(state, window, values)
        if state.restart is not None and should_restart(
            opt.should_stop(), np.array(xs), values, run_bests, window
        ):
            rng = stream(self.seed, _RESTART_TAG, state.run + 1)
            popsize, factor, restart = next_run(state.restart, run_evals, rng)
            sigma = (self.sigma0 if self.sigma0 is not None else 1.0 / 6.0) * factor
            mean = rng.random(len(space))
            new = self._start_run(
                state.space, space, state.run + 1, gen, restart, mean, sigma, None, popsize
            )
            return replace(new, best=best)
        blob = pickle.dumps(opt, protocol=pickle.HIGHEST_PROTOCOL)
        self._optimizers.put(blob, opt)
        keep = self._carried(state, history, {s for s, _, _ in done})
        new = replace(
            state,
            opt=blob,
            gen=gen,
            run_evals=run_evals,
            best=best,
            run_bests=run_bests,
            owners=tuple(state.owners[s] for s in keep),
            x_eval=state.x_eval[keep].reshape(len(keep), len(space)),
            x_tell=state.x_tell[keep].reshape(len(keep), len(space)),
        )
        return self._populate(new, opt, new.popsize - len(keep))

    def _carried(self, state: EsState, history: History, told: set[int]) -> list[int]:
        """Slots of the told generation that join the next one (see :attr:`carry_untold`):
        owned, not told, and COMPLETE or still running, in slot order.

        With more workers than ``popsize`` (or rounds of ``k`` trials when ``popsize`` is not
        a multiple of ``k``) the spares of a generation are evaluated but would not be told;
        carried over, they are told with the next generation (points drawn from the previous
        distribution, as injected solutions; at most half a generation, so most of each
        generation is fresh)."""
        if not self.carry_untold:
            return []
        trials = history.trials
        out: list[int] = []
        for slot, number in enumerate(state.owners):
            if len(out) >= state.popsize // 2:
                break
            if number < 0 or slot in told:
                continue
            t = lookup(trials, number)
            if t is None:
                continue
            t = latest_record(trials, t)
            running = t.state is TrialState.RUNNING
            if running or told_value(t, self.consider_pruned_trials) is not None:
                out.append(slot)
        return out

    def _reshape(self, state: EsState, history: History) -> EsState:
        """The searched space changed (a parameter left some trial): a new run on the new one."""
        completed = history.completed
        space = numeric_space(intersection_search_space(t.distributions for t in completed))
        if not space:
            return EsState(space=(), gen=state.gen)
        key = space_key(space)
        self._space(key)
        mean = np.full(len(space), 0.5)
        sigma = self.sigma0 if self.sigma0 is not None else 1.0 / 6.0
        new = self._start_run(
            key, space, state.run + 1, state.gen, state.restart, mean, sigma, None, self.popsize
        )
        return replace(new, best=state.best)

    # -- independent sampling --------------------------------------------------------------
    def _independent(self) -> Sampler:
        if self.independent_sampler is not None:
            return self.independent_sampler
        if self._default_independent is None:
            self._default_independent = default_independent(self.seed)
        return self._default_independent

    def _announce(self, completed: Sequence[FrozenTrial], space: SearchSpace) -> None:
        """One warning naming the parameters left to the independent sampler."""
        names = outside(completed, space)
        if not names or not self.warn_independent_sampling or self._announced:
            return
        self._announced.update(names)
        warnings.warn(
            f"{type(self).__name__} searches {sorted(space)} jointly; {names} go to "
            f"{type(self._independent()).__name__} (categorical, or not suggested with the "
            "same distribution by every completed trial).",
            UserWarning,
            stacklevel=6,
        )


def _run_bests(state: EsState, window: int, values: Sequence[float]) -> tuple[float, ...]:
    """The best values of the run's latest generations, ``values`` (just told) last.

    Kept only with a restart strategy, and only as many as :func:`stagnated` reads.
    """
    if state.restart is None:
        return ()
    return (*state.run_bests, min(values))[-window:]
