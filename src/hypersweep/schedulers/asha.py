"""Asynchronous successive halving, ASHA (Li et al., MLSys 2020)."""

from __future__ import annotations

from ..trial import FrozenTrial, History
from ..trial.lineage import LineageTable, Promotion
from ._rungs import (
    RungScheduler,
    async_decide,
    async_promotions,
    check_resources,
    may_cross,
    milestones,
)
from .base import CONTINUE, Decision


class ASHAScheduler(RungScheduler):
    """Asynchronous successive halving: never wait for a rung to fill.

    Rung ``k`` is at step ``min_resource * eta**k`` (below ``max_resource``); its members
    are every configuration that reached it so far.

    ``pause=False`` (the *stopping* variant, as Optuna's ``SuccessiveHalvingPruner`` and Ray
    Tune's ASHA): when a trial first reaches a rung it goes on if it ranks among the best
    ``max(1, members // eta)`` there, and is stopped otherwise. Nothing is decided between
    rungs.

    ``pause=True`` (the paper's algorithm, with pause/resume): a trial reaching a rung is
    paused (``should_prune()`` is true, ``trial.paused`` tells it to save a checkpoint). A
    free worker first resumes a paused configuration that ranks among the best
    ``members // eta`` of its rung (highest rung first), else starts a new configuration;
    no worker waits for a rung to fill. Paused configurations that are never promoted stay
    PRUNED. When every configuration of a rung has reported before workers ask for work
    (workers in lockstep), it promotes exactly the configurations synchronous successive
    halving promotes.

    >>> import hypersweep as hs
    >>> from hypersweep.schedulers.asha import ASHAScheduler
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(1, 28):
    ...         trial.report(x + 1 / step, step)
    ...         if trial.should_prune():
    ...             raise hs.TrialPruned()
    ...     return x
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0),
    ...                         scheduler=ASHAScheduler(min_resource=1, max_resource=27))
    >>> study.optimize(objective, n_trials=30)
    >>> sorted({t.last_step for t in study.trials})
    [1, 3, 9, 27]
    """

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: int = 81,
        reduction_factor: int = 3,
        *,
        pause: bool = False,
    ) -> None:
        super().__init__()
        check_resources(min_resource, max_resource, reduction_factor)
        self.min_resource = min_resource
        self.max_resource = max_resource
        self.reduction_factor = reduction_factor
        self.milestones = milestones(min_resource, max_resource, reduction_factor)
        self.pause = bool(pause)

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        if not may_cross(trial, self.milestones):
            return CONTINUE  # decisions happen only where a rung is crossed
        table = self._table(history, trial)
        return async_decide(
            table.of(trial),
            trial,
            table.configs,
            self.milestones,
            self.reduction_factor,
            self.pause,
        )

    def _promotions(self, table: LineageTable) -> list[tuple[int, float, Promotion]]:
        return async_promotions(table.configs, self.milestones, self.reduction_factor)

    def __repr__(self) -> str:
        return (
            f"ASHAScheduler(min_resource={self.min_resource}, max_resource={self.max_resource}, "
            f"reduction_factor={self.reduction_factor}, pause={self.pause})"
        )
