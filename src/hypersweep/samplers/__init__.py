"""Searching methods: which configuration to try next.

``GPSampler`` loads on first use (its scipy imports are slow), so ``import hypersweep``
stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .auto import AutoSampler
from .base import Sampler
from .brute_force import BruteForceSampler
from .cfo import BlendSearchSampler, CFOSampler
from .cmaes import CmaEsSampler
from .compat import BaseSampler
from .delegating import DelegatingSampler
from .gaussian_es import GaussianESSampler
from .grid import GridSampler
from .nsga2 import NSGAIISampler
from .partial_fixed import PartialFixedSampler
from .qmc import QMCSampler
from .random import RandomSampler
from .random_fraction import RandomFractionSampler
from .tpe import TPESampler

if TYPE_CHECKING:
    from .gp import GPSampler


def __getattr__(name: str) -> Any:
    if name == "GPSampler":
        from .gp import GPSampler

        return GPSampler
    raise AttributeError(f"module 'hypersweep.samplers' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Every public name, also those loaded on first use (which ``__getattr__`` serves)."""
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AutoSampler",
    "BaseSampler",
    "BlendSearchSampler",
    "BruteForceSampler",
    "CFOSampler",
    "CmaEsSampler",
    "DelegatingSampler",
    "GPSampler",
    "GaussianESSampler",
    "GridSampler",
    "NSGAIISampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomFractionSampler",
    "RandomSampler",
    "Sampler",
    "TPESampler",
]
