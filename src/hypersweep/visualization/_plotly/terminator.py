"""plotly rendering of the terminator improvement plot."""

from __future__ import annotations

from typing import Any

from ..data.terminator import TerminatorImprovementData
from ._base import Figure, figure


def render_terminator_improvement(data: TerminatorImprovementData) -> Figure:
    """The improvement left (faint before ``min_n_trials``) and, if computed, the error."""
    early = data.numbers < data.min_n_trials
    traces: list[dict[str, Any]] = []
    late = ~early
    for mask, opacity, legend in ((early, 0.4, not late.any()), (late, 1.0, True)):
        if mask.any():
            traces.append(
                {
                    "type": "scatter",
                    "x": data.numbers[mask],
                    "y": data.improvements[mask],
                    "mode": "lines+markers",
                    "name": "Terminator Improvement",
                    "showlegend": legend,
                    "opacity": opacity,
                    "marker": {"color": "#1f77b4"},
                }
            )
    if data.errors is not None:
        traces.append(
            {
                "type": "scatter",
                "x": data.numbers,
                "y": data.errors,
                "mode": "lines+markers",
                "name": "Error",
                "marker": {"color": "#d62728"},
            }
        )
    return figure(
        traces,
        {
            "title": {"text": "Terminator Improvement Plot"},
            "xaxis": {"title": {"text": "Trial"}},
            "yaxis": {"title": {"text": "Terminator Improvement"}},
        },
    )
