"""``optuna.integration.lightgbm``: LightGBM's own API with :func:`train`,
:class:`LightGBMTuner` and :class:`LightGBMTunerCV` (stepwise tuning,
:mod:`hypersweep.integrations.lightgbm_tuner`) and :class:`LightGBMPruningCallback`, so
``import optuna.integration.lightgbm as lgb`` scripts run with ``hypersweep`` in its place.
Importing this module imports LightGBM.
"""

from __future__ import annotations

import sys

from .._internal.optional import import_optional
from ..integrations.lightgbm import LightGBMPruningCallback
from ..integrations.lightgbm_tuner import LightGBMTuner, LightGBMTunerCV, train

_lgb = import_optional("lightgbm", "lightgbm", "the LightGBM tuner")
for _name in _lgb.__all__:
    if _name not in ("train", "LGBMModel", "LGBMClassifier", "LGBMRegressor"):
        setattr(sys.modules[__name__], _name, getattr(_lgb, _name))
Dataset = _lgb.Dataset

__all__ = ["Dataset", "LightGBMPruningCallback", "LightGBMTuner", "LightGBMTunerCV", "train"]
