"""Layer 2: trial records (FrozenTrial, TrialState), the History view, FixedTrial, lineage
records (``LineageInfo``, ``Promotion``) and the registry of reserved keys (``keys``)."""

from . import keys
from .create import create_trial
from .fixed import FixedTrial
from .frozen import FrozenTrial, StudyDirection, TrialState
from .history import History
from .lineage import LineageInfo, Promotion

__all__ = [
    "FixedTrial",
    "FrozenTrial",
    "History",
    "LineageInfo",
    "Promotion",
    "StudyDirection",
    "TrialState",
    "create_trial",
    "keys",
]
