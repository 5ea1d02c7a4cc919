"""Layer 4: the study — the only package that composes all five roles."""

from ..storage import StudyInfo
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

#: Optuna's name of the summary ``get_all_study_summaries`` lists.
StudySummary = StudyInfo

__all__ = [
    "MaxTrialsCallback",
    "RetryFailedTrialCallback",
    "Study",
    "StudyDirection",
    "StudySummary",
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
