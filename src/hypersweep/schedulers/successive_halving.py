"""Synchronous successive halving (Jamieson & Talwalkar, 2016; Li et al., 2018)."""

from __future__ import annotations

from .._internal.validation import check_int
from ..trial import FrozenTrial, History
from ..trial.lineage import LineageTable, Promotion
from ._rungs import (
    RungScheduler,
    check_resources,
    may_cross,
    milestones,
    sync_decide,
)
from .base import CONTINUE, Decision


class SuccessiveHalvingScheduler(RungScheduler):
    """Synchronous successive halving: a rung completes, then its best ``1/eta`` go on.

    Configurations are taken in brackets of ``n_configs`` (the first ``n_configs`` trials,
    then the next ``n_configs``, ...; continuation trials belong to the configuration they
    continue). In a bracket, rung ``k`` is at step ``min_resource * eta**k`` (below
    ``max_resource``) and keeps ``n_configs // eta**k`` configurations (at least one): when
    every member of a rung has reported there (or finished before), the best
    ``n_configs // eta**(k+1)`` go on to the next rung and the others stop.

    ``pause=False`` (the *stopping* variant, for objectives that only call
    ``should_prune()``) cannot make a trial wait for its rung. A trial at a rung that is not
    full yet is stopped as soon as enough configurations of its rung are better than it to
    fill the rung's quota (it can no longer go on), and otherwise runs on optimistically; it
    is stopped at its next report once the rung is full and it is not among the best. Once
    every rung is full the outcome is exactly synchronous successive halving's.

    ``pause=True`` (pause/resume): a trial reaching a rung that is not full is paused
    (``should_prune()`` is true and ``trial.paused`` tells it to save a checkpoint); when the
    rung fills, the promoted configurations resume from their checkpoints on any free worker,
    and the last one to arrive goes straight on if promoted.

    >>> import hypersweep as hs
    >>> from hypersweep.executors.simulated import SimulatedExecutor, spend
    >>> from hypersweep.schedulers.successive_halving import SuccessiveHalvingScheduler
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(1, 10):
    ...         spend(1.0)                      # one virtual second per step
    ...         trial.report(x + 1 / step, step)
    ...         if trial.should_prune():
    ...             raise hs.TrialPruned()
    ...     return x
    >>> scheduler = SuccessiveHalvingScheduler(min_resource=1, max_resource=9, n_configs=9)
    >>> scheduler.milestones, scheduler.rung_sizes
    ((1, 3), (9, 3, 1))
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), scheduler=scheduler)
    >>> study.optimize(objective, n_trials=9, n_jobs=9, executor=SimulatedExecutor())
    >>> # 9 workers in lockstep: the rung at step 1 fills with the 9th report; the trials that
    >>> # went on optimistically stop at their next report unless among the best 3 (same at 3)
    >>> sorted(t.last_step for t in study.trials)
    [1, 2, 2, 2, 2, 2, 3, 4, 9]
    """

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: int = 81,
        reduction_factor: int = 3,
        *,
        n_configs: int | None = None,
        pause: bool = False,
    ) -> None:
        super().__init__()
        check_resources(min_resource, max_resource, reduction_factor)
        self.min_resource = min_resource
        self.max_resource = max_resource
        self.reduction_factor = reduction_factor
        self.milestones = milestones(min_resource, max_resource, reduction_factor)
        if n_configs is None:
            n_configs = reduction_factor ** len(self.milestones)
        self.n_configs = check_int("n_configs", n_configs, minimum=1, type_error=ValueError)
        self.pause = bool(pause)

    @property
    def rung_sizes(self) -> tuple[int, ...]:
        """How many configurations of a bracket reach each rung and the final step."""
        eta = self.reduction_factor
        return tuple(
            self.n_configs if k == 0 else max(1, self.n_configs // eta**k)
            for k in range(len(self.milestones) + 1)
        )

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        if trial.last_step is None or not self.milestones or trial.last_step < self.milestones[0]:
            return CONTINUE
        if self.pause and not may_cross(trial, self.milestones):
            # Pausing, a trial past a rung went on because it was promoted there: still true.
            return CONTINUE
        table = self._table(history, trial)
        lin = table.of(trial)
        index = table.position(lin)
        lo = index - index % self.n_configs
        members = table.configs[lo : lo + self.n_configs]
        return sync_decide(
            lin, members, self.n_configs, self.milestones, self.reduction_factor, self.pause
        )

    def _promotions(self, table: LineageTable) -> list[tuple[int, float, Promotion]]:
        out = []
        n = self.n_configs
        for lo in range(0, len(table.configs), n):
            out += self._bracket_promotions(table.configs[lo : lo + n], n, self.milestones)
        return out

    def __repr__(self) -> str:
        return (
            f"SuccessiveHalvingScheduler(min_resource={self.min_resource}, "
            f"max_resource={self.max_resource}, reduction_factor={self.reduction_factor}, "
            f"n_configs={self.n_configs}, pause={self.pause})"
        )
