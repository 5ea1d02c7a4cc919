"""The resource dimension of FLOW2: a sample size or a number of boosting rounds that the
local search grows by a factor once the cost spent around its incumbent justifies it.

A local search runs every proposal at its current resource ``r`` (starting at
``min_resource``). After proposals from the incumbent have cost at least
``reduction_factor`` times the incumbent's own cost without improving on it, the next
proposal is the incumbent itself at ``r * reduction_factor`` (:meth:`ResourceLadder.up`;
the step that would leave less than one factor below ``max_resource`` jumps to
``max_resource``), and the incumbent's cost is scaled by the same ratio. Below
``max_resource`` the step never shrinks (the search cannot converge): a search that stalls
buys more resource instead. This is the rule of FLAML's FLOW2 (``resource_attr``,
``min_resource``, ``max_resource``, ``resource_multiple_factor``).

>>> ladder = ResourceLadder(100, 10_000, 4)
>>> ladder.rungs()
(100.0, 400.0, 1600.0, 10000.0)
>>> ladder.should_grow(400.0, cost_spent=7.0, n_spent=3, cost_incumbent=2.0)
False
>>> ladder.should_grow(400.0, cost_spent=8.0, n_spent=4, cost_incumbent=2.0)
True
>>> ladder.should_grow(10_000.0, cost_spent=80.0, n_spent=4, cost_incumbent=2.0)
False
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceLadder:
    """The resources ``min_resource * reduction_factor**k`` up to ``max_resource``."""

    min_resource: float
    max_resource: float
    reduction_factor: float = 4.0

    def __post_init__(self) -> None:
        lo, hi, eta = self.min_resource, self.max_resource, self.reduction_factor
        for name, v in (("min_resource", lo), ("max_resource", hi), ("reduction_factor", eta)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise TypeError(f"{name} must be a finite number, got {v!r}.")
        if not 0 < lo < hi:
            raise ValueError(
                f"need 0 < min_resource < max_resource, got min_resource={lo}, max_resource={hi}."
            )
        if eta <= 1:
            raise ValueError(f"reduction_factor must be > 1, got {eta}.")

    def _round(self, resource: float) -> float:
        """``max_resource`` once one more factor would pass it (FLAML's rounding)."""
        if resource * self.reduction_factor > self.max_resource:
            return float(self.max_resource)
        return float(resource)

    def start(self) -> float:
        """The resource of a new local search (and of BlendSearch's global proposals)."""
        return self._round(self.min_resource)

    def up(self, resource: float) -> float:
        """The next rung above ``resource``."""
        return self._round(resource * self.reduction_factor)

    def rungs(self) -> tuple[float, ...]:
        """Every resource a search can run at, in order."""
        out = [self.start()]
        while out[-1] < self.max_resource:
            out.append(self.up(out[-1]))
        return tuple(out)

    def should_grow(
        self, resource: float, cost_spent: float, n_spent: int, cost_incumbent: float
    ) -> bool:
        """Whether the next proposal is the incumbent at :meth:`up` of ``resource``: below
        ``max_resource``, once ``n_spent >= 1`` finished proposals from the incumbent
        cost ``cost_spent >= reduction_factor * cost_incumbent`` in all."""
        return (
            resource < self.max_resource
            and n_spent > 0
            and cost_incumbent > 0
            and cost_spent >= cost_incumbent * self.reduction_factor
        )
