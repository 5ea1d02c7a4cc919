"""Searching methods: which configuration to try next."""

from .base import Sampler
from .grid import GridSampler
from .partial_fixed import PartialFixedSampler
from .qmc import QMCSampler
from .random import RandomSampler

__all__ = ["GridSampler", "PartialFixedSampler", "QMCSampler", "RandomSampler", "Sampler"]
