"""Shared matplotlib helpers: the lazy import and axes set-up."""

from __future__ import annotations

from typing import Any

from ..._internal.optional import import_optional
from ..data import ParamColumn

Axes = Any
LINE_LIMIT = 500


def plt() -> Any:
    """``matplotlib.pyplot``, or an ImportError naming the ``plot`` extra."""
    return import_optional("matplotlib.pyplot", "plot", "Plotting with matplotlib")


def new_axes(title: str, xlabel: str = "", ylabel: str = "") -> Axes:
    _, ax = plt().subplots()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    return ax


def param_axis(ax: Axes, col: ParamColumn, which: str) -> None:
    """Label an axis for a parameter: log scale, or category ticks."""
    set_label = ax.set_xlabel if which == "x" else ax.set_ylabel
    set_label(col.name)
    if col.is_log:
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    elif col.is_categorical:
        ticks = list(range(len(col.categories)))
        if which == "x":
            ax.set_xticks(ticks, list(col.categories))
        else:
            ax.set_yticks(ticks, list(col.categories))
