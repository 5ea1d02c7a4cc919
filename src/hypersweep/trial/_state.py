"""``hypersweep.trial._state.TrialState``: the path Optuna's user-defined pruner tutorial
imports ``TrialState`` from (``from optuna.trial._state import TrialState``)."""

from .frozen import TrialState

__all__ = ["TrialState"]
