"""Storages for the conformance suite's own tests: broken twins of ``InMemoryStorage``.

Each twin overrides one public method of the shipped, correct in-memory storage and breaks
one rule of the storage protocol, named in its docstring.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Container, Sequence

from hypersweep.storage import InMemoryStorage
from hypersweep.trial import FrozenTrial, TrialState


class NotCompareAndSetStorage(InMemoryStorage):
    """Broken: ``finish_trial`` reports success even when the trial was already finished,
    so two workers would both believe they finished it."""

    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
    ) -> bool:
        super().finish_trial(trial_id, state, values, fail_reason)
        return True


class DropsNanReportsStorage(InMemoryStorage):
    """Broken: silently drops intermediate values that are NaN (as a backend whose column
    cannot hold NaN might)."""

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, values: tuple[float, ...]
    ) -> None:
        if any(math.isnan(v) for v in values):
            return
        super().set_trial_intermediate_value(trial_id, step, values)


class LosesTemplateUserAttrsStorage(InMemoryStorage):
    """Broken: a trial created from a template (``Study.add_trial``) loses its user attrs."""

    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        if template is not None:
            template = dataclasses.replace(template, user_attrs={})
        return super().create_new_trial(study_id, template)


class ListsWithoutUserAttrsStorage(InMemoryStorage):
    """Broken: ``get_all_trials`` (what ``Study.trials`` reads) leaves the user attrs out,
    as a backend loading them lazily might."""

    def get_all_trials(
        self, study_id: int, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        trials = super().get_all_trials(study_id, states)
        return [dataclasses.replace(t, user_attrs={}) for t in trials]
