"""Searching methods: which configuration to try next."""

from .base import Sampler
from .cmaes import CmaEsSampler
from .gaussian_es import GaussianESSampler
from .grid import GridSampler
from .partial_fixed import PartialFixedSampler
from .qmc import QMCSampler
from .random import RandomSampler
from .tpe import TPESampler

__all__ = [
    "CmaEsSampler",
    "GaussianESSampler",
    "GridSampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomSampler",
    "Sampler",
    "TPESampler",
]
