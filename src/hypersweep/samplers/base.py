"""The sampler protocol: which configuration to try next, as a function of data.

A sampler receives a :class:`~hypersweep.trial.History` (read-only trials of the study), the
trial being sampled (a :class:`~hypersweep.trial.FrozenTrial` whose ``params`` grow as the
objective suggests), and a per-trial ``numpy.random.Generator``. It returns values; it never
touches storage, the study or an executor.

Define-by-run works in two passes, in this order for each trial:

1. :meth:`Sampler.start_trial` may return system attributes to store on the trial (e.g. the
   grid point a grid sampler assigns).
2. :meth:`Sampler.infer_relative_search_space` names the parameters to sample jointly (often
   those seen in every completed trial); :meth:`Sampler.sample_relative` samples them at once.
3. Every other parameter the objective suggests goes to :meth:`Sampler.sample_independent`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._internal.rng import resolve_seed, stream
from .._internal.spec import RecordsArguments
from ..space import Distribution, SearchSpace
from ..trial import FrozenTrial, History

_LOCK = type(threading.Lock())
_RLOCK = type(threading.RLock())


class _LockSlot:
    """Stands in for a lock while a sampler is pickled (locks do not cross processes)."""

    def __init__(self, reentrant: bool) -> None:
        self.reentrant = reentrant


class Sampler(RecordsArguments):
    """Base class of every sampler; subclasses implement at least ``sample_independent``.

    ``seed`` fixes the trials: trial ``n`` draws from the stream ``(seed, n)``, so the same seed
    gives the same trials in a fresh process, and workers sharing a seed still differ.

    >>> import hypersweep as hs
    >>> class MidpointSampler(hs.samplers.Sampler):
    ...     def sample_independent(self, history, trial, name, distribution, rng):
    ...         return distribution.from_unit_scalar(0.5)
    >>> study = hs.create_study(sampler=MidpointSampler())
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 4), n_trials=1)
    >>> study.best_params
    {'x': 2.0}
    """

    def __init__(self, seed: int | None = None) -> None:
        self._seed = resolve_seed(seed)

    @property
    def seed(self) -> int:
        """The seed all of this sampler's random streams derive from."""
        return self._seed

    def trial_rng(self, trial_number: int) -> np.random.Generator:
        """The random stream of trial ``trial_number``."""
        return stream(self._seed, trial_number)

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> Mapping[str, Any]:
        """Trial-level decisions, returned as system attributes to store (default none)."""
        return {}

    #: Samplers whose state all workers of a study must share (CMA-ES's distribution, for
    #: one) name it here; the study then calls :meth:`start_trial_shared` instead of
    #: :meth:`start_trial`, with the state kept in the study's storage.
    shared_state_key: str | None = None

    def start_trial_shared(
        self,
        history: History,
        trial: FrozenTrial,
        rng: np.random.Generator,
        state: bytes | None,
    ) -> tuple[Mapping[str, Any], bytes | None]:
        """Like :meth:`start_trial`, for a sampler with shared state.

        Receives the latest stored state (``None`` before the first write) and returns the
        system attributes to store on the trial and the new state (``None``: unchanged). The
        study writes the state with compare-and-set and calls again with the fresher state
        when another worker wrote first, so this must be a pure function of its arguments.
        """
        return self.start_trial(history, trial, rng), None

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        """The parameters to sample jointly for ``trial`` (default none)."""
        return {}

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        """Values for (a subset of) ``search_space``, sampled jointly (default none)."""
        return {}

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        """A value for one parameter that relative sampling did not cover."""
        raise NotImplementedError(f"{type(self).__name__} must implement sample_independent.")

    def is_exhausted(self, history: History) -> bool:
        """``True`` when the sampler has nothing left to propose (the study then stops)."""
        return False

    def finish_trial(self, trial: FrozenTrial) -> Mapping[str, Any]:
        """System attributes to store on a trial as it ends (default none).

        Called once per COMPLETE or PRUNED trial, before the study records the end, with
        ``trial`` showing its final state and values (e.g. the constraint values of
        ``constraints_func``). An exception fails the trial, with the reason recorded.
        """
        return {}

    def check_directions(self, n_objectives: int) -> None:
        """Raise ``ValueError`` if this sampler cannot handle ``n_objectives`` objectives."""

    def __getstate__(self) -> dict[str, Any]:
        """Samplers travel to worker processes: locks are dropped here, made anew there."""
        state = dict(self.__dict__)
        for key, value in state.items():
            if isinstance(value, (_LOCK, _RLOCK)):
                state[key] = _LockSlot(isinstance(value, _RLOCK))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            if isinstance(value, _LockSlot):
                state[key] = threading.RLock() if value.reentrant else threading.Lock()
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(seed={self._seed})"
