"""AutoSampler: picks the sampler for each trial from what it can see, and says why."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ...space import CategoricalDistribution, Distribution, SearchSpace, UnitBoxEncoder
from ...trial import FrozenTrial, History, StudyDirection, TrialState, keys
from ..base import Sampler
from ..delegating import DelegatingSampler
from ..es import CmaEsSampler
from ..tpe import TPESampler
from .rules import Budget, Choice, Phase, choose, cmaes_switch, start_size, summarize
from .start import LatinStartSampler, grid_exhausted, grid_value

#: What ``hypersweep.proposed_by`` says for each phase (the plots show it).
LABELS: dict[str, str] = {
    "start": "Latin hypercube start (AutoSampler)",
    "grid": "grid (AutoSampler)",
    "gp": "GP (AutoSampler)",
    "tpe": "TPE (AutoSampler)",
    "cmaes": "CMA-ES (AutoSampler)",
}


class AutoSampler(DelegatingSampler):
    """Choose the searching method per trial: a space-filling start sized to the budget,
    then the GP on low-dimensional spaces, TPE on conditional, multi-objective, heavily
    pruned or high-dimensional ones, and CMA-ES warm-started from the GP's best region for
    the last part of a long numeric run. :meth:`explain` says which, when and why.

    Each trial records its phase (``hypersweep.auto``) and proposer
    (``hypersweep.proposed_by``). The choice is a function of the history, the trial number
    and the budget ``optimize`` announces (see ``docs/auto.md``), so workers sharing the
    study agree; CMA-ES's state is shared through the study like a plain
    :class:`~hypersweep.samplers.CmaEsSampler`'s.

    >>> import hypersweep as hs
    >>> sampler = hs.samplers.AutoSampler(seed=0)
    >>> study = hs.create_study(sampler=sampler)
    >>> def sphere(t):
    ...     return sum(t.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(3))
    >>> study.optimize(sphere, n_trials=20)
    >>> print(sampler.explain())
    trials 0-3: Latin hypercube start (4 points, budget 20)
    trials 4-19: GP (3 continuous parameters, low-dimensional; its cost is affordable)
    """

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(TPESampler(seed=seed, warn_independent_sampling=False))
        self._budget = Budget()
        self._children: dict[str, Sampler] = {}
        self._records: dict[int, tuple[str, str]] = {}
        self._lock = threading.RLock()

    # -- the budget hook (called by ``Study.optimize``) --------------------------------------
    def set_budget(
        self,
        *,
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        n_existing: int = 0,
    ) -> None:
        """Announce the run: ``n_trials`` more trials after ``n_existing`` (``None``:
        unknown), ``timeout`` seconds, ``n_jobs`` workers. ``Study.optimize`` calls it."""
        total = None if n_trials is None else n_existing + n_trials
        budget = Budget(n_trials=total, timeout=timeout, n_jobs=n_jobs)
        with self._lock:
            if start_size(budget) != start_size(self._budget):
                # the start's size is built into the children: rebuild them on next use
                for phase in ("start", "grid", "gp", "tpe"):
                    self._children.pop(phase, None)
            self._budget = budget

    @property
    def budget(self) -> Budget:
        """The budget the last ``optimize`` call announced."""
        return self._budget

    # -- children ---------------------------------------------------------------------------
    def _child(self, phase: str, history: History | None = None) -> Sampler:
        with self._lock:
            child = self._children.get(phase)
            if child is not None:
                return child
            n_start = start_size(self._budget)
            if phase == "start" or phase == "grid":
                child = LatinStartSampler(size=n_start, seed=self.seed)
            elif phase == "gp":
                from ..gp import GPSampler  # scipy: loaded on first use

                child = GPSampler(
                    seed=self.seed, n_startup_trials=n_start, warn_independent_sampling=False
                )
            elif phase == "tpe":
                child = TPESampler(
                    seed=self.seed, n_startup_trials=n_start, warn_independent_sampling=False
                )
            else:
                child = self._cmaes(history)
            self._children[phase] = child
            return child

    def _cmaes(self, history: History | None) -> Sampler:
        """CMA-ES centred on the best trial before the hand-over, with a step size as wide
        as the spread of the best tenth of them (the GP's best region); cold without a
        history."""
        switch = cmaes_switch(self._budget)
        x0, sigma0 = None, None
        if history is not None:
            source = [
                t
                for t in history.get((TrialState.COMPLETE,))
                if switch is None or t.number < switch
            ]
            x0, sigma0 = best_region(source, history.directions[0])
        return CmaEsSampler(
            seed=self.seed,
            x0=x0,
            sigma0=sigma0,
            independent_sampler=self._child("tpe"),
            warn_independent_sampling=False,
        )

    def _phase_of(self, trial: FrozenTrial) -> str:
        record = trial.system_attrs.get(keys.AUTO_PHASE)
        return record["phase"] if isinstance(record, dict) else "start"

    # -- trial-level decisions ----------------------------------------------------------------
    @property
    def shared_state_key(self) -> str | None:  # type: ignore[override]
        """CMA-ES's: its distribution is shared through the study when its phase comes."""
        return keys.CMAES_STATE

    def decide(self, history: History, trial: FrozenTrial) -> Choice:
        """The phase of ``trial`` given the history (what :meth:`start_trial` records)."""
        return choose(history, trial, self._budget)

    def start_trial_shared(
        self,
        history: History,
        trial: FrozenTrial,
        rng: np.random.Generator,
        state: bytes | None,
    ) -> tuple[Mapping[str, Any], bytes | None]:
        choice = self.decide(history, trial)
        attrs: dict[str, Any] = {
            keys.AUTO_PHASE: {"phase": choice.phase, "reason": choice.reason},
            keys.PROPOSED_BY: LABELS[choice.phase],
        }
        with self._lock:
            self._records[trial.number] = (choice.phase, choice.reason)
        child = self._child(choice.phase, history)
        new_state = None
        if choice.phase == "cmaes":
            more, new_state = child.start_trial_shared(history, trial, rng, state)
        elif choice.phase in ("gp", "tpe"):
            more = child.start_trial(history, trial, rng)
        else:
            more = {}
        return {**attrs, **more}, new_state

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> Mapping[str, Any]:
        return self.start_trial_shared(history, trial, rng, None)[0]

    # -- parameters -------------------------------------------------------------------------
    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        phase = self._phase_of(trial)
        if phase in ("start", "grid"):
            return {}
        return self._child(phase, history).infer_relative_search_space(history, trial)

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        phase = self._phase_of(trial)
        return self._child(phase, history).sample_relative(history, trial, search_space, rng)

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        phase = self._phase_of(trial)
        if phase == "grid" and distribution.n_levels() is not None:
            return grid_value(history, trial, name, distribution)
        child = self._child(phase, history)
        return child.sample_independent(history, trial, name, distribution, rng)

    def is_exhausted(self, history: History) -> bool:
        """With a known budget, a one-integer space whose values are all tried is done."""
        if self._budget.n_trials is None:
            return False
        finished = history.get((TrialState.COMPLETE, TrialState.PRUNED))
        levels = summarize(finished).one_int_levels if finished else None
        return levels is not None and levels <= self._budget.n_trials and grid_exhausted(history)

    # -- explain ----------------------------------------------------------------------------
    def explain(self, trials: Iterable[FrozenTrial] | None = None) -> str:
        """Which method proposed which trials, and why: one line per phase.

        Without ``trials`` it tells what this object proposed; give ``study.trials`` for a
        study run by other workers or processes (the trials carry the record).
        """
        if trials is None:
            with self._lock:
                records = sorted(self._records.items())
        else:
            records = []
            for t in trials:
                rec = t.system_attrs.get(keys.AUTO_PHASE)
                if isinstance(rec, dict):
                    records.append((t.number, (rec["phase"], rec["reason"])))
            records.sort()
        return format_phases(records)

    def __repr__(self) -> str:
        return f"AutoSampler(seed={self.seed})"


def best_region(
    trials: list[FrozenTrial], direction: StudyDirection
) -> tuple[dict[str, Any] | None, float | None]:
    """The best trial's numeric parameters and the root-mean-square distance (unit box)
    of the best tenth of ``trials`` (at least 5) from it, within ``[0.02, 1/6]``.

    >>> import hypersweep as hs
    >>> d = {"x": hs.FloatDistribution(0, 10)}
    >>> ts = [hs.create_trial(value=abs(x - 3), params={"x": x}, distributions=d)
    ...       for x in (2.0, 2.5, 3.0, 3.5, 4.0, 9.0)]
    >>> x0, sigma0 = best_region(ts, hs.StudyDirection.MINIMIZE)
    >>> x0, round(sigma0, 3)
    ({'x': 3.0}, 0.071)
    """
    scored = [(float(t.values[0]), t) for t in trials if t.values is not None]
    if not scored:
        return None, None
    sign = 1.0 if direction == StudyDirection.MINIMIZE else -1.0
    ranked = [t for _, t in sorted(scored, key=lambda vt: (sign * vt[0], vt[1].number))]
    best = ranked[0]
    space = {
        n: d
        for n, d in best.distributions.items()
        if not isinstance(d, CategoricalDistribution) and not d.single()
    }
    if not space:
        return None, None
    encoder = UnitBoxEncoder(space)
    top = [t for t in ranked[: max(5, len(ranked) // 10)] if set(space) <= set(t.params)]
    centre = encoder.encode_row({n: best.params[n] for n in space})
    rows = np.array([encoder.encode_row({n: t.params[n] for n in space}) for t in top])
    spread = float(np.sqrt(np.mean((rows - centre) ** 2))) if len(rows) > 1 else 1 / 6
    return {n: best.params[n] for n in space}, min(max(spread, 0.02), 1 / 6)


def format_phases(records: list[tuple[int, tuple[str, str]]]) -> str:
    """``trials a-b: reason`` lines for runs of consecutive records with the same reason.

    >>> print(format_phases([(0, ("start", "S")), (1, ("start", "S")), (2, ("gp", "G"))]))
    trials 0-1: S
    trial 2: G
    """
    lines: list[str] = []
    run: list[Any] = []
    for number, (_, reason) in records:
        if run and run[2] == reason:
            run[1] = number
        else:
            if run:
                lines.append(_line(run))
            run = [number, number, reason]
    if run:
        lines.append(_line(run))
    return "\n".join(lines) if lines else "no trials proposed yet"


def _line(run: list[Any]) -> str:
    first, last, reason = run
    span = f"trial {first}" if first == last else f"trials {first}-{last}"
    return f"{span}: {reason}"


__all__ = ["LABELS", "AutoSampler", "Phase", "best_region", "format_phases"]
