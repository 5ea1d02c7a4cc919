"""Define-by-run aliases of the schedulers (``hs.pruners.MedianPruner`` and friends).

They let code written for the ``pruners`` vocabulary run after changing only the import.
"""

from __future__ import annotations

from .schedulers import MedianScheduler as MedianPruner
from .schedulers import NopScheduler as NopPruner
from .schedulers import Scheduler as BasePruner

__all__ = ["BasePruner", "MedianPruner", "NopPruner"]
