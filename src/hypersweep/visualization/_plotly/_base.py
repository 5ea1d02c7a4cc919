"""Shared plotly helpers: the lazy import and vectorised trace builders."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._internal.optional import import_optional
from ..data._common import FloatArray, IntArray

Figure = Any
#: Above this many points a scatter trace uses WebGL.
WEBGL_POINTS = 1_000
#: Above this many lines, lines are drawn faintly and the per-step median is added.
LINE_LIMIT = 500
#: Whether :func:`figure` lets plotly validate every property. Off: validation is most of
#: the cost of a small figure (1-2 ms of the 2 ms of an EDF plot); the tests turn it on and
#: draw every renderer, so a wrong property name or value still fails there.
VALIDATE = False


def go() -> Any:
    """``plotly.graph_objects``, or an ImportError naming the ``plot`` extra."""
    return import_optional("plotly.graph_objects", "plot", "Plotting with plotly")


def scatter(n_points: int) -> Any:
    """``go.Scattergl`` for many points, else ``go.Scatter``."""
    g = go()
    return g.Scattergl if n_points > WEBGL_POINTS else g.Scatter


def scatter_type(n_points: int) -> str:
    """The trace type of :func:`scatter` as a string, for :func:`figure`'s dicts."""
    return "scattergl" if n_points > WEBGL_POINTS else "scatter"


def figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> Figure:
    """A figure from trace dicts (each with its ``type``) and a layout dict, built in one call
    (no ``add_trace`` / ``update_layout`` round trips), validated only when :data:`VALIDATE`."""
    return go().Figure(data=data, layout=layout, _validate=VALIDATE)


def gapped(offsets: IntArray, x: Any, y: FloatArray) -> tuple[Any, FloatArray]:
    """Many lines as one trace: the points of each line followed by a NaN gap."""
    n = offsets.size - 1
    total = int(offsets[-1]) + n
    line = np.repeat(np.arange(n), np.diff(offsets))
    pos = np.arange(int(offsets[-1])) + line
    xs = np.full(total, np.nan)
    ys = np.full(total, np.nan)
    xs[pos] = np.asarray(x, dtype=float)
    ys[pos] = y
    return xs, ys


def step_median(steps: IntArray, values: FloatArray) -> tuple[IntArray, FloatArray]:
    """The median value at each step (over the lines that reported there)."""
    if steps.size == 0:
        return steps, values
    order = np.lexsort((values, steps))
    s, v = steps[order], values[order]
    uniq, start, count = np.unique(s, return_index=True, return_counts=True)
    lo = v[start + (count - 1) // 2]
    hi = v[start + count // 2]
    return uniq, (lo + hi) / 2.0


def empty_figure(title: str) -> Figure:
    return figure([], {"title": {"text": title}})


def hover_numbers(numbers: IntArray) -> list[str]:
    return [f"Trial {n}" for n in numbers.tolist()]
