"""Scheduling methods (pruners): how much budget each trial gets."""

from .base import CONTINUE, Action, Decision, Scheduler
from .median import MedianScheduler
from .nop import NopScheduler

__all__ = ["CONTINUE", "Action", "Decision", "MedianScheduler", "NopScheduler", "Scheduler"]
