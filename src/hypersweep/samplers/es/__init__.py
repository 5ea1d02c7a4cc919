"""Evolution strategies: CMA-ES and the isotropic Gaussian ES, one optimizer per study.

``cmaes`` and ``gaussian`` hold the two samplers; ``population`` the generations shared by
every worker of a study (their common base); ``state`` the stored blob of that shared
state; ``space`` the unit box of the numeric parameters and the margin grid; ``options``
option checks and small helpers.
"""

from .cmaes import CmaEsSampler
from .gaussian import GaussianESSampler
from .population import PopulationSampler

__all__ = ["CmaEsSampler", "GaussianESSampler", "PopulationSampler"]
