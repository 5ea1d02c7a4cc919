"""Layer 2: trial records (FrozenTrial, TrialState), the History view, FixedTrial."""

from .create import create_trial
from .fixed import FixedTrial
from .frozen import FrozenTrial, StudyDirection, TrialState
from .history import History

__all__ = ["FixedTrial", "FrozenTrial", "History", "StudyDirection", "TrialState", "create_trial"]
