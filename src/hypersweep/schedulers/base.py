"""The scheduler protocol: how much budget a trial gets, decided from reports, as data.

A scheduler looks at the :class:`~hypersweep.trial.History` and at one running trial (with
its ``intermediate_values``) and returns a :class:`Decision`. It never stops, starts or
resumes anything itself: the study acts on the decision (``Trial.should_prune()`` is true
for :attr:`Action.PRUNE`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from .._internal.rng import resolve_seed, stream
from .._internal.spec import RecordsArguments
from ..trial import FrozenTrial, History
from ..trial.lineage import Promotion

#: Scheduler streams are keyed apart from sampler streams: the same seed gives a sampler and a
#: scheduler independent draws.
_SCHEDULER_STREAM = 1


class Action(enum.Enum):
    """What a scheduler wants done with a trial."""

    CONTINUE = "continue"
    PRUNE = "prune"
    PAUSE = "pause"


@dataclass(frozen=True)
class Decision:
    """A scheduler's decision about one trial, with the reason in words."""

    action: Action
    reason: str = ""


CONTINUE = Decision(Action.CONTINUE)


class Scheduler(RecordsArguments):
    """Base class of every scheduler ("pruner" in define-by-run vocabulary).

    >>> import hypersweep as hs
    >>> class StopAtStepTwo(hs.schedulers.Scheduler):
    ...     def decide(self, history, trial):
    ...         if trial.last_step is not None and trial.last_step >= 2:
    ...             return hs.schedulers.Decision(hs.schedulers.Action.PRUNE, "step 2 reached")
    ...         return hs.schedulers.CONTINUE
    >>> StopAtStepTwo().decide(None, hs.FrozenTrial(0, hs.TrialState.RUNNING)).action.name
    'CONTINUE'
    """

    _seed: int | None = None

    @property
    def seed(self) -> int:
        """The seed of this scheduler's random streams (drawn once, from OS entropy, unless a
        subclass passes ``seed`` to :meth:`_set_seed`)."""
        if self._seed is None:
            self._seed = resolve_seed(None)
        return self._seed

    def _set_seed(self, seed: int | None) -> None:
        """Fix the seed (subclasses that draw random numbers take ``seed=`` and call this)."""
        self._seed = resolve_seed(seed)

    def trial_rng(self, trial_number: int, step: int = 0) -> np.random.Generator:
        """The random stream of this scheduler for ``trial_number`` at ``step``: a pure
        function of the seed, so decisions replay in a fresh process and differ across
        trials (like :meth:`hypersweep.samplers.Sampler.trial_rng`)."""
        return stream(self.seed, _SCHEDULER_STREAM, trial_number, step)

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        """The decision for ``trial`` after its latest report."""
        raise NotImplementedError(f"{type(self).__name__} must implement decide().")

    @property
    def pauses_trials(self) -> bool:
        """Whether this scheduler pauses trials at rungs and promotes them later; the study then
        asks :meth:`promotions` for paused trials to resume before starting new ones."""
        return False

    @property
    def fills_population_first(self) -> bool:
        """Whether free workers should start new configurations while the trial budget lasts
        before resuming paused ones (population based training: with fewer workers than
        members, the members then take turns instead of one running to the end first)."""
        return False

    @property
    def clone_sources(self) -> str | None:
        """Which finished records a promotion may still clone, for checkpoint retention:
        ``None`` (only paused records not yet continued), ``"recent"`` (also every member's
        records from the least advanced member's step on: population based training
        compares members at equal steps) or ``"rounds"`` (``"recent"`` and every member's
        record of the open synchronous round)."""
        return None

    def promotions(self, history: History) -> list[Promotion]:
        """Paused trials to resume now, most urgent first (default none).

        A :class:`~hypersweep.trial.Promotion` continues a paused trial from its own
        checkpoint, or (``clone_of``/``params``) clones another trial into its place.
        """
        return []

    def check_directions(self, n_objectives: int) -> None:
        """Raise ``ValueError`` if this scheduler cannot handle ``n_objectives`` objectives."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
