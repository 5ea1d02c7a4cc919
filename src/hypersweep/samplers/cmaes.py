"""The import path ``hypersweep.samplers.cmaes`` of :class:`CmaEsSampler` (now in
:mod:`hypersweep.samplers.es`)."""

from .es.cmaes import CmaEsSampler

__all__ = ["CmaEsSampler"]
