"""The import path ``hypersweep.samplers.gaussian_es`` of :class:`GaussianESSampler` (now in
:mod:`hypersweep.samplers.es`)."""

from .es.gaussian import GaussianESSampler

__all__ = ["GaussianESSampler"]
