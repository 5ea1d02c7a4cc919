"""Define-by-run names of the schedulers (``hs.pruners.MedianPruner`` and friends), with
Optuna's arguments, so code written for the ``pruners`` vocabulary runs after changing
only the import.

Each name is a :class:`~hypersweep.schedulers.Scheduler` (``PatientPruner`` only renames
an argument). :class:`BasePruner` is the base class of pruners written with
``prune(study, trial) -> bool``; the study hands them a read-only view of itself.

>>> import hypersweep as hs
>>> pruner = hs.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
>>> type(pruner).__name__, pruner.min_early_stopping_rate
('StoppingHalvingScheduler', 0)
"""

from __future__ import annotations

from ..schedulers import MedianScheduler as MedianPruner
from ..schedulers import NopScheduler as NopPruner
from ..schedulers import PercentileScheduler as PercentilePruner
from ..schedulers import StoppingHalvingScheduler as SuccessiveHalvingPruner
from ..schedulers import StoppingHyperBandScheduler as HyperbandPruner
from ..schedulers import ThresholdScheduler as ThresholdPruner
from ..schedulers import WilcoxonScheduler as WilcoxonPruner
from ..study._optuna_adapters import BasePruner
from ._patient import PatientPruner

__all__ = [
    "BasePruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "PatientPruner",
    "PercentilePruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "WilcoxonPruner",
]
