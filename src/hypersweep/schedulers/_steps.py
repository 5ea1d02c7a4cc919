"""Step rules the report-by-report schedulers share (warm-up and decision intervals)."""

from __future__ import annotations

from collections.abc import Iterable


def first_in_interval(
    step: int, reported: Iterable[int], n_warmup_steps: int, interval_steps: int
) -> bool:
    """Whether the report at ``step`` is the trial's first one at or after the latest decision
    step ``n_warmup_steps + k * interval_steps`` (so decisions happen once per interval even
    when steps are skipped).

    >>> first_in_interval(4, [0, 2, 4], 0, 2), first_in_interval(5, [0, 2, 4, 5], 0, 2)
    (True, False)
    >>> first_in_interval(7, [0, 3, 7], 0, 5)  # 7 is the first report at or after 5
    True
    """
    decision_step = (step - n_warmup_steps) // interval_steps * interval_steps + n_warmup_steps
    previous = max((s for s in reported if s != step), default=-1)
    return previous < decision_step
