"""Plain-text tables for the terminal."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from ..trial import FrozenTrial

#: The widest a reason is shown in a table (longer ones are cut, ending with "…").
REASON_WIDTH = 60


def format_value(value: Any) -> str:
    """A short text form of a parameter or objective value."""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def render(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Align ``rows`` under ``headers``.

    >>> print(render(["a", "bb"], [[1, "x"]]))
    a  bb
    -  --
    1  x
    """
    cells = [[format_value(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def format_duration(duration: _dt.timedelta | None) -> str:
    """A short text form of a trial's duration (empty while it is unknown).

    >>> format_duration(_dt.timedelta(seconds=0.0123))
    '12ms'
    >>> format_duration(_dt.timedelta(seconds=1.234))
    '1.23s'
    >>> format_duration(_dt.timedelta(seconds=75))
    '1m15s'
    >>> format_duration(_dt.timedelta(hours=2, seconds=5)), format_duration(None)
    ('2h00m05s', '')
    """
    if duration is None:
        return ""
    seconds = duration.total_seconds()
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.2f}s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def format_reason(reason: str | None, limit: int = REASON_WIDTH) -> str:
    """A trial's fail or prune reason on one line, cut to ``limit`` characters.

    >>> format_reason("ValueError: bad\\n  more"), format_reason("x" * 9, limit=5)
    ('ValueError: bad more', 'xxxx…')
    """
    text = " ".join((reason or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def trials_table(trials: Sequence[FrozenTrial]) -> str:
    """A table of trials: number, state, value(s), duration, every parameter and the reason
    a trial failed or was pruned (``FrozenTrial.fail_reason`` holds both)."""
    names: list[str] = []
    for t in trials:
        names += [n for n in t.params if n not in names]
    headers = ["number", "state", "value", "duration", *names, "reason"]
    rows = []
    for t in trials:
        value = "" if t.values is None else ", ".join(format_value(v) for v in t.values)
        rows.append(
            [
                t.number,
                t.state.name,
                value,
                format_duration(t.duration),
                *[t.params.get(n, "") for n in names],
                format_reason(t.fail_reason),
            ]
        )
    return render(headers, rows)
