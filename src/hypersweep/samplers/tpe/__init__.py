"""Tree-structured Parzen estimator (TPE): the default model-based searching method.

``sampler`` holds :class:`TPESampler`; ``cache`` the incremental store of finished trials'
coordinates; ``observations`` which trials feed the model (and the BOHB hook
:func:`observations_at_step`); ``space`` the estimator's view of each distribution.
"""

from .observations import observations_at_step
from .sampler import TPESampler

__all__ = ["TPESampler", "observations_at_step"]
