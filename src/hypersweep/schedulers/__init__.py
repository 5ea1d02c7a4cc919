"""Scheduling methods (pruners): how much budget each trial gets."""

from ..trial.lineage import Promotion
from .asha import ASHAScheduler
from .base import CONTINUE, Action, Decision, Scheduler
from .hyperband import Bracket, HyperBandScheduler
from .median import MedianScheduler
from .nop import NopScheduler
from .pb2 import PB2Scheduler
from .pbt import PBTScheduler
from .pbt_replay import PBTReplayScheduler
from .successive_halving import SuccessiveHalvingScheduler

__all__ = [
    "CONTINUE",
    "ASHAScheduler",
    "Action",
    "Bracket",
    "Decision",
    "HyperBandScheduler",
    "MedianScheduler",
    "NopScheduler",
    "PB2Scheduler",
    "PBTReplayScheduler",
    "PBTScheduler",
    "Promotion",
    "Scheduler",
    "SuccessiveHalvingScheduler",
]
