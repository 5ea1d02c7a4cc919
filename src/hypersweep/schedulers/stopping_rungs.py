"""Stop-only successive halving and HyperBand with open-ended rungs, trial by trial.

These are the rung rules of the define-by-run pruner vocabulary
(``hs.pruners.SuccessiveHalvingPruner`` and ``hs.pruners.HyperbandPruner``): rungs at
``min_resource * eta**(rate + k)`` for every ``k`` (no last rung), ``min_resource`` that may
be estimated from the first completed trial, and tied values promoted. They never pause a
trial; for pause/resume and a bounded ladder use ``ASHAScheduler`` or ``HyperBandScheduler``.

Rules, as functions of the history:

* A trial's value at a rung is its first report at a step ``>=`` the rung's step; it is
  compared when that report is the trial's latest (each rung it crossed with it is checked,
  lowest first). A NaN value there stops it.
* Its competitors are the trials that reached the rung (any state), except those started
  before the resources were known (``"auto"``: trials numbered up to the first completed
  trial, which had nothing to compare with when they ran).
* With ``n`` values at the rung (the trial's included) it goes on when its value is at
  least as good as the ``max(1, n // eta)``-th best: **a value equal to the cut-off goes
  on**, so tied trials are all kept. With ``bootstrap_count``, a rung holding no more than
  ``bootstrap_count`` values stops the trial.
"""

from __future__ import annotations

import binascii
import math
from collections.abc import Sequence
from typing import Any

from .._internal.validation import check_int
from ..trial import FrozenTrial, History, StudyDirection
from .base import CONTINUE, Action, Decision, Scheduler

#: The prefix of the names studies created without one get (``no-name-<uuid>``).
_UNNAMED = "no-name-"


def _first_completed(history: History) -> FrozenTrial | None:
    completed = [t for t in history.completed if t.last_step is not None]
    if not completed:
        return None
    return min(
        completed,
        key=lambda t: (t.datetime_complete is None, t.datetime_complete or 0, t.number),
    )


def _rung_value(trial: FrozenTrial, rung_step: int) -> float | None:
    steps = [s for s in trial.intermediate_values if s >= rung_step]
    return trial.intermediate_values[min(steps)] if steps else None


def _check_eta(reduction_factor: Any) -> int:
    return check_int("reduction_factor", reduction_factor, minimum=2, type_error=ValueError)


