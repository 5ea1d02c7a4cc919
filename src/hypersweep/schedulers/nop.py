"""The scheduler that never stops a trial."""

from __future__ import annotations

from ..trial import FrozenTrial, History
from .base import CONTINUE, Decision, Scheduler


class NopScheduler(Scheduler):
    """Let every trial run to the end (the default).

    >>> import hypersweep as hs
    >>> hs.schedulers.NopScheduler().decide(None, None).action.name
    'CONTINUE'
    """

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        return CONTINUE
