"""AutoSampler's decision rules: pure functions of the history, the budget and the trial.

Every threshold here is justified by a measurement in ``docs/auto.md``. The rules read
only data every worker sees the same way (trial numbers, the finished trials' spaces and
states, the announced budget), so workers sharing a study agree on the phase; the one
exception is the cost gate, which reads measured trial durations and only acts when the
sampler's projected time would dominate the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ...space import CategoricalDistribution, Distribution, FloatDistribution
from ...trial import FrozenTrial, History, TrialState

Phase = Literal["start", "grid", "gp", "tpe", "cmaes"]

#: Largest space-filling start (GPSampler's and TPESampler's own start-up size).
MAX_START = 10
#: Smallest space-filling start: fewer points leave the first model nothing to fit.
MIN_START = 3
#: Share of the budget spent on the start when the budget is small.
START_SHARE = 5
#: Largest dimension the GP phase takes (``docs/gp.md``: GP-BO up to ~20 parameters).
GP_MAX_DIM = 20
#: Share of finished trials that were pruned above which TPE (which ranks pruned trials
#: by how far they got) replaces the GP (which models COMPLETE trials only).
PRUNED_SHARE_FOR_TPE = 0.5
#: GP -> CMA-ES hand-over (numeric spaces, known budget): at this share of the budget ...
CMAES_SWITCH_SHARE = 0.6
#: ... when at least this many trials are left after it for CMA-ES to refine (a budget of
#: 1,000 or more: at 300 the hand-over lost to the GP alone, see docs/auto.md).
CMAES_MIN_LEFT = 400
#: The cost gate: the GP stays while its projected time for the whole budget is below
#: this many seconds or below ``GP_COST_SHARE`` of the objective's projected time.
GP_COST_FLOOR_S = 60.0
GP_COST_SHARE = 0.05

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)


@dataclass(frozen=True)
class Budget:
    """What the sampler knows of the run: total trials planned, seconds, workers."""

    n_trials: int | None = None
    timeout: float | None = None
    n_jobs: int = 1


@dataclass(frozen=True)
class SpaceSummary:
    """The space as the finished trials show it."""

    n_float: int = 0
    n_int: int = 0
    n_categorical: int = 0
    conditional: bool = False
    one_int_levels: int | None = None  # levels of the only parameter, when it is an integer

    @property
    def dim(self) -> int:
        return self.n_float + self.n_int + self.n_categorical

    def describe(self) -> str:
        parts = [
            f"{n} {kind}"
            for n, kind in (
                (self.n_float, "continuous"),
                (self.n_int, "integer"),
                (self.n_categorical, "categorical"),
            )
            if n
        ]
        return " + ".join(parts) + (" parameters" if self.dim != 1 else " parameter")


@dataclass(frozen=True)
class Choice:
    """The phase of one trial and the reason, in words (stable within a phase)."""

    phase: Phase
    reason: str


def start_size(budget: Budget) -> int:
    """How many space-filling points start the run: ``MAX_START`` unless the budget is
    small, then a fifth of it (at least ``MIN_START``).

    >>> start_size(Budget()), start_size(Budget(n_trials=300)), start_size(Budget(n_trials=10))
    (10, 10, 3)
    """
    if budget.n_trials is None:
        return MAX_START
    return max(MIN_START, min(MAX_START, budget.n_trials // START_SHARE))


def _is_integer(d: Distribution) -> bool:
    return not isinstance(d, (FloatDistribution, CategoricalDistribution)) or (
        isinstance(d, FloatDistribution) and d.step is not None
    )


def summarize(finished: list[FrozenTrial]) -> SpaceSummary:
    """Kinds of parameters and whether the space is conditional (some parameter missing
    from some finished trial, or suggested with two distributions)."""
    seen: dict[str, Distribution] = {}
    counts: dict[str, int] = {}
    conditional = False
    for t in finished:
        for name, dist in t.distributions.items():
            if dist.single():
                continue
            old = seen.setdefault(name, dist)
            conditional |= old != dist
            counts[name] = counts.get(name, 0) + 1
    conditional |= any(c != len(finished) for c in counts.values())
    n_cat = sum(isinstance(d, CategoricalDistribution) for d in seen.values())
    n_int = sum(_is_integer(d) for d in seen.values())
    one: int | None = None
    if len(seen) == 1:
        (only,) = seen.values()
        if _is_integer(only) and not getattr(only, "log", False):
            one = only.n_levels()
    return SpaceSummary(len(seen) - n_cat - n_int, n_int, n_cat, conditional, one)


def cmaes_switch(budget: Budget) -> int | None:
    """The trial number at which a numeric run hands over from the GP to CMA-ES (``None``:
    it does not; the budget is unknown or too small to leave CMA-ES ``CMAES_MIN_LEFT``).

    >>> cmaes_switch(Budget(n_trials=1000)), cmaes_switch(Budget(n_trials=300))
    (600, None)
    """
    if budget.n_trials is None:
        return None
    at = int(CMAES_SWITCH_SHARE * budget.n_trials)
    return at if budget.n_trials - at >= CMAES_MIN_LEFT else None


def gp_seconds(n: int) -> float:
    """Projected seconds of one GP suggestion with ``n`` observations (``docs/gp.md``: 7 ms
    per trial over the first 100, 25-30 ms from 200 on, flat above 256 points)."""
    return 0.005 + 0.025 * min(n, 256) / 256


def _median_duration(finished: list[FrozenTrial]) -> float | None:
    durations = sorted(
        (t.datetime_complete - t.datetime_start).total_seconds()
        for t in finished
        if t.datetime_start is not None and t.datetime_complete is not None
    )
    return durations[len(durations) // 2] if durations else None


def gp_affordable(finished: list[FrozenTrial], budget: Budget) -> bool:
    """The cost gate: the GP's projected time for the run is small in absolute terms or
    next to the objective's."""
    total = budget.n_trials if budget.n_trials is not None else max(len(finished), 1)
    gp_total = sum(gp_seconds(n) for n in range(0, total, 10)) * 10
    if gp_total <= GP_COST_FLOOR_S:
        return True
    trial_s = _median_duration(finished)
    return trial_s is not None and gp_total <= GP_COST_SHARE * trial_s * total


