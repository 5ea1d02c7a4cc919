"""plotly renderers: history, intermediate values, EDF, timeline, importances."""

from __future__ import annotations

import numpy as np

from ...trial import TrialState
from ..data import (
    EdfData,
    IntermediateValuesData,
    OptimizationHistoryData,
    ParamImportancesData,
    ProposersData,
    TimelineData,
)
from ._base import (
    LINE_LIMIT,
    Figure,
    figure,
    gapped,
    go,
    scatter,
    scatter_type,
    step_median,
)

_STATE_COLORS = {
    TrialState.COMPLETE: "#1f77b4",
    TrialState.PRUNED: "#ff7f0e",
    TrialState.FAIL: "#d62728",
    TrialState.RUNNING: "#2ca02c",
    TrialState.WAITING: "#7f7f7f",
}


def render_optimization_history(data: OptimizationHistoryData) -> Figure:
    g = go()
    fig = g.Figure()
    several = len(data.series) > 1
    if data.band is not None and several:
        b = data.band
        fig.add_trace(
            scatter(b.numbers.size)(
                x=b.numbers,
                y=b.mean,
                mode="markers",
                name=data.target_name,
                error_y={"type": "data", "array": b.std, "visible": True},
            )
        )
        fig.add_trace(g.Scatter(x=b.numbers, y=b.best_mean, mode="lines", name="Best Value"))
        fig.add_trace(
            g.Scatter(
                x=np.concatenate([b.numbers, b.numbers[::-1]]),
                y=np.concatenate([b.best_mean + b.best_std, (b.best_mean - b.best_std)[::-1]]),
                fill="toself",
                line={"width": 0},
                opacity=0.2,
                showlegend=False,
                hoverinfo="skip",
            )
        )
    else:
        for s in data.series:
            suffix = f" of {s.study_name}" if several else ""
            fig.add_trace(
                scatter(s.numbers.size)(
                    x=s.numbers,
                    y=s.values,
                    mode="markers",
                    name=data.target_name + suffix,
                    marker={"size": 5 if s.numbers.size > 1000 else 7},
                )
            )
            fig.add_trace(
                g.Scatter(x=s.numbers, y=s.best_values, mode="lines", name="Best Value" + suffix)
            )
    fig.update_layout(
        title="Optimization History Plot",
        xaxis={"title": {"text": "Trial"}},
        yaxis={"title": {"text": data.target_name}},
    )
    return fig


def render_intermediate_values(data: IntermediateValuesData) -> Figure:
    g = go()
    fig = g.Figure()
    n = data.numbers.size
    many = n > LINE_LIMIT
    for state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING):
        rows = np.flatnonzero(np.array([s is state for s in data.states], dtype=bool))
        if rows.size == 0:
            continue
        counts = data.offsets[rows + 1] - data.offsets[rows]
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        idx = (
            np.concatenate([np.arange(data.offsets[r], data.offsets[r + 1]) for r in rows])
            if rows.size
            else np.empty(0, dtype=np.int64)
        )
        x, y = gapped(offsets, data.steps[idx], data.values[idx])
        fig.add_trace(
            scatter(x.size)(
                x=x,
                y=y,
                mode="lines" if many else "lines+markers",
                name=f"{state.name.title()} ({rows.size})",
                line={"color": _STATE_COLORS[state], "width": 1},
                opacity=0.25 if many else 0.8,
                marker={"size": 4},
            )
        )
    if many:
        s, v = step_median(data.steps, data.values)
        fig.add_trace(
            g.Scatter(
                x=s, y=v, mode="lines", name="Median per step", line={"color": "black", "width": 3}
            )
        )
    fig.update_layout(
        title="Intermediate Values Plot",
        xaxis={"title": {"text": "Step"}},
        yaxis={"title": {"text": "Intermediate Value"}},
        showlegend=True,
    )
    return fig


def render_edf(data: EdfData) -> Figure:
    traces = [
        {"type": "scatter", "x": data.x, "y": line.y, "mode": "lines", "name": line.study_name}
        for line in data.lines
    ]
    return figure(
        traces,
        {
            "title": {"text": "Empirical Distribution Function Plot"},
            "xaxis": {"title": {"text": data.target_name}},
            "yaxis": {"title": {"text": "Cumulative Probability"}},
        },
    )


def render_timeline(data: TimelineData) -> Figure:
    g = go()
    fig = g.Figure()
    duration = data.durations_ms
    for state in TrialState:
        rows = np.flatnonzero(np.array([s is state for s in data.states], dtype=bool))
        if rows.size == 0:
            continue
        fig.add_trace(
            g.Bar(
                name=state.name,
                x=duration[rows],
                y=data.numbers[rows],
                base=data.starts[rows].astype(str),
                orientation="h",
                marker={"color": _STATE_COLORS[state]},
                hovertemplate="Trial %{y}<br>%{base} + %{x} ms<extra></extra>",
            )
        )
    fig.update_layout(
        title="Timeline Plot",
        xaxis={"title": {"text": "Datetime"}, "type": "date"},
        yaxis={"title": {"text": "Trial"}},
        barmode="overlay",
    )
    return fig


def render_param_importances(data: ParamImportancesData) -> Figure:
    g = go()
    fig = g.Figure()
    for bars in data.bars:
        fig.add_trace(
            g.Bar(
                x=list(bars.importances)[::-1],
                y=list(bars.params)[::-1],
                orientation="h",
                name=bars.name,
                text=[f"{v:.2f}" for v in bars.importances][::-1],
                textposition="outside",
            )
        )
    fig.update_layout(
        title=f"Hyperparameter Importances ({data.evaluator})",
        xaxis={"title": {"text": "Hyperparameter Importance"}},
        yaxis={"title": {"text": "Hyperparameter"}},
        showlegend=len(data.bars) > 1,
    )
    return fig


def render_proposers(data: ProposersData) -> Figure:
    """One marker trace per proposer (a handful), each of its completed trials' values;
    the legend counts every trial it proposed."""
    counts = data.counts().tolist()
    traces = []
    for k, name in enumerate(data.names):
        rows = np.flatnonzero((data.proposer == k) & data.complete)
        traces.append(
            {
                "type": scatter_type(rows.size),
                "x": data.numbers[rows],
                "y": data.values[rows],
                "mode": "markers",
                "name": f"{name} ({counts[k]})",
                "marker": {"size": 5 if rows.size > 1000 else 7},
            }
        )
    return figure(
        traces,
        {
            "title": {"text": "Proposers Plot"},
            "xaxis": {"title": {"text": "Trial"}},
            "yaxis": {"title": {"text": data.target_name}},
            "legend": {"title": {"text": "Proposed by (trials)"}},
        },
    )
