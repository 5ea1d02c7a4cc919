"""Gaussian-process Bayesian optimisation (GP-BO) as a sampler.

``sampler`` holds :class:`GPSampler`; ``data`` turns trials into arrays (the encoded space,
objective values, the stored fit records); ``space`` keeps the joint search space of the
completed trials up to date. The numerics live in :mod:`hypersweep.algorithms.gp`.
"""

from .sampler import GPSampler

__all__ = ["GPSampler"]
