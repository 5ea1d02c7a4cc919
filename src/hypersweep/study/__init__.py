"""Layer 4: the study — the only package that composes all five roles."""

from ..trial import StudyDirection
from . import presets
from ._api import (
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from ._transfer import copy_study
from ._trial import Trial
from ._tune import TuneResult, get_checkpoint, report, tune
from .callbacks import MaxTrialsCallback, RetryFailedTrialCallback
from .study import Study

__all__ = [
    "MaxTrialsCallback",
    "RetryFailedTrialCallback",
    "Study",
    "StudyDirection",
    "Trial",
    "TuneResult",
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "get_checkpoint",
    "load_study",
    "presets",
    "report",
    "tune",
]