def choose(history: History, trial: FrozenTrial, budget: Budget) -> Choice:
    """The phase of ``trial``, a pure function of the history, its number and the budget.

    >>> import hypersweep as hs
    >>> h = hs.trial.History((hs.StudyDirection.MINIMIZE,), lambda: [])
    >>> choose(h, hs.FrozenTrial(0, hs.TrialState.RUNNING), Budget(n_trials=300)).phase
    'start'
    """
    n_start = start_size(budget)
    finished = history.get(_FINISHED)
    where = f", budget {budget.n_trials}" if budget.n_trials is not None else ""
    if trial.number < n_start or not finished:
        return Choice("start", f"Latin hypercube start ({n_start} points{where})")
    space = summarize(finished)
    levels = space.one_int_levels
    if levels is not None and budget.n_trials is not None and levels <= budget.n_trials:
        return Choice("grid", f"grid over the {levels} values of the only integer parameter")
    if history.n_objectives > 1:
        return Choice("tpe", f"TPE ({history.n_objectives} objectives)")
    if space.conditional:
        return Choice("tpe", "TPE (conditional space: parameters come and go)")
    pruned = sum(t.state == TrialState.PRUNED for t in finished)
    if pruned > PRUNED_SHARE_FOR_TPE * len(finished):
        return Choice("tpe", "TPE (most trials pruned: TPE ranks them, the GP cannot)")
    numeric_only = space.n_categorical == 0
    if space.dim > GP_MAX_DIM:
        if numeric_only and cmaes_switch(budget) is not None:
            return Choice("cmaes", f"CMA-ES ({space.describe()} > {GP_MAX_DIM}, long budget)")
        return Choice("tpe", f"TPE ({space.describe()}: more than {GP_MAX_DIM} for the GP)")
    switch = cmaes_switch(budget) if numeric_only else None
    if switch is not None and trial.number >= switch:
        left = budget.n_trials - switch if budget.n_trials is not None else 0
        return Choice(
            "cmaes", f"CMA-ES warm-started from the GP's best region (budget left {left})"
        )
    if not gp_affordable(finished, budget):
        if numeric_only:
            return Choice("cmaes", "CMA-ES (GP time would dominate the trials' time)")
        return Choice("tpe", "TPE (GP time would dominate the trials' time)")
    return Choice("gp", f"GP ({space.describe()}, low-dimensional; its cost is affordable)")


__all__ = [
    "Budget",
    "Choice",
    "Phase",
    "SpaceSummary",
    "choose",
    "cmaes_switch",
    "gp_affordable",
    "start_size",
    "summarize",
]
