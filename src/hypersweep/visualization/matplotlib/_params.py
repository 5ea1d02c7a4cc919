"""matplotlib renderers: parallel coordinates, contour, slice and rank plots."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..data import ContourData, ParallelCoordinateData, ParamColumn, RankData, SliceData
from ._base import Axes, new_axes, param_axis, plt


def _scaled(col: ParamColumn) -> tuple[Any, float, float]:
    v = col.values
    lo, hi = col.low, col.high
    if col.is_log:
        v, lo, hi = np.log10(v), math.log10(lo), math.log10(hi)
    span = hi - lo or 1.0
    return (v - lo) / span, lo, hi


def render_parallel_coordinate(data: ParallelCoordinateData) -> Axes:
    ax = new_axes("Parallel Coordinate Plot")
    if data.values.size == 0:
        return ax
    v = data.values
    vlo, vhi = float(v.min()), float(v.max())
    cols = [(v - vlo) / ((vhi - vlo) or 1.0)] + [_scaled(c)[0] for c in data.columns]
    y = np.column_stack(cols)  # trials x axes, in [0, 1]
    n_axes = y.shape[1]
    x = np.arange(n_axes, dtype=float)
    collections = __import__("matplotlib.collections", fromlist=["LineCollection"])
    segments = np.stack([np.broadcast_to(x, y.shape), y], axis=-1)
    lc = collections.LineCollection(segments, cmap="Blues_r", linewidths=0.8, alpha=0.6)
    lc.set_array(v)
    ax.add_collection(lc)
    ax.figure.colorbar(lc, ax=ax, label=data.target_name)
    ax.set_xlim(-0.2, n_axes - 0.8)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xticks(x, [data.target_name] + [c.name for c in data.columns])
    ax.set_yticks([])
    for i in x:
        ax.axvline(i, color="black", lw=0.8)
    return ax


def _grid(n_panels: int, title: str) -> Any:
    fig, axes = plt().subplots(
        n_panels, n_panels, figsize=(3 * n_panels, 3 * n_panels), squeeze=False
    )
    fig.suptitle(title)
    return axes


def render_contour(data: ContourData) -> Any:
    names = list(data.params)
    if not data.pairs:
        return new_axes("Contour Plot")
    cmap = "Blues_r" if data.minimize else "Blues"
    single = len(names) == 2
    axes: Any = None if single else _grid(len(names), "Contour Plot")
    out: Any = new_axes("Contour Plot") if single else axes
    for pair in data.pairs:
        i, j = names.index(pair.x.name), names.index(pair.y.name)
        views = (
            [(pair.x, pair.y, False)]
            if single
            else [(pair.x, pair.y, False), (pair.y, pair.x, True)]
        )
        for x, y, flip in views:
            ax = out if single else axes[(i if flip else j), (j if flip else i)]
            gz = pair.grid_z.T if flip else pair.grid_z
            gx, gy = (pair.grid_y, pair.grid_x) if flip else (pair.grid_x, pair.grid_y)
            if gz.size:
                cs = ax.contourf(gx, gy, gz, levels=15, cmap=cmap)
                if single:
                    ax.figure.colorbar(cs, ax=ax, label=data.target_name)
            ax.scatter(x.values, y.values, s=6, color="black", edgecolors="white", linewidths=0.3)
            param_axis(ax, x, "x")
            param_axis(ax, y, "y")
    if not single:
        for k, name in enumerate(names):
            axes[k, k].text(
                0.5, 0.5, name, ha="center", va="center", transform=axes[k, k].transAxes
            )
            axes[k, k].set_xticks([])
            axes[k, k].set_yticks([])
    return out


def render_slice(data: SliceData) -> Any:
    n = len(data.params)
    if n == 0:
        return new_axes("Slice Plot")
    fig, axes = plt().subplots(1, n, figsize=(4 * n, 4), squeeze=False, sharey=True)
    fig.suptitle("Slice Plot")
    for k, p in enumerate(data.params):
        ax = axes[0, k]
        sc = ax.scatter(
            p.column.values,
            p.values,
            c=p.numbers,
            cmap="Blues",
            s=12,
            edgecolors="grey",
            linewidths=0.3,
        )
        param_axis(ax, p.column, "x")
        if k == 0:
            ax.set_ylabel(data.target_name)
    fig.colorbar(sc, ax=list(axes[0]), label="Trial")
    return axes[0, 0] if n == 1 else axes[0]


def render_rank(data: RankData) -> Any:
    if data.single is not None:
        p = data.single
        ax = new_axes("Rank Plot", ylabel=data.target_name)
        c = [data.ranks[int(t)] for t in p.numbers]
        sc = ax.scatter(p.column.values, p.values, c=c, cmap="RdYlBu_r", vmin=0, vmax=1, s=12)
        param_axis(ax, p.column, "x")
        ax.figure.colorbar(sc, ax=ax, label="Rank")
        return ax
    if not data.pairs:
        return new_axes("Rank Plot")
    names = list(data.params)
    single = len(names) == 2
    axes: Any = None if single else _grid(len(names) - 1, "Rank Plot")
    out: Any = new_axes("Rank Plot") if single else axes
    for pair in data.pairs:
        i, j = names.index(pair.x.name), names.index(pair.y.name)
        ax = out if single else axes[j - 1, i]
        c = [data.ranks[int(t)] for t in pair.numbers]
        sc = ax.scatter(pair.x.values, pair.y.values, c=c, cmap="RdYlBu_r", vmin=0, vmax=1, s=10)
        param_axis(ax, pair.x, "x")
        param_axis(ax, pair.y, "y")
    (out if single else axes[0, 0]).figure.colorbar(sc, ax=out, label="Rank")
    return out
