"""Presets: searching and scheduling methods that are known to work well together.

The role packages never import each other, so pairings live here, in the composition layer.

* :func:`bohb` — BOHB (Falkner, Klein & Hutter, ICML 2018): HyperBand brackets whose new
  configurations come from a TPE model fitted on the largest budget with enough data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from .._internal.spec import RecordsArguments
from ..samplers import RandomFractionSampler, Sampler
from ..samplers.tpe import TPESampler
from ..schedulers import Scheduler
from ..schedulers.hyperband import HyperBandScheduler
from ..trial import History
from ..trial.lineage import LineageStatus, LineageTable

__all__ = ["LargestBudgetObservations", "Pairing", "RandomFractionSampler", "bohb"]


class Pairing(NamedTuple):
    """A sampler and a scheduler meant to run together: ``create_study(**pairing._asdict())``."""

    sampler: Sampler
    scheduler: Scheduler


class LargestBudgetObservations(RecordsArguments):
    """BOHB's choice of model data: the configurations' values at the largest budget that
    enough configurations reached (``{}`` while none has: sample at random).

    Both densities of the model need ``min_points`` observations (default: the number of
    parameters plus one, as in the paper), so a budget is used once ``2 * min_points``
    configurations reached it, and :meth:`good_size` (the ``gamma`` of the TPE sampler) puts
    at least ``min_points`` of them, else the best ``top_fraction``, in the good group.

    A budget is one of ``budgets`` (rung steps); a configuration's value there is its first
    report at a step >= the budget, whatever record (paused or continued) holds it, and it
    is given under the number of the configuration's latest record. With
    ``stopped_as_bad`` (default) the configurations stopped or paused below the budget join
    the bad group too (as the worst value): successive halving ranked them below the ones
    that reached it, and without them the model would only contrast survivors with
    survivors. ``stopped_as_bad=False`` is the paper's rule.

    >>> from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState
    >>> trials = [FrozenTrial(number=i, state=TrialState.PRUNED, params={"x": i},
    ...                       intermediate_values={1: i, 3: i / 2} if i < 4 else {1: i})
    ...           for i in range(6)]
    >>> observe = LargestBudgetObservations((1, 3, 9), min_points=2)
    >>> observe(History([StudyDirection.MINIMIZE], trials))  # 4 and 5 stopped at step 1
    {0: 0.0, 1: 0.5, 2: 1.0, 3: 1.5, 4: inf, 5: inf}
    >>> observe.good_size(6)  # the best 15 % of the four that reached step 3, at least 2
    2
    """

    def __init__(
        self,
        budgets: Sequence[int],
        min_points: int | None = None,
        top_fraction: float = 0.15,
        *,
        stopped_as_bad: bool = True,
    ) -> None:
        if min_points is not None and (
            isinstance(min_points, bool) or not isinstance(min_points, int) or min_points < 1
        ):
            raise ValueError(f"min_points must be an int >= 1 or None, got {min_points!r}.")
        if not (isinstance(top_fraction, (int, float)) and 0.0 < top_fraction < 1.0):
            raise ValueError(f"top_fraction must be a number in (0, 1), got {top_fraction!r}.")
        self.budgets = tuple(sorted(int(b) for b in budgets))
        self.min_points = min_points
        self.top_fraction = float(top_fraction)
        self.stopped_as_bad = bool(stopped_as_bad)
        self._need = min_points or 1
        self._reached = 0  # configurations at the chosen budget, at the last call

    def good_size(self, n: int) -> int:
        """How many of ``n`` observations form the good group (BOHB's rule): the best
        ``top_fraction`` of those that reached the budget, at least ``min_points``."""
        reached = min(n, self._reached) if self._reached else n
        return max(1, min(reached - 1, max(self._need, math.ceil(self.top_fraction * reached))))

    def __call__(self, history: History) -> dict[int, float]:
        table = LineageTable(history, None)
        need = self.min_points
        if need is None:
            need = len({name for t in history.trials for name in t.params}) + 1
        self._need = need
        for budget in reversed(self.budgets):
            reached = [lin for lin in table.configs if lin.reached(budget)]
            if len(reached) >= 2 * need:
                self._reached = len(reached)
                out = {
                    lin.latest.number: lin.value_at(budget)
                    for lin in reached
                    if lin.latest is not None
                }
                if self.stopped_as_bad:
                    worst = history.sign(0) * math.inf
                    for lin in table.configs:
                        if (
                            lin.status is not LineageStatus.ACTIVE
                            and not lin.reached(budget)
                            and lin.latest
                        ):
                            out[lin.latest.number] = worst
                return out
        self._reached = 0
        return {}


def bohb(
    min_resource: int = 1,
    max_resource: int = 81,
    reduction_factor: int = 3,
    *,
    seed: int | None = None,
    pause: bool = False,
    asynchronous: bool = False,
    min_points_in_model: int | None = 3,
    random_fraction: float = 1 / 3,
    n_ei_candidates: int = 8,
    prior_weight: float = 1.0,
) -> Pairing:
    """BOHB: HyperBand whose new configurations come from a TPE model.

    The scheduler is a synchronous :class:`~hypersweep.schedulers.hyperband.HyperBandScheduler`
    (``pause=True`` for pause/resume; ``asynchronous=True`` for ASHA brackets, which
    keep many workers busier). The sampler is a :class:`TPESampler` whose model is
    fitted on the values at the largest budget (rung step) with enough data (see
    :class:`LargestBudgetObservations`; the model starts once ``2 * min_points_in_model``
    configurations reached a budget), with the best 15 % (at least ``min_points_in_model``)
    as the good group and ``n_ei_candidates`` candidates; ``random_fraction`` of the trials
    are drawn at random. Until some budget has enough data, every trial is random.

    ``min_points_in_model`` is 3 by default, not the paper's number of parameters + 1: the
    paper's multivariate KDE needs ``d + 1`` points for a bandwidth, TPE's Parzen estimator
    (with its prior) is defined from one, and starting the model earlier made BOHB reach
    random search's final quality 11x sooner instead of 6x on the benchmark's synthetic
    problem (``docs/schedulers.md``); ``None`` restores the paper's rule.

    The model samples less greedily than a default TPE: few candidates
    (``n_ei_candidates=8``; BOHB draws its candidates from a density widened threefold
    instead) and the default prior. Greedier settings let the model's own proposals fill
    the largest budget and the good group reinforce itself (measured in
    ``docs/schedulers.md``).

    >>> import hypersweep as hs
    >>> from hypersweep.study.presets import bohb
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", -3, 3)
    ...     for step in range(1, 10):
    ...         trial.report((x - 1) ** 2 + 1 / step, step)
    ...         if trial.should_prune():
    ...             raise hs.TrialPruned()
    ...     return (x - 1) ** 2
    >>> sampler, scheduler = bohb(min_resource=1, max_resource=9, seed=0)
    >>> study = hs.create_study(sampler=sampler, scheduler=scheduler)
    >>> study.optimize(objective, n_trials=60)
    >>> abs(study.best_params["x"] - 1) < 0.3
    True
    """
    scheduler = HyperBandScheduler(
        min_resource, max_resource, reduction_factor, pause=pause, asynchronous=asynchronous
    )
    observations = LargestBudgetObservations(scheduler.budgets, min_points_in_model)
    tpe = TPESampler(
        seed=seed,
        n_startup_trials=1,
        n_ei_candidates=n_ei_candidates,
        gamma=observations.good_size,
        prior_weight=prior_weight,
        observations=observations,
        warn_independent_sampling=False,
    )
    return Pairing(RandomFractionSampler(tpe, random_fraction), scheduler)
