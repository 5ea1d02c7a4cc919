"""The integrations under the names of ``optuna.integration``, so that a script written for
it runs after changing the import (``import hypersweep as optuna``). Each name is the same
object as in :mod:`hypersweep.integrations`, loaded on first use; the pruning callbacks
raise hypersweep's :class:`~hypersweep.TrialPruned`.

>>> import hypersweep as hs
>>> hs.integration.LightGBMPruningCallback is hs.integrations.LightGBMPruningCallback
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..integrations import (
        HypersweepSearchCV,
        KerasPruningCallback,
        LightGBMPruningCallback,
        LightningPruningCallback,
        MLflowCallback,
        OptunaSearchCV,
        PyTorchLightningPruningCallback,
        WandbCallback,
        WeightsAndBiasesCallback,
        XGBoostPruningCallback,
    )

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


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .. import integrations

    return getattr(integrations, name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
