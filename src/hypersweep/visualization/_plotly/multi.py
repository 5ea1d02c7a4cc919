"""plotly renderers: the Pareto front (2-D/3-D) and the hypervolume history."""

from __future__ import annotations

from typing import Any

from ..data import HypervolumeHistoryData, ParetoFrontData
from ._base import Figure, figure, go, hover_numbers, scatter, scatter_type


def render_pareto_front(data: ParetoFrontData) -> Figure:
    g = go()
    fig = g.Figure()
    groups = (
        ("Best Trial", data.best_points, data.best_numbers, "#d62728"),
        ("Trial", data.dominated_points, data.dominated_numbers, "#1f77b4"),
        ("Infeasible Trial", data.infeasible_points, data.infeasible_numbers, "#cccccc"),
    )
    for name, pts, nums, color in groups:
        if len(nums) == 0:
            continue
        common: dict[str, Any] = {
            "mode": "markers",
            "name": name,
            "text": hover_numbers(nums),
            "marker": {"color": color, "size": 5 if len(nums) > 1000 else 7},
        }
        if data.n_targets == 3:
            fig.add_trace(g.Scatter3d(x=pts[:, 0], y=pts[:, 1], z=pts[:, 2], **common))
        else:
            fig.add_trace(scatter(len(nums))(x=pts[:, 0], y=pts[:, 1], **common))
    if data.n_targets == 3:
        fig.update_layout(
            scene={
                "xaxis_title": data.target_names[0],
                "yaxis_title": data.target_names[1],
                "zaxis_title": data.target_names[2],
            }
        )
    else:
        fig.update_layout(
            xaxis={"title": {"text": data.target_names[0]}},
            yaxis={"title": {"text": data.target_names[1]}},
        )
    fig.update_layout(title="Pareto-front Plot")
    return fig


def render_hypervolume_history(data: HypervolumeHistoryData) -> Figure:
    trace = {
        "type": scatter_type(data.numbers.size),
        "x": data.numbers,
        "y": data.values,
        "mode": "lines+markers",
        "name": "Hypervolume",
    }
    return figure(
        [trace],
        {
            "title": {"text": "Hypervolume History Plot"},
            "xaxis": {"title": {"text": "Trial"}},
            "yaxis": {"title": {"text": "Hypervolume"}},
        },
    )
