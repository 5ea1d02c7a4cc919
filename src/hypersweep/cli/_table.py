"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..trial import FrozenTrial


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


def trials_table(trials: Sequence[FrozenTrial]) -> str:
    """A table of trials: number, state, value(s) and every parameter."""
    names: list[str] = []
    for t in trials:
        names += [n for n in t.params if n not in names]
    headers = ["number", "state", "value", *names]
    rows = []
    for t in trials:
        value = "" if t.values is None else ", ".join(format_value(v) for v in t.values)
        rows.append([t.number, t.state.name, value, *[t.params.get(n, "") for n in names]])
    return render(headers, rows)
