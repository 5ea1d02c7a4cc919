"""``PatientPruner``: the patience rule under its define-by-run name and arguments."""

from __future__ import annotations

from typing import Any

from ..schedulers import PatientScheduler
from ..study._optuna_adapters import as_scheduler


class PatientPruner(PatientScheduler):
    """:class:`~hypersweep.schedulers.PatientScheduler` with the argument ``wrapped_pruner``
    (any scheduler or pruner, including one written with ``prune(study, trial)``).

    >>> import hypersweep as hs
    >>> pruner = hs.pruners.PatientPruner(hs.pruners.MedianPruner(), patience=3)
    >>> pruner.patience, type(pruner.wrapped).__name__
    (3, 'MedianScheduler')
    """

    def __init__(self, wrapped_pruner: Any, patience: int, min_delta: float = 0.0) -> None:
        wrapped = None if wrapped_pruner is None else as_scheduler(wrapped_pruner)
        super().__init__(wrapped, patience, min_delta)
