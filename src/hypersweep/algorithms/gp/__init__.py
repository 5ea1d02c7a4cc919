"""Gaussian-process Bayesian optimisation on arrays: kernels, fit, acquisition, optimiser.

Pure numpy/scipy, no trials or studies: :class:`~hypersweep.samplers.gp.GPSampler` encodes
the history to arrays and a :class:`SpaceSpec`, and calls these functions.
"""

from .acquisition import Acquisition, AcquisitionKind, BatchLogEI, log_h, normal_samples
from .fit import FitResult, Prior, fit_kernel_params, neg_log_posterior
from .kernels import Matern52Kernel, matern52
from .linalg import cholesky, cholesky_append, cholesky_extend
from .model import (
    MIN_NOISE,
    FantasyPosterior,
    GPPosterior,
    KernelParams,
    extend_kernel_cholesky,
    kernel_cholesky,
    with_fantasies,
)
from .optimize_acqf import AcqfOptimizerConfig, optimize_acqf
from .spec import DimKind, SpaceSpec
from .subset import local_subset
from .transforms import robust_standardize

__all__ = [
    "MIN_NOISE",
    "AcqfOptimizerConfig",
    "Acquisition",
    "AcquisitionKind",
    "BatchLogEI",
    "DimKind",
    "FantasyPosterior",
    "FitResult",
    "GPPosterior",
    "KernelParams",
    "Matern52Kernel",
    "Prior",
    "SpaceSpec",
    "cholesky",
    "cholesky_append",
    "cholesky_extend",
    "extend_kernel_cholesky",
    "fit_kernel_params",
    "kernel_cholesky",
    "local_subset",
    "log_h",
    "matern52",
    "neg_log_posterior",
    "normal_samples",
    "optimize_acqf",
    "robust_standardize",
    "with_fantasies",
]
