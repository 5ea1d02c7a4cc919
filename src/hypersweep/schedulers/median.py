"""Median stopping rule."""

from __future__ import annotations

from .percentile import PercentileScheduler


class MedianScheduler(PercentileScheduler):
    """Stop a trial whose best report so far is worse than the median of the completed trials'
    reports at the same step.

    Nothing is stopped during the first ``n_startup_trials`` completed trials, before step
    ``n_warmup_steps``, except at the first report of each ``interval_steps`` steps after the
    warm-up, or when fewer than ``n_min_trials`` completed trials reported at that step (the
    rules of :class:`~hypersweep.schedulers.percentile.PercentileScheduler` at 50).

    >>> import hypersweep as hs
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(10):
    ...         trial.report(x, step)
    ...         if trial.should_prune():
    ...             raise hs.TrialPruned()
    ...     return x
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1),
    ...                         scheduler=hs.schedulers.MedianScheduler(n_startup_trials=3))
    >>> study.optimize(objective, n_trials=20)
    >>> any(t.state.name == "PRUNED" for t in study.trials)
    True
    """

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        super().__init__(
            50.0, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials
        )

    def _threshold_name(self) -> str:
        return "median"

    def __repr__(self) -> str:
        return (
            f"MedianScheduler(n_startup_trials={self.n_startup_trials}, "
            f"n_warmup_steps={self.n_warmup_steps}, interval_steps={self.interval_steps}, "
            f"n_min_trials={self.n_min_trials})"
        )
