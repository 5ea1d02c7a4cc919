"""The auto sampler: which searching method when, chosen per trial and explained."""

from .rules import Budget, Choice, choose
from .sampler import AutoSampler

__all__ = ["AutoSampler", "Budget", "Choice", "choose"]
