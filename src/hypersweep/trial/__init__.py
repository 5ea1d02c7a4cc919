"""Layer 2: trial records (FrozenTrial, TrialState), the History view, FixedTrial, lineage
records (``LineageInfo``, ``Promotion``) and the registry of reserved keys (``keys``)."""

from . import keys
from .base import BaseTrial
from .create import create_trial
from .fixed import FixedTrial
from .frozen import FrozenTrial, StudyDirection, TrialState
from .history import History
from .lineage import LineageInfo, Promotion


def __getattr__(name: str) -> object:
    """``Trial`` (Optuna's path ``optuna.trial.Trial``) is the live trial of the study layer;
    it is looked up on use so that this layer imports nothing above it."""
    if name == "Trial":
        import importlib

        return importlib.import_module("hypersweep.study").Trial
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BaseTrial",
    "FixedTrial",
    "FrozenTrial",
    "History",
    "LineageInfo",
    "Promotion",
    "StudyDirection",
    "Trial",
    "TrialState",
    "create_trial",
    "keys",
]
