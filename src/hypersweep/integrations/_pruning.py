"""What every pruning callback shares: report a value, then stop the trial when the
scheduler says so; and the error for a metric name that the training library never logged.

A callback reports either to a define-by-run ``trial`` (``trial.report(value, step)``, then
``trial.should_prune()``), or, given ``trial=None`` inside a trainable run by
:func:`hypersweep.tune`, through :func:`hypersweep.report`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

from .._internal.exceptions import TrialPruned
from ..study import Trial, report
from ..study._tune import _session


class Reporter:
    """Where a callback's values go: a define-by-run trial, or ``hs.report`` (``trial=None``).

    With a trial, steps are the library's own iteration (epoch) numbers. Through
    ``hs.report``, a step is the count of iterations done (iteration + 1), as every
    ``hs.report`` step is the resource used so far; the value is reported under
    ``report_as`` (the metric given to ``hs.tune``).

    >>> import hypersweep as hs
    >>> study = hs.create_study()
    >>> trial = study.ask()
    >>> Reporter(trial, "loss", owner="Example").report(0.5, step=0)
    >>> trial.study.trials[0].intermediate_values
    {0: 0.5}
    """

    def __init__(self, trial: Trial | None, report_as: str, *, owner: str) -> None:
        if trial is None:
            if _session.get() is None:
                raise RuntimeError(
                    f"{owner}(None, ...) reports through hypersweep.report(), which works only "
                    "inside a trainable run by hypersweep.tune(); in a define-by-run objective "
                    f"pass the trial: {owner}(trial, ...)."
                )
        elif not isinstance(trial, Trial):
            raise TypeError(
                f"{owner} takes a hypersweep Trial (or None inside a hypersweep.tune trainable), "
                f"got {type(trial).__name__}."
            )
        self.trial = trial
        self.report_as = report_as
        self.owner = owner

    def report(self, value: Any, step: int) -> None:
        """Report ``value`` at ``step``; raise :class:`~hypersweep.TrialPruned` when the
        scheduler stops the trial."""
        value = as_float(value, self.owner)
        if self.trial is None:
            report({self.report_as: value}, step=step + 1)  # raises TrialPruned itself
            return
        self.trial.report(value, step)
        if self.trial.should_prune():
            raise TrialPruned(f"Trial was pruned at iteration {step}.")


def as_float(value: Any, owner: str) -> float:
    """``value`` (a Python, NumPy or 0-d tensor number) as a float."""
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: the monitored metric must be a number, got {value!r}.")
    return float(value)


def missing_metric(owner: str, asked: str, available: Iterable[str], hint: str = "") -> ValueError:
    """The error for a metric name that is not among those the library logged."""
    names = sorted(set(available))
    shown = ", ".join(repr(n) for n in names) if names else "none (no evaluation set?)"
    return ValueError(
        f"{owner}: the metric {asked!r} is not among the metrics logged at this step; "
        f"the logged ones are: {shown}.{(' ' + hint) if hint else ''}"
    )
