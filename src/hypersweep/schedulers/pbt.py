"""Population based training, PBT (Jaderberg et al. 2017), as a pure scheduler.

A *member* of the population is one line of training: the records linked by ``resume_from``
(a paused trial, its continuation, the continuation's continuation...). Plain continuations
and clones both keep the member; its id is the number of its first record. Every
``perturbation_interval`` steps a member pauses (:meth:`PBTScheduler.decide`); when it is
promoted (:meth:`PBTScheduler.promotions`) a member of the bottom quantile *exploits* a member
of the top quantile (its continuation is a clone: the top member's checkpoint and
parameters) and *explores* (the cloned parameters are perturbed or resampled); any other
member goes on from its own checkpoint. Every decision is a function of the history and the
seed, so all workers compute the same list.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._internal.validation import check_float
from ..space.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ..trial import FrozenTrial, History, TrialState, keys
from ..trial.lineage import Promotion, checkpoint_source, member_chains
from .base import CONTINUE, Action, Decision, Scheduler

#: A mutation: a distribution to resample from (and clip to), or a list of values.
Mutation = FloatDistribution | IntDistribution | CategoricalDistribution | Sequence[Any]

_NUMBER = (int, float, np.integer, np.floating)
_STORABLE = (type(None), bool, int, float, str)


# -- explore ---------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, (bool, np.bool_))


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def fit(value: Any, dist: BaseDistribution) -> Any:
    """``value`` moved into ``dist``: clipped to its bounds, rounded (ints, half up) and
    snapped to its grid; a categorical value must be one of the choices. ``None`` when
    ``value`` cannot be moved there (a string for a numeric parameter, a missing choice).

    >>> fit(7 * 0.8, IntDistribution(1, 10)), fit(11.7, IntDistribution(1, 10))
    (6, 10)
    >>> fit(0.33, FloatDistribution(0.0, 1.0, step=0.25))
    0.25
    >>> fit(5.0, FloatDistribution(1e-3, 1.0, log=True)), fit("b", CategoricalDistribution(["a"]))
    (1.0, None)
    """
    if isinstance(dist, CategoricalDistribution):
        if dist.contains(value):
            return value
        for choice in dist.choices:  # 4 for a choice 4.0, never True for 1
            if (
                _is_number(choice) and _is_number(value) and float(choice) == float(value)  # type: ignore[arg-type]
            ):
                return choice
        return None
    if not _is_number(value) or not math.isfinite(float(value)):
        return None
    if not isinstance(dist, (FloatDistribution, IntDistribution)):
        return None
    v = min(max(float(value), float(dist.low)), float(dist.high))
    out: float | int
    if isinstance(dist, IntDistribution):
        k = _round_half_up((v - dist.low) / dist.step)
        out = min(max(dist.low + k * dist.step, dist.low), dist.high)
    elif dist.step is not None:
        k = _round_half_up((v - dist.low) / dist.step)
        out = min(max(float(f"{dist.low + k * dist.step:.12g}"), dist.low), dist.high)
    else:
        out = v
    return out if dist.contains(out) else None


def _index(values: Sequence[Any], value: Any) -> int | None:
    for i, v in enumerate(values):
        if isinstance(v, bool) is isinstance(value, bool) and v == value:
            return i
    return None


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return repr(value)


def mutate(
    value: Any,
    mutation: Mutation,
    rng: np.random.Generator,
    resample_probability: float,
    perturbation_factors: Sequence[float],
) -> tuple[Any, str]:
    """One explored value and what was done (Ray Tune's rules).

    With probability ``resample_probability`` the value is drawn anew from the mutation
    (uniformly from a list, from the distribution's prior otherwise); so is a value that a
    list or categorical does not hold, or a non-number for a numeric distribution. Otherwise
    a list or categorical value moves to a neighbouring index (-1 or +1, staying put at the
    ends) and a number is multiplied by a factor drawn from ``perturbation_factors``, then
    clipped to the distribution's bounds (integers rounded, stepped values snapped).

    >>> rng = np.random.default_rng(0)
    >>> sorted({mutate(4, [3, 4, 8, 10], rng, 0.0, (1.2, 0.8))[0] for _ in range(50)})
    [3, 8]
    >>> sorted({mutate(100, IntDistribution(1, 1000), rng, 0.0, (1.2, 0.8))[0] for _ in range(50)})
    [80, 120]
    """
    resample = bool(rng.random() < resample_probability)
    if isinstance(mutation, (FloatDistribution, IntDistribution)):
        if resample or not _is_number(value):
            return mutation.from_unit_scalar(float(rng.random())), "resample"
        factor = perturbation_factors[int(rng.integers(len(perturbation_factors)))]
        new = fit(float(value) * factor, mutation)
        return new, f"* {factor:g}"
    values = mutation.choices if isinstance(mutation, CategoricalDistribution) else mutation
    idx = _index(values, value)
    if resample or idx is None:
        return values[int(rng.integers(len(values)))], "resample"
    shift = -1 if rng.random() < 0.5 else 1
    new_idx = min(max(idx + shift, 0), len(values) - 1)
    noop = " (noop)" if new_idx == idx else ""
    return values[new_idx], f"shift {'left' if shift < 0 else 'right'}{noop}"


def explore(
    params: Mapping[str, Any],
    distributions: Mapping[str, BaseDistribution],
    mutations: Mapping[str, Mutation],
    rng: np.random.Generator,
    resample_probability: float = 0.25,
    perturbation_factors: Sequence[float] = (1.2, 0.8),
) -> tuple[dict[str, Any], list[str]]:
    """The explored values of the mutated parameters of ``params``, and what changed.

    Only names present in ``params`` change; each new value lies in the trial's own
    distribution (``distributions[name]``): it is clipped, rounded or snapped there, and a
    value that cannot be placed there keeps the old one. Draws come from ``rng`` only.

    >>> rng = np.random.default_rng(0)
    >>> new, ops = explore({"lr": 0.01, "depth": 3},
    ...                    {"lr": FloatDistribution(1e-4, 0.011), "depth": IntDistribution(1, 8)},
    ...                    {"lr": FloatDistribution(1e-4, 1, log=True)}, rng, 0.0)
    >>> sorted(new), new["lr"] in (0.008, 0.011)
    (['lr'], True)
    """
    out: dict[str, Any] = {}
    ops: list[str] = []
    for name, mutation in mutations.items():
        if name not in params or name not in distributions:
            continue
        old = params[name]
        new, how = mutate(old, mutation, rng, resample_probability, perturbation_factors)
        placed = fit(new, distributions[name])
        if placed is None:
            placed, how = old, f"{how}, kept: {_fmt(new)} is outside the trial's range"
        out[name] = placed
        ops.append(f"{name} {_fmt(old)}->{_fmt(placed)} ({how})")
    return out, ops


# -- members ---------------------------------------------------------------------------------


@dataclass
class _Member:
    """One line of training: its records (oldest first) linked by ``resume_from``."""

    id: int
    records: list[FrozenTrial] = field(default_factory=list)

    @property
    def latest(self) -> FrozenTrial:
        return self.records[-1]

    @property
    def paused(self) -> bool:
        t = self.latest
        return t.state is TrialState.PRUNED and keys.PAUSED_AT in t.system_attrs

    @property
    def running(self) -> bool:
        return self.latest.state is TrialState.RUNNING

    @property
    def paused_at(self) -> int:
        return int(self.latest.system_attrs[keys.PAUSED_AT])

    def end_step(self, index: int) -> int | None:
        """The step record ``index`` got to: where it paused, else its last report."""
        t = self.records[index]
        at = t.system_attrs.get(keys.PAUSED_AT)
        return int(at) if at is not None else t.last_step

    def view_at(self, step: int) -> int | None:
        """The index of the member's latest record that ended at or before ``step`` (how the
        member stood when it was at ``step``); None if it was already past it."""
        for i in range(len(self.records) - 1, -1, -1):
            end = self.end_step(i)
            if end is None or end <= step:
                return i
        return None

    @property
    def n_pauses(self) -> int:
        """How many times the member paused (every record but a running latest one)."""
        return len(self.records) - (0 if self.paused else 1)

    def score(self, upto: int | None = None) -> float | None:
        """The last value the member reported itself, by its records up to ``upto`` (an
        index into ``records``; all by default). Reports a continuation copied (a clone's
        are the source's) do not count: until it reports anew the member keeps the score
        of its previous record, as Ray Tune's ``last_score``."""
        end = len(self.records) if upto is None else upto + 1
        for t in reversed(self.records[:end]):
            start = t.system_attrs.get(keys.RESUME_STEP)
            own = [
                s
                for s in t.intermediate_values
                if keys.RESUME_FROM not in t.system_attrs or start is None or s > int(start)
            ]
            if own:
                return float(t.intermediate_values[max(own)])
        return None


def _members(history: History) -> list[_Member]:
    """The study's members (WAITING records, not started yet, are left out, and so is a
    failed continuation that a retry replaces: see ``member_chains``)."""
    return [_Member(chain[0].number, chain) for chain in member_chains(history.trials)]


def _loss(value: float | None, sign: float) -> float:
    if value is None or math.isnan(value):
        return math.inf
    return value * sign


def _lookup(history: History, number: int) -> FrozenTrial | None:
    trials = history.trials
    if 0 <= number < len(trials) and trials[number].number == number:
        return trials[number]
    return next((t for t in trials if t.number == number), None)


# -- the scheduler ---------------------------------------------------------------------------


class PBTScheduler(Scheduler):
    """Population based training: members train in turns of ``perturbation_interval`` steps;
    after each turn the worst ones copy the best ones' checkpoints and perturb their
    hyperparameters (Jaderberg et al. 2017; the rules of Ray Tune's
    ``PopulationBasedTraining``).

    Steps are report steps. The objective saves a checkpoint (``trial.save_checkpoint``)
    before it checks ``trial.should_prune()``, resumes from ``trial.load_checkpoint()`` after
    ``trial.resume_step``, and reads its hyperparameters with ``suggest_*`` (a clone gets the
    explored values).

    * :meth:`decide` pauses a member once its last step is ``>= burn_in_period`` and at least
      ``perturbation_interval`` steps past the step it (re)started from: 0 for a fresh
      record, the checkpoint step for a clone, the step its predecessor paused at for a
      plain continuation (see :meth:`start_step`).
    * :meth:`promotions` ranks the members that have reported (running or paused; finished
      ones no longer count) by the last value they reported themselves (a continuation's
      copied reports do not count until it reports anew: a fresh clone keeps its member's
      old score, as Ray Tune's ``last_score``; NaN ranks last). A paused member in the bottom
      ``quantile_fraction`` (``ceil(n * quantile_fraction)``, at most ``n // 2``: one member
      from a population of two) is continued as a clone of a top member with a checkpoint,
      chosen at random, with parameters explored from it; every other paused member goes on
      from its own checkpoint (also a bottom member when no top member has a checkpoint:
      the reason says so). The least advanced members come first.
    * Explore (for each name in ``hyperparam_mutations`` the trial has): with probability
      ``resample_probability`` draw anew from the mutation; otherwise multiply a number by a
      factor from ``perturbation_factors``, or move a list / categorical value to a
      neighbouring index. Values are clipped to the mutation's bounds and to the trial's own
      distribution, integers rounded, stepped values snapped. ``custom_explore_fn(params)``
      (a module-level function taking and returning the parameter dict; with an ``rng``
      keyword it also gets this promotion's ``numpy`` generator) is applied after.
    * ``synch=True``: a round of promotions waits until every member still training has
      paused (members that finished no longer count; the round is each member's k-th
      pause), then every member of the round is ranked on its value at that pause and
      clones a top member's record of that pause, so the round's decisions do not change
      while workers claim them one by one.

    With fewer workers than members, the study starts all configurations first
    (``fills_population_first``) and the members take turns. Pass ``seed`` for reproducible
    explore draws (with ``None`` each process draws its own seed; every promotion is still
    carried out exactly once). Single objective only.

    >>> import hypersweep as hs
    >>> from hypersweep.schedulers import PBTScheduler
    >>> def objective(trial):
    ...     lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
    ...     state = trial.load_checkpoint() or {"score": 0.0}
    ...     for step in range((trial.resume_step or 0) + 1, 13):
    ...         state = {"score": state["score"] - abs(lr - 0.1)}
    ...         trial.report(state["score"], step)
    ...         trial.save_checkpoint(state)
    ...         if trial.should_prune():
    ...             raise hs.TrialPruned()
    ...     return state["score"]
    >>> scheduler = PBTScheduler(4, {"lr": hs.loguniform(1e-3, 1.0)}, seed=0)
    >>> study = hs.create_study(direction="maximize", scheduler=scheduler,
    ...                         sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=4)
    >>> sorted(t.last_step for t in study.trials if t.state.name == "COMPLETE")
    [12, 12, 12, 12]
    >>> any("lineage_parent" in t.system_attrs for t in study.trials)  # some exploited
    True
    """

    def __init__(
        self,
        perturbation_interval: int = 4,
        hyperparam_mutations: Mapping[str, Mutation] | None = None,
        *,
        burn_in_period: int = 0,
        quantile_fraction: float = 0.25,
        resample_probability: float = 0.25,
        perturbation_factors: Sequence[float] = (1.2, 0.8),
        custom_explore_fn: Callable[..., Mapping[str, Any]] | None = None,
        synch: bool = False,
        seed: int | None = None,
    ) -> None:
        self.perturbation_interval = _check_count("perturbation_interval", perturbation_interval, 1)
        self.burn_in_period = _check_count("burn_in_period", burn_in_period, 0)
        self.quantile_fraction = check_float(
            "quantile_fraction",
            quantile_fraction,
            greater_than=0.0,
            maximum=0.5,
            hint="(the bottom and top quantiles may not overlap)",
        )
        self.resample_probability = check_float(
            "resample_probability", resample_probability, minimum=0.0, maximum=1.0
        )
        self.perturbation_factors = _check_factors(perturbation_factors)
        if custom_explore_fn is not None and not callable(custom_explore_fn):
            raise TypeError(
                "custom_explore_fn must be a function params -> params or None, got "
                f"{type(custom_explore_fn).__name__} {custom_explore_fn!r}."
            )
        self.hyperparam_mutations = _check_mutations(hyperparam_mutations)
        if not self.hyperparam_mutations and custom_explore_fn is None:
            raise ValueError(
                "PBTScheduler needs hyperparam_mutations (a dict name -> distribution or list "
                "of values, e.g. {'lr': hs.loguniform(1e-4, 1e-1)}) or custom_explore_fn; "
                "without either a clone would train with unchanged parameters."
            )
        self.custom_explore_fn = custom_explore_fn
        self._custom_takes_rng = _takes_rng(custom_explore_fn)
        if not isinstance(synch, bool):
            raise TypeError(f"synch must be a bool, got {type(synch).__name__} {synch!r}.")
        self.synch = synch
        self._set_seed(seed)

    # -- protocol ------------------------------------------------------------------------
    @property
    def pauses_trials(self) -> bool:
        """Always true: members pause at every perturbation interval."""
        return True

    @property
    def fills_population_first(self) -> bool:
        """Always true: start every configuration of the population before resuming one."""
        return True

    @property
    def clone_sources(self) -> str | None:
        """``"rounds"`` with ``synch=True``, else ``"recent"``: a clone loads another member's
        record of the step it is compared at."""
        return "rounds" if self.synch else "recent"

    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"PBTScheduler ranks the population on one objective; this study has "
                f"{n_objectives}. Use a single-objective study (combine the objectives into "
                "one value if needed)."
            )

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        """``PAUSE`` once the trial's last step is past burn-in and at least
        ``perturbation_interval`` steps beyond the step its member (re)started from."""
        step = trial.last_step
        if step is None or step < self.burn_in_period:
            return CONTINUE
        start = self.start_step(history, trial)
        if step - start < self.perturbation_interval:
            return CONTINUE
        return Decision(
            Action.PAUSE,
            f"ready at step {step} ({step - start} steps since step {start}; "
            f"perturbation_interval={self.perturbation_interval})",
        )

    def start_step(self, history: History, trial: FrozenTrial) -> int:
        """The step from which ``trial`` counts its interval: 0 for a fresh record; for a
        clone, the step of the checkpoint it loaded (``resume_step``); for a plain
        continuation, the step its predecessor paused at (so that a continuation that
        restarts without a checkpoint does not pause again before it got further)."""
        attrs = trial.system_attrs
        resume_step = attrs.get(keys.RESUME_STEP)
        start = 0 if resume_step is None else int(resume_step)
        previous = attrs.get(keys.RESUME_FROM)
        if previous is None or keys.LINEAGE_PARENT in attrs:
            return start
        paused = _lookup(history, int(previous))
        at = None if paused is None else paused.system_attrs.get(keys.PAUSED_AT)
        return start if at is None else max(start, int(at))

    def promotions(self, history: History) -> list[Promotion]:
        """The paused members to continue now, least advanced first (then the oldest), each
        as a plain continuation or an exploit-and-explore clone (see the class docstring)."""
        members = _members(history)
        paused = [m for m in members if m.paused]
        if not paused:
            return []
        sign = history.sign(0)
        if self.synch:
            rnd = min(m.n_pauses for m in paused)
            if any(m.running and m.n_pauses < rnd for m in members):
                return []  # the round waits for every member still training
            live = [m for m in members if (m.running or m.paused) and m.n_pauses >= rnd]
            at = {m.id: rnd - 1 for m in live}  # each member's record of this round's pause
            todo = [m for m in paused if m.n_pauses == rnd]
            round_ranking = self._rank(live, at, sign)
        else:
            live = [m for m in members if m.running or m.paused]
            todo = paused
        out: list[tuple[int, int, Promotion]] = []
        for m in todo:
            record = m.latest
            step = m.paused_at
            if self.synch:
                ranked, scores, at = round_ranking
            else:
                # Asynchronous: each member is compared with how the others stood when they
                # were at its step (their latest record that ended there or before), and a
                # clone loads that record's checkpoint, so members ahead neither win on
                # their extra steps nor let a clone skip steps (it may train some again).
                views = {m2.id: m2.view_at(step) for m2 in live}
                at = {i: v for i, v in views.items() if v is not None}
                ranked, scores, _ = self._rank([m2 for m2 in live if m2.id in at], at, sign)
            n = len(ranked)
            q = 0
            if n >= 2:
                q = math.ceil(round(n * self.quantile_fraction, 9))
                q = min(q, n // 2)
            top, bottom = ranked[:q], {m2.id for m2 in ranked[n - q :]}
            rank = {m2.id: i + 1 for i, m2 in enumerate(ranked)}
            value = scores.get(m.id)
            where = f"rank {rank.get(m.id, '-')} of {n} (score {_fmt(value)})"
            if m.id not in bottom:
                why = "population of one" if n < 2 else where
                out.append((step, m.id, Promotion(record.number, step, f"continue: {why}")))
                continue
            sources = [m2.records[at[m2.id]] for m2 in top if m2.id != m.id]
            sources = [t for t in sources if checkpoint_source(t)[0] is not None]
            if not sources:
                reason = (
                    f"continue: {where} is in the bottom {q}, but no member of the top {q} "
                    "has a checkpoint to clone (call trial.save_checkpoint before "
                    "trial.should_prune())"
                )
                out.append((step, m.id, Promotion(record.number, step, reason)))
                continue
            rng = self.trial_rng(record.number, step)
            source = sources[int(rng.integers(len(sources)))]
            params, ops = self._explore(source, rng, history, record)
            source_member = next(m2 for m2 in top if m2.records[at[m2.id]] is source)
            reason = (
                f"exploit trial {source.number} (score {_fmt(scores[source_member.id])} vs "
                f"{_fmt(value)}); explore {', '.join(ops) if ops else 'nothing'}"
            )
            promo = Promotion(record.number, step, reason, clone_of=source.number, params=params)
            out.append((step, m.id, promo))
        out.sort(key=lambda item: (item[0], item[1]))
        return [item[2] for item in out]

    @staticmethod
    def _rank(
        live: list[_Member], at: dict[int, int], sign: float
    ) -> tuple[list[_Member], dict[int, float | None], dict[int, int]]:
        """``live`` members with a score at their record ``at[id]``, best first, the scores,
        and ``at``."""
        scores = {m.id: m.score(at[m.id]) for m in live}
        ranked = sorted(
            (m for m in live if scores[m.id] is not None),
            key=lambda m: (_loss(scores[m.id], sign), m.id),
        )
        return ranked, scores, at

    # -- explore -------------------------------------------------------------------------
    def _explore(
        self,
        source: FrozenTrial,
        rng: np.random.Generator,
        history: History,
        record: FrozenTrial,
    ) -> tuple[dict[str, Any], list[str]]:
        """New parameters for a clone of ``source`` replacing the paused ``record``, and the
        changes in words (subclasses, e.g. PB2, choose them differently)."""
        new, ops = self._explore_params(source, rng, history, record)
        return self._apply_custom(source, new, ops, rng)

    def _explore_params(
        self,
        source: FrozenTrial,
        rng: np.random.Generator,
        history: History,
        record: FrozenTrial,
    ) -> tuple[dict[str, Any], list[str]]:
        """PBT's explore: perturb or resample each mutated parameter of ``source``."""
        return explore(
            source.params,
            source.distributions,
            self.hyperparam_mutations,
            rng,
            self.resample_probability,
            self.perturbation_factors,
        )

    def _apply_custom(
        self,
        source: FrozenTrial,
        new: dict[str, Any],
        ops: list[str],
        rng: np.random.Generator,
    ) -> tuple[dict[str, Any], list[str]]:
        """``custom_explore_fn`` applied after the explore step."""
        fn = self.custom_explore_fn
        if fn is None:
            return new, ops
        config = {**source.params, **new}
        result = fn(dict(config), rng=rng) if self._custom_takes_rng else fn(dict(config))
        if not isinstance(result, Mapping):
            raise TypeError(
                f"custom_explore_fn must return a dict of parameters, got "
                f"{type(result).__name__} {result!r}."
            )
        for name, value in result.items():
            dist = source.distributions.get(name)
            if dist is None or value == config.get(name):
                continue  # names the trial did not suggest cannot be set on a clone
            placed = fit(value, dist)
            if placed is None or placed == config.get(name):
                continue
            new[name] = placed
            ops.append(f"{name} {_fmt(config.get(name))}->{_fmt(placed)} (custom)")
        return new, ops

    def __repr__(self) -> str:
        return (
            f"PBTScheduler(perturbation_interval={self.perturbation_interval}, "
            f"hyperparam_mutations={self.hyperparam_mutations!r}, "
            f"burn_in_period={self.burn_in_period}, quantile_fraction={self.quantile_fraction}, "
            f"resample_probability={self.resample_probability}, synch={self.synch})"
        )


# -- argument checks -------------------------------------------------------------------------


def _check_count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{name} must be an int >= {minimum} (a number of report steps), got "
            f"{type(value).__name__} {value!r}."
        )
    if value < minimum:
        raise ValueError(
            f"{name} must be an int >= {minimum} (a number of report steps), got {value!r}."
        )
    return int(value)


def _check_factors(factors: Any) -> tuple[float, ...]:
    if isinstance(factors, (str, bytes)) or not isinstance(factors, Sequence):
        raise TypeError(
            "perturbation_factors must be a list or tuple of positive numbers, e.g. (1.2, 0.8), "
            f"got {type(factors).__name__} {factors!r}."
        )
    if not factors:
        raise ValueError("perturbation_factors must not be empty, e.g. (1.2, 0.8).")
    return tuple(
        check_float(f"perturbation_factors[{i}]", f, greater_than=0.0)
        for i, f in enumerate(factors)
    )


def _check_mutations(mutations: Any) -> dict[str, Mutation]:
    if mutations is None:
        return {}
    if not isinstance(mutations, Mapping):
        raise TypeError(
            "hyperparam_mutations must be a dict name -> distribution or list of values, got "
            f"{type(mutations).__name__} {mutations!r}."
        )
    out: dict[str, Mutation] = {}
    for name, mutation in mutations.items():
        if not isinstance(name, str):
            raise TypeError(
                f"hyperparam_mutations keys must be parameter names (str), got "
                f"{type(name).__name__} {name!r}."
            )
        if isinstance(mutation, (FloatDistribution, IntDistribution, CategoricalDistribution)):
            out[name] = mutation
            continue
        if isinstance(mutation, Mapping):
            raise TypeError(
                f"hyperparam_mutations[{name!r}] is a dict; nested mutations are written with "
                "flat names, e.g. {'optimizer/lr': hs.loguniform(1e-4, 1e-1)}."
            )
        if isinstance(mutation, (str, bytes)) or not isinstance(mutation, Sequence):
            raise TypeError(
                f"hyperparam_mutations[{name!r}] must be a distribution (hs.uniform, "
                "hs.loguniform, hs.randint, hs.choice...) or a list of values, got "
                f"{type(mutation).__name__} {mutation!r}."
            )
        if not mutation:
            raise ValueError(f"hyperparam_mutations[{name!r}] is an empty list; give values.")
        for value in mutation:
            if not isinstance(value, _STORABLE):
                raise TypeError(
                    f"hyperparam_mutations[{name!r}] holds {value!r} of type "
                    f"{type(value).__name__}; values must be None, bool, int, float or str."
                )
        out[name] = mutation
    return out


def _takes_rng(fn: Callable[..., Any] | None) -> bool:
    if fn is None:
        return False
    try:
        return "rng" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
