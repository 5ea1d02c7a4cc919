"""``BaseTrial``: what every trial handle is (Optuna's ``optuna.trial.BaseTrial``), for type
hints and ``isinstance`` checks in objectives written for either library.

>>> import hypersweep as hs
>>> isinstance(hs.FixedTrial({"x": 1.0}), hs.trial.BaseTrial)
True
>>> study = hs.create_study()
>>> isinstance(study.ask(), hs.trial.BaseTrial)
True
"""

from __future__ import annotations

from abc import ABC

from .fixed import FixedTrial
from .frozen import FrozenTrial


class BaseTrial(ABC):  # noqa: B024 (an interface name: the classes below register with it)
    """The common type of the live ``Trial``, ``FixedTrial`` and ``FrozenTrial``: each has
    ``suggest_*``, ``report``, ``should_prune``, ``set_user_attr``, ``params`` ... .

    >>> def objective(trial: BaseTrial) -> float:
    ...     return trial.suggest_float("x", -1, 1) ** 2
    >>> objective(FixedTrial({"x": 0.5}))
    0.25
    """


BaseTrial.register(FixedTrial)
BaseTrial.register(FrozenTrial)
