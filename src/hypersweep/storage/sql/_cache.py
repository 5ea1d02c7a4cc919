"""Per-study cache of finished trials, so reading a study costs only what changed."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from ...space import Distribution
from ...trial import FrozenTrial, StudyDirection


def _number(trial: FrozenTrial) -> int:
    return trial.number


class StudyCache:
    """Finished trials are immutable: once read, a study's finished trials are kept here and
    only trials numbered above ``max_number`` or still unfinished at the last read are queried."""

    __slots__ = (
        "directions",
        "finished",
        "finished_ids",
        "max_number",
        "param_dists",
        "unfinished_ids",
    )

    def __init__(self, directions: tuple[StudyDirection, ...]) -> None:
        self.directions = directions
        self.finished: list[FrozenTrial] = []  # sorted by number
        self.finished_ids: set[int] = set()
        self.max_number = -1
        self.unfinished_ids: set[int] = set()
        self.param_dists: dict[str, Distribution] = {}

    def add_finished(self, trials: Iterable[FrozenTrial]) -> None:
        for trial in sorted(trials, key=_number):
            if trial.trial_id in self.finished_ids:
                continue
            self.finished_ids.add(trial.trial_id)
            self.unfinished_ids.discard(trial.trial_id)
            if not self.finished or trial.number > self.finished[-1].number:
                self.finished.append(trial)
            else:
                bisect.insort(self.finished, trial, key=_number)

    def merged(self, unfinished: Sequence[FrozenTrial]) -> list[FrozenTrial]:
        """All trials by number: a C-speed copy of the cache plus the few unfinished ones."""
        result = list(self.finished)
        for trial in sorted(unfinished, key=_number):
            if not result or trial.number > result[-1].number:
                result.append(trial)
            else:
                bisect.insort(result, trial, key=_number)
        return result
