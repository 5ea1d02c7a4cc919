"""Layer 1: pure numerics on ndarrays (no trials, no studies)."""

from .pareto import non_dominated_mask

__all__ = ["non_dominated_mask"]
