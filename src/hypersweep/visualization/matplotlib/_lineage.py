"""matplotlib renderers of hypersweep's own plots: rungs, learning curves, lineage tree."""

from __future__ import annotations

import numpy as np

from .._plotly._base import gapped, step_median
from ..data import LearningCurvesData, LineageTreeData, RungsData
from ._base import LINE_LIMIT, Axes, new_axes


def render_rungs(data: RungsData) -> Axes:
    ax = new_axes("Rungs Plot", "Rung (step)", "Value at the rung")
    if not data.rungs:
        return ax
    pos = {r.milestone: k for k, r in enumerate(data.rungs)}
    for a, b in zip(data.rungs, data.rungs[1:], strict=False):
        _, ia, ib = np.intersect1d(a.roots, b.roots, return_indices=True)
        if ia.size:
            xs = np.tile([pos[a.milestone], pos[b.milestone], np.nan], ia.size)
            ys = np.column_stack([a.values[ia], b.values[ib], np.full(ia.size, np.nan)]).ravel()
            ax.plot(xs, ys, color="tab:blue", alpha=0.4, lw=0.8)
    for r in data.rungs:
        ax.scatter(np.full(r.roots.size, pos[r.milestone]), r.values, s=12, color="tab:blue")
    ax.set_xticks(
        range(len(data.rungs)),
        [
            f"{r.milestone}\n{len(r.roots)} in, {r.n_promoted} on, {r.n_paused} paused"
            for r in data.rungs
        ],
    )
    return ax


def render_learning_curves(data: LearningCurvesData) -> Axes:
    ax = new_axes("Learning Curves (one line per configuration)", "Step", "Reported value")
    many = data.roots.size > LINE_LIMIT
    for status, color in (("done", "tab:blue"), ("paused", "tab:orange"), ("active", "tab:green")):
        rows = np.flatnonzero(np.array([s == status for s in data.status], dtype=bool))
        if rows.size == 0:
            continue
        counts = data.offsets[rows + 1] - data.offsets[rows]
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        idx = np.concatenate([np.arange(data.offsets[r], data.offsets[r + 1]) for r in rows])
        x, y = gapped(offsets, data.steps[idx], data.values[idx])
        ax.plot(
            x, y, color=color, lw=1, alpha=0.25 if many else 0.8, label=f"{status} ({rows.size})"
        )
    if data.resumes:
        res = np.array([(s, v) for _, s, v in data.resumes], dtype=float)
        ax.scatter(res[:, 0], res[:, 1], marker=">", color="black", s=20, label="Resumed")
    if many:
        s, v = step_median(data.steps, data.values)
        ax.plot(s, v, color="black", lw=2.5, label="Median per step")
    if data.roots.size:
        ax.legend()
    return ax


def render_lineage_tree(data: LineageTreeData) -> Axes:
    ax = new_axes("PBT Lineage Tree", "Step", "Member")
    if not data.segments:
        return ax
    member = {s.number: s.member for s in data.segments}
    for s in data.segments:
        ax.plot([s.start, s.end], [s.member, s.member], color="grey", lw=3)
    sc = ax.scatter(
        [s.end for s in data.segments],
        [s.member for s in data.segments],
        c=[s.value for s in data.segments],
        cmap="viridis",
        s=25,
        zorder=3,
    )
    ax.figure.colorbar(sc, ax=ax, label="Value")
    for e in data.edges:
        if e.parent in member and e.child in member:
            ax.annotate(
                "",
                xy=(e.step, member[e.child]),
                xytext=(e.step, member[e.parent]),
                arrowprops={"arrowstyle": "->", "color": "tab:red", "lw": 0.8},
            )
    return ax
