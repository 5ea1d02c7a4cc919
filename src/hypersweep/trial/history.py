"""History: the read-only view of a study's trials that samplers and schedulers decide from."""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence

from .frozen import FrozenTrial, StudyDirection, TrialState

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


class History:
    """The trials of one study and its directions, fetched once on first use.

    Samplers and schedulers receive a ``History``; they never see storage or the study.

    >>> from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState
    >>> done = FrozenTrial(number=0, state=TrialState.COMPLETE, values=(1.0,))
    >>> h = History([StudyDirection.MINIMIZE], [done])
    >>> [t.number for t in h.completed]
    [0]
    """

    __slots__ = ("_directions", "_fetch", "_trials", "study_name")

    def __init__(
        self,
        directions: Sequence[StudyDirection],
        trials: Sequence[FrozenTrial] | Callable[[], Sequence[FrozenTrial]],
        study_name: str | None = None,
    ) -> None:
        self._directions = tuple(directions)
        #: The study's name when the study gave it (schedulers that hash trials into groups
        #: per study use it); ``None`` for a history built by hand.
        self.study_name = study_name
        if callable(trials):
            self._fetch: Callable[[], Sequence[FrozenTrial]] | None = trials
            self._trials: tuple[FrozenTrial, ...] | None = None
        else:
            self._fetch = None
            self._trials = tuple(trials)

    @property
    def directions(self) -> tuple[StudyDirection, ...]:
        """One direction per objective."""
        return self._directions

    @property
    def n_objectives(self) -> int:
        """How many objectives the study has."""
        return len(self._directions)

    @property
    def trials(self) -> tuple[FrozenTrial, ...]:
        """All trials, in order of their numbers."""
        if self._trials is None:
            assert self._fetch is not None
            self._trials = tuple(self._fetch())
            self._fetch = None
        return self._trials

    def get(self, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        """The trials whose state is in ``states`` (all when ``None``)."""
        if states is None:
            return list(self.trials)
        return [t for t in self.trials if t.state in states]

    @property
    def completed(self) -> list[FrozenTrial]:
        """The COMPLETE trials."""
        return [t for t in self.trials if t.state is TrialState.COMPLETE]

    def best_completed(self) -> FrozenTrial | None:
        """The best COMPLETE trial of a single-objective history, ``Study.best_trial``'s
        rule: in a constrained study the best feasible one; ties to the earliest; ``None``
        when there is none."""
        from .constraints import feasible_only

        completed = feasible_only([t for t in self.completed if t.values])
        if not completed:
            return None
        sign = self.sign(0)
        return min(completed, key=lambda t: (sign * t.values[0], t.number))  # type: ignore[index]

    @property
    def running(self) -> list[FrozenTrial]:
        """The RUNNING trials (pending evaluations, for constant-liar style samplers)."""
        return [t for t in self.trials if t.state is TrialState.RUNNING]

    @property
    def finished(self) -> list[FrozenTrial]:
        """COMPLETE, PRUNED and FAIL trials."""
        return [t for t in self.trials if t.state in _FINISHED]

    def sign(self, objective: int = 0) -> float:
        """+1 for a minimised objective, -1 for a maximised one (multiply to minimise)."""
        return 1.0 if self._directions[objective] is StudyDirection.MINIMIZE else -1.0
