"""Scheduling methods (pruners): how much budget each trial gets."""

from ..trial.lineage import Promotion
from .asha import ASHAScheduler
from .auto import AutoScheduler
from .base import CONTINUE, Action, Decision, Scheduler
from .hyperband import Bracket, HyperBandScheduler
from .median import MedianScheduler
from .nop import NopScheduler
from .patient import PatientScheduler
from .pb2 import PB2Scheduler
from .pbt import PBTScheduler
from .pbt_replay import PBTReplayScheduler
from .percentile import PercentileScheduler
from .stopping_rungs import StoppingHalvingScheduler, StoppingHyperBandScheduler
from .successive_halving import SuccessiveHalvingScheduler
from .threshold import ThresholdScheduler
from .wilcoxon import WilcoxonScheduler

__all__ = [
    "CONTINUE",
    "ASHAScheduler",
    "Action",
    "AutoScheduler",
    "Bracket",
    "Decision",
    "HyperBandScheduler",
    "MedianScheduler",
    "NopScheduler",
    "PB2Scheduler",
    "PBTReplayScheduler",
    "PBTScheduler",
    "PatientScheduler",
    "PercentileScheduler",
    "Promotion",
    "Scheduler",
    "StoppingHalvingScheduler",
    "StoppingHyperBandScheduler",
    "SuccessiveHalvingScheduler",
    "ThresholdScheduler",
    "WilcoxonScheduler",
]
