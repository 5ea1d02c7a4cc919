"""plotly renderers of hypersweep's own plots: rungs, learning curves, PBT lineage tree."""

from __future__ import annotations

import numpy as np

from ..data import LearningCurvesData, LineageTreeData, RungsData
from ._base import LINE_LIMIT, Figure, gapped, go, scatter, step_median


def render_rungs(data: RungsData) -> Figure:
    g = go()
    fig = g.Figure()
    if not data.rungs:
        fig.update_layout(title="Rungs Plot")
        return fig
    labels = [str(r.milestone) for r in data.rungs]
    fig.add_trace(
        g.Bar(
            x=labels,
            y=[len(r.roots) for r in data.rungs],
            name="Reached",
            yaxis="y2",
            opacity=0.25,
            marker={"color": "#7f7f7f"},
            text=[
                f"{len(r.roots)} reached, {r.n_promoted} went on, {r.n_paused} paused"
                for r in data.rungs
            ],
        )
    )
    # Promotions: a configuration's value at one rung joined to its value at the next.
    xs: list[float] = []
    ys: list[float] = []
    for a, b in zip(data.rungs, data.rungs[1:], strict=False):
        _common, ia, ib = np.intersect1d(a.roots, b.roots, return_indices=True)
        for va, vb in zip(a.values[ia], b.values[ib], strict=False):
            xs += [labels.index(str(a.milestone)), labels.index(str(b.milestone)), np.nan]
            ys += [float(va), float(vb), np.nan]
    if xs:
        fig.add_trace(
            scatter(len(xs))(
                x=[labels[int(v)] if v == v else None for v in xs],
                y=ys,
                mode="lines",
                name="Promotion",
                line={"color": "#1f77b4", "width": 1},
                opacity=0.5,
            )
        )
    for r in data.rungs:
        fig.add_trace(
            scatter(r.roots.size)(
                x=[str(r.milestone)] * r.roots.size,
                y=r.values,
                mode="markers",
                name=f"Rung {r.milestone}",
                showlegend=False,
                text=[f"Configuration {n}" for n in r.roots.tolist()],
                marker={"color": "#1f77b4", "size": 6},
            )
        )
    fig.update_layout(
        title="Rungs Plot (successive halving / HyperBand / ASHA)",
        xaxis={"title": {"text": "Rung (step)"}, "type": "category"},
        yaxis={"title": {"text": "Value at the rung"}},
        yaxis2={"title": {"text": "Configurations"}, "overlaying": "y", "side": "right"},
    )
    return fig


def render_learning_curves(data: LearningCurvesData) -> Figure:
    g = go()
    fig = g.Figure()
    n = data.roots.size
    many = n > LINE_LIMIT
    for status, color in (("done", "#1f77b4"), ("paused", "#ff7f0e"), ("active", "#2ca02c")):
        rows = np.flatnonzero(np.array([s == status for s in data.status], dtype=bool))
        if rows.size == 0:
            continue
        counts = data.offsets[rows + 1] - data.offsets[rows]
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        idx = np.concatenate([np.arange(data.offsets[r], data.offsets[r + 1]) for r in rows])
        x, y = gapped(offsets, data.steps[idx], data.values[idx])
        fig.add_trace(
            scatter(x.size)(
                x=x,
                y=y,
                mode="lines",
                name=f"{status} ({rows.size})",
                line={"color": color, "width": 1},
                opacity=0.25 if many else 0.8,
            )
        )
    if data.resumes:
        res = np.array([(s, v) for _, s, v in data.resumes], dtype=float)
        fig.add_trace(
            scatter(len(res))(
                x=res[:, 0],
                y=res[:, 1],
                mode="markers",
                name="Resumed",
                marker={"symbol": "triangle-right", "size": 7, "color": "black"},
                text=[f"Configuration {r}" for r, _, _ in data.resumes],
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
        title="Learning Curves (one line per configuration, across pauses)",
        xaxis={"title": {"text": "Step"}},
        yaxis={"title": {"text": "Reported value"}},
    )
    return fig


def render_lineage_tree(data: LineageTreeData) -> Figure:
    g = go()
    fig = g.Figure()
    segs = data.segments
    if segs:
        xs: list[float | None] = []
        ys: list[float | None] = []
        for s in segs:
            xs += [s.start, s.end, None]
            ys += [s.member, s.member, None]
        fig.add_trace(
            g.Scatter(
                x=xs, y=ys, mode="lines", name="Training", line={"color": "#7f7f7f", "width": 3}
            )
        )
        fig.add_trace(
            scatter(len(segs))(
                x=[s.end for s in segs],
                y=[s.member for s in segs],
                mode="markers",
                name="Record end",
                marker={
                    "color": [s.value for s in segs],
                    "colorscale": "Viridis",
                    "showscale": True,
                    "colorbar": {"title": {"text": "Value"}},
                    "size": 8,
                },
                text=[f"Trial {s.number}: {s.params}" for s in segs],
            )
        )
    member = {s.number: s.member for s in segs}
    ex: list[float | None] = []
    ey: list[float | None] = []
    texts = []
    for e in data.edges:
        if e.parent in member and e.child in member:
            ex += [e.step, e.step, None]
            ey += [member[e.parent], member[e.child], None]
            texts.append(
                f"Trial {e.child} cloned trial {e.parent} at step {e.step}: "
                + ", ".join(f"{k} {a!r} -> {b!r}" for k, (a, b) in e.changes.items())
            )
    if ex:
        fig.add_trace(
            g.Scatter(
                x=ex,
                y=ey,
                mode="lines",
                name="Clone (exploit)",
                line={"color": "#d62728", "width": 1, "dash": "dot"},
            )
        )
        fig.add_trace(
            g.Scatter(
                x=[e.step for e in data.edges if e.child in member],
                y=[member[e.child] for e in data.edges if e.child in member],
                mode="markers",
                name="Explore",
                text=texts,
                marker={"symbol": "star", "color": "#d62728", "size": 9},
            )
        )
    fig.update_layout(
        title="PBT Lineage Tree (rows: members; red: who cloned whom)",
        xaxis={"title": {"text": "Step"}},
        yaxis={"title": {"text": "Member"}},
    )
    return fig
