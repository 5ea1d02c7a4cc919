"""Write-behind: the parameters and attributes of the trials this process runs, not yet in
the log. They reach it as part of one ``tw`` operation (at a flush, a report or the finish);
until then :meth:`WriteBehind.overlay` shows them to this process's own reads.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ...space import Distribution, check_compatible
from ...trial import FrozenTrial, TrialState
from ..memory import StudyRecord
from ._replay import Op, encode_param


class Pending:
    """The buffered writes of one trial."""

    __slots__ = ("params", "system", "user")

    def __init__(self) -> None:
        self.params: dict[str, tuple[float, Distribution, Any]] = {}  # internal, dist, external
        self.user: dict[str, Any] = {}
        self.system: dict[str, Any] = {}

    def __bool__(self) -> bool:
        return bool(self.params or self.user or self.system)

    def fields(self) -> Op:
        """The ``p``, ``u`` and ``y`` fields of a ``tw`` operation (only those not empty)."""
        out: Op = {}
        if self.params:
            out["p"] = [encode_param(name, v[0], v[1]) for name, v in self.params.items()]
        if self.user:
            out["u"] = dict(self.user)
        if self.system:
            out["y"] = dict(self.system)
        return out

    def clear(self) -> None:
        self.params.clear()
        self.user.clear()
        self.system.clear()

    def overlay(self, trial: FrozenTrial) -> FrozenTrial:
        """``trial`` (as the log has it) with these writes applied."""
        changes: dict[str, Any] = {}
        if self.params:
            params = dict(trial.params)
            dists = dict(trial.distributions)
            for name, (_, dist, external) in self.params.items():
                params[name] = external
                dists[name] = dist
            changes["params"] = params
            changes["distributions"] = dists
        if self.user:
            changes["user_attrs"] = {**trial.user_attrs, **self.user}
        if self.system:
            changes["system_attrs"] = {**trial.system_attrs, **self.system}
        return dataclasses.replace(trial, **changes)


class WriteBehind:
    """The buffers of the RUNNING trials one storage object started (it "owns" them).

    Trials owned elsewhere are written through; owned trials buffer until their next ``tw``.
    """

    def __init__(self) -> None:
        self.trials: dict[int, Pending] = {}
        self._dists: dict[int, dict[str, Distribution]] = {}  # buffered names, per study

    def own(self, frozen: FrozenTrial | None) -> FrozenTrial | None:
        """Start buffering for ``frozen`` if it is RUNNING (this object just started it)."""
        if frozen is not None and frozen.state is TrialState.RUNNING:
            self.trials[frozen.trial_id] = Pending()
        return frozen

    def fields(self, trial_id: int) -> Op:
        """The buffered fields of a trial's next ``tw`` operation."""
        pending = self.trials.get(trial_id)
        return pending.fields() if pending else {}

    def check_param(self, study: StudyRecord, name: str, dist: Distribution) -> None:
        """``ValueError`` if ``dist`` conflicts with what the log or a buffer has for ``name``."""
        known = study.param_distributions.get(name)
        if known is None:
            local = self._dists.setdefault(study.study_id, {})
            known = local.get(name)
            if known is None:
                local[name] = dist
                return
        if known is not dist and known != dist:
            check_compatible(name, known, dist)

    def overlay(self, trial: FrozenTrial) -> FrozenTrial:
        pending = self.trials.get(trial.trial_id)
        if pending and trial.state is TrialState.RUNNING:
            return pending.overlay(trial)
        return trial

    def overlay_all(self, trials: list[FrozenTrial]) -> list[FrozenTrial]:
        if any(self.trials.values()):
            return [self.overlay(t) for t in trials]
        return trials