def halving_decision(
    trial: FrozenTrial,
    others: Sequence[FrozenTrial],
    direction: StudyDirection,
    min_resource: int,
    eta: int,
    rate: int,
    bootstrap_count: int,
) -> Decision:
    """The stop-only successive-halving decision for ``trial``'s latest report against
    ``others`` (the competing trials, ``trial`` excluded)."""
    step = trial.last_step
    if step is None:
        return CONTINUE
    value = trial.intermediate_values[step]
    previous = max((s for s in trial.intermediate_values if s != step), default=-1)
    k = 0
    while True:
        rung_step = min_resource * eta ** (rate + k)
        if rung_step > step:
            return CONTINUE
        k += 1
        if rung_step <= previous:
            continue  # crossed by an earlier report, decided then
        if math.isnan(value):
            return Decision(Action.PRUNE, f"the value at rung step {rung_step} is NaN")
        # A NaN report was pruned where it was made; it is no competitor (as Optuna).
        values = [
            v
            for v in (_rung_value(t, rung_step) for t in others)
            if v is not None and not math.isnan(v)
        ]
        values.append(value)
        if len(values) <= bootstrap_count:
            return Decision(
                Action.PRUNE,
                f"only {len(values)} values at rung step {rung_step} (bootstrap_count "
                f"{bootstrap_count})",
            )
        keep = max(1, len(values) // eta)
        maximize = direction is StudyDirection.MAXIMIZE
        ranked = sorted(values, reverse=maximize)
        cutoff = ranked[keep - 1]
        if (value < cutoff) if maximize else (value > cutoff):
            return Decision(
                Action.PRUNE,
                f"value {value:.6g} at rung step {rung_step} is worse than the cut-off "
                f"{cutoff:.6g} (the best {keep} of {len(values)} go on, ties included)",
            )


def _participants(history: History, trial: FrozenTrial, after: int | None) -> list[FrozenTrial]:
    return [
        t
        for t in history.trials
        if t.number != trial.number and (after is None or t.number > after)
    ]


class StoppingHalvingScheduler(Scheduler):
    """Asynchronous successive halving that only stops trials, over open-ended rungs at
    ``min_resource * reduction_factor**(min_early_stopping_rate + k)`` (see the module
    docstring for the rules; ties go on).

    ``min_resource="auto"``: the first completed trial's last step // 100 (at least 1);
    nothing is stopped before a trial completed.

    >>> import hypersweep as hs
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(1, 28):
    ...         trial.report(x + 1 / step, step)
    ...         if trial.should_prune():
    ...             raise hs.TrialPruned()
    ...     return x
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0),
    ...                         scheduler=StoppingHalvingScheduler(min_resource=1))
    >>> study.optimize(objective, n_trials=30)
    >>> sorted({t.last_step for t in study.trials})
    [1, 4, 16, 27]
    """

    def __init__(
        self,
        min_resource: int | str = "auto",
        reduction_factor: int = 4,
        min_early_stopping_rate: int = 0,
        bootstrap_count: int = 0,
    ) -> None:
        if min_resource != "auto":
            check_int("min_resource", min_resource, minimum=1, type_error=ValueError)
        self.min_resource = min_resource
        self.reduction_factor = _check_eta(reduction_factor)
        self.min_early_stopping_rate = check_int(
            "min_early_stopping_rate", min_early_stopping_rate, minimum=0, type_error=ValueError
        )
        self.bootstrap_count = check_int(
            "bootstrap_count", bootstrap_count, minimum=0, type_error=ValueError
        )
        if bootstrap_count > 0 and min_resource == "auto":
            raise ValueError(
                "bootstrap_count > 0 needs an integer min_resource, not 'auto' (the rungs "
                "must be known before any trial completes)."
            )

    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"{type(self).__name__} ranks one objective; this study has {n_objectives}."
            )

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        if trial.last_step is None:
            return CONTINUE
        after: int | None = None
        if self.min_resource == "auto":
            first = _first_completed(history)
            if first is None:
                return CONTINUE
            min_resource = max(int(first.last_step) // 100, 1)  # type: ignore[arg-type]
            after = first.number
        else:
            min_resource = int(self.min_resource)
        return halving_decision(
            trial,
            _participants(history, trial, after),
            history.directions[0],
            min_resource,
            self.reduction_factor,
            self.min_early_stopping_rate,
            self.bootstrap_count,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(min_resource={self.min_resource!r}, "
            f"reduction_factor={self.reduction_factor}, "
            f"min_early_stopping_rate={self.min_early_stopping_rate}, "
            f"bootstrap_count={self.bootstrap_count})"
        )


class StoppingHyperBandScheduler(Scheduler):
    """HyperBand over :class:`StoppingHalvingScheduler` brackets: bracket ``b`` (0 the most
    aggressive) starts halving at ``min_resource * reduction_factor**b``; each trial is
    hashed into a bracket (CRC-32 of ``"<study name>_<trial number>"`` over the brackets'
    budgets ``ceil(n * eta**s / (s + 1))``) and competes only with its bracket. A study
    created without a name (its generated name is random) hashes ``"_<trial number>"``, so
    that its brackets repeat from run to run.

    There are ``floor(log(max_resource / min_resource, eta)) + 1`` brackets;
    ``max_resource="auto"`` is the first completed trial's last step + 1, and nothing is
    stopped before a trial completed.

    >>> import hypersweep as hs
    >>> from hypersweep.trial import History, StudyDirection
    >>> hb = StoppingHyperBandScheduler(min_resource=1, max_resource=27)
    >>> hb.budgets(27), hb.bracket_of(History([StudyDirection.MINIMIZE], [], "s"), 0, 27)
    ((27, 12, 6, 4), 2)
    """

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: int | str = "auto",
        reduction_factor: int = 3,
        bootstrap_count: int = 0,
    ) -> None:
        self.min_resource = check_int(
            "min_resource", min_resource, minimum=1, type_error=ValueError
        )
        if max_resource != "auto":
            check_int("max_resource", max_resource, minimum=1, type_error=ValueError)
            if max_resource < min_resource:  # type: ignore[operator]
                raise ValueError(
                    f"max_resource ({max_resource}) must be >= min_resource ({min_resource})."
                )
        self.max_resource = max_resource
        self.reduction_factor = _check_eta(reduction_factor)
        self.bootstrap_count = check_int(
            "bootstrap_count", bootstrap_count, minimum=0, type_error=ValueError
        )
        if bootstrap_count > 0 and max_resource == "auto":
            raise ValueError("bootstrap_count > 0 needs an integer max_resource, not 'auto'.")

    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"{type(self).__name__} ranks one objective; this study has {n_objectives}."
            )

    def budgets(self, max_resource: int) -> tuple[int, ...]:
        """How many trials of a cycle each bracket gets, most aggressive bracket first."""
        eta = self.reduction_factor
        if max_resource < self.min_resource:
            return ()
        n = math.floor(math.log(max_resource / self.min_resource, eta)) + 1
        return tuple(math.ceil(n * eta ** (n - 1 - b) / (n - b)) for b in range(n))

    def bracket_of(self, history: History, number: int, max_resource: int) -> int:
        """The bracket of trial ``number`` (a hash of the study name and the number)."""
        budgets = self.budgets(max_resource)
        name = history.study_name
        if name is None or name.startswith(_UNNAMED):
            name = ""  # a generated name is random: hash the number alone, so runs repeat
        key = f"{name}_{number}".encode()
        rest = binascii.crc32(key) % sum(budgets)
        for bracket, budget in enumerate(budgets):
            rest -= budget
            if rest < 0:
                return bracket
        raise AssertionError("unreachable")

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        if trial.last_step is None:
            return CONTINUE
        after: int | None = None
        if self.max_resource == "auto":
            first = _first_completed(history)
            if first is None:
                return CONTINUE
            max_resource = int(first.last_step) + 1  # type: ignore[arg-type]
            after = first.number
        else:
            max_resource = int(self.max_resource)
        if max_resource < self.min_resource:
            # No bracket fits (e.g. the first trial finished before min_resource): as
            # Optuna, which then builds no brackets, nothing is stopped.
            return CONTINUE
        bracket = self.bracket_of(history, trial.number, max_resource)
        others = [
            t
            for t in _participants(history, trial, after)
            if self.bracket_of(history, t.number, max_resource) == bracket
        ]
        return halving_decision(
            trial,
            others,
            history.directions[0],
            self.min_resource,
            self.reduction_factor,
            bracket,
            self.bootstrap_count,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(min_resource={self.min_resource}, "
            f"max_resource={self.max_resource!r}, reduction_factor={self.reduction_factor}, "
            f"bootstrap_count={self.bootstrap_count})"
        )


__all__ = ["StoppingHalvingScheduler", "StoppingHyperBandScheduler"]
