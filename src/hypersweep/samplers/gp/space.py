"""The joint search space of completed trials, updated incrementally between trials."""

from __future__ import annotations

from collections.abc import Sequence

from ...space import Distribution, SearchSpace
from ...trial import FrozenTrial


class IntersectionCache:
    """``intersection_search_space`` of the completed trials, updated with new trials only.

    The intersection of a set does not depend on the order it is taken in, so the cached
    result equals a fresh computation; the cache restarts when the completed trials are not
    an extension of those it has seen (another study, or a trial that finished out of
    order).

    >>> from hypersweep.space import FloatDistribution
    >>> from hypersweep.trial import FrozenTrial, TrialState
    >>> d = FloatDistribution(0, 1)
    >>> t0 = FrozenTrial(0, TrialState.COMPLETE, (1.0,), {"x": 0.1, "y": 0.2}, {"x": d, "y": d})
    >>> t1 = FrozenTrial(1, TrialState.COMPLETE, (1.0,), {"x": 0.3}, {"x": d})
    >>> cache = IntersectionCache()
    >>> list(cache.get([t0])), list(cache.get([t0, t1]))
    (['x', 'y'], ['x'])
    """

    def __init__(self) -> None:
        self._keys: list[tuple[int, int]] = []
        self._space: dict[str, Distribution] | None = None

    def get(self, completed: Sequence[FrozenTrial]) -> SearchSpace:
        keys = [(t.number, t.trial_id) for t in completed]
        m = len(self._keys)
        if m > len(keys) or keys[:m] != self._keys:
            self._keys, self._space, m = [], None, 0
        space = self._space
        for t in completed[m:]:
            if space is None:
                space = dict(t.distributions)
                continue
            for name in list(space):
                if t.distributions.get(name) != space[name]:
                    del space[name]
        self._keys, self._space = keys, space
        final = space or {}
        return {name: final[name] for name in sorted(final)}
