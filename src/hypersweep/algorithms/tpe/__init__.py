"""Tree-structured Parzen estimators on arrays (no trials, no studies).

* :class:`Dimension` — what one coordinate is (continuous, discrete cells, categorical);
* :class:`ParzenEstimator` — a weighted mixture of product kernels;
* :class:`TPEModel` — ``l(x)`` on good rows, ``g(x)`` on bad rows, suggestion by max
  ``l / g``; :meth:`TPEModel.fit` splits by losses (one or several objectives). This is the
  hook BOHB builds on: fit it on the observations of one budget.
"""

from .mo import hypervolume, split_multi_objective
from .parzen import Dimension, ParzenEstimator, neighbour_bandwidths
from .tpe import (
    GOOD_BANDWIDTH_FACTOR,
    TPEModel,
    default_gamma,
    default_gamma_multiobjective,
    default_weights,
    hyperopt_default_gamma,
    split_good,
)

__all__ = [
    "GOOD_BANDWIDTH_FACTOR",
    "Dimension",
    "ParzenEstimator",
    "TPEModel",
    "default_gamma",
    "default_gamma_multiobjective",
    "default_weights",
    "hyperopt_default_gamma",
    "hypervolume",
    "neighbour_bandwidths",
    "split_good",
    "split_multi_objective",
]
