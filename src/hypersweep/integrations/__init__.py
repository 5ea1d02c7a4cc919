"""Integrations with the libraries models are trained with (scikit-learn, LightGBM, XGBoost,
Lightning, Keras) and with experiment trackers (MLflow, Weights & Biases).

Each name loads its module, and that module its library, on first use: ``import hypersweep``
never imports LightGBM, torch or MLflow, and a missing library raises ``ImportError`` naming
the extra to install (``pip install 'hypersweep[lightgbm]'``). The pruning callbacks take a
define-by-run ``trial``, or ``None`` inside a trainable run by :func:`hypersweep.tune` (they
then report through :func:`hypersweep.report`).

>>> import hypersweep as hs
>>> "LightGBMPruningCallback" in hs.integrations.__all__
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .keras import KerasPruningCallback
    from .lightgbm import LightGBMPruningCallback
    from .lightning import LightningPruningCallback, PyTorchLightningPruningCallback
    from .mlflow import MLflowCallback
    from .sklearn import HypersweepSearchCV, OptunaSearchCV
    from .wandb import WandbCallback, WeightsAndBiasesCallback
    from .xgboost import XGBoostPruningCallback

#: Public name -> the submodule that defines it.
_WHERE = {
    "LightGBMPruningCallback": "lightgbm",
    "XGBoostPruningCallback": "xgboost",
    "PyTorchLightningPruningCallback": "lightning",
    "LightningPruningCallback": "lightning",
    "KerasPruningCallback": "keras",
    "MLflowCallback": "mlflow",
    "WeightsAndBiasesCallback": "wandb",
    "WandbCallback": "wandb",
    "HypersweepSearchCV": "sklearn",
    "OptunaSearchCV": "sklearn",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


__all__ = [
    "HypersweepSearchCV",
    "KerasPruningCallback",
    "LightGBMPruningCallback",
    "LightningPruningCallback",
    "MLflowCallback",
    "OptunaSearchCV",
    "PyTorchLightningPruningCallback",
    "WandbCallback",
    "WeightsAndBiasesCallback",
    "XGBoostPruningCallback",
]
