"""plotly renderers: parallel coordinates, contour, slice and rank plots."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..._internal.optional import import_optional
from ..data import ContourData, ParallelCoordinateData, ParamColumn, RankData, SliceData
from ._base import Figure, empty_figure, figure, go, scatter, scatter_type


def _subplots() -> Any:
    return import_optional("plotly.subplots", "plot", "Plotting with plotly")


def _axis(col: ParamColumn) -> dict[str, Any]:
    """Axis settings for a parameter: log type, or category ticks."""
    if col.is_categorical:
        return {
            "title": {"text": col.name},
            "tickvals": list(range(len(col.categories))),
            "ticktext": list(col.categories),
        }
    return {"title": {"text": col.name}, "type": "log" if col.is_log else "linear"}


def _dimension(col: ParamColumn) -> dict[str, Any]:
    if col.is_categorical:
        return {
            "label": col.name,
            "values": col.values,
            "tickvals": list(range(len(col.categories))),
            "ticktext": list(col.categories),
        }
    if col.is_log:
        lv = np.log10(col.values)
        lo, hi = math.floor(math.log10(col.low)), math.ceil(math.log10(col.high))
        ticks = list(range(lo, hi + 1))
        return {
            "label": col.name,
            "values": lv,
            "tickvals": ticks,
            "ticktext": [f"1e{t}" for t in ticks],
            "range": [math.log10(col.low), math.log10(col.high)],
        }
    return {"label": col.name, "values": col.values, "range": [col.low, col.high]}


def render_parallel_coordinate(data: ParallelCoordinateData) -> Figure:
    g = go()
    if data.values.size == 0:
        return empty_figure("Parallel Coordinate Plot")
    dims = [{"label": data.target_name, "values": data.values}]
    dims += [_dimension(c) for c in data.columns]
    fig = g.Figure(
        g.Parcoords(
            dimensions=dims,
            line={
                "color": data.values,
                "colorscale": "Blues",
                "reversescale": True,
                "showscale": True,
                "colorbar": {"title": {"text": data.target_name}},
            },
        )
    )
    fig.update_layout(title="Parallel Coordinate Plot")
    return fig


def _points(col: ParamColumn) -> Any:
    return col.values


def render_contour(data: ContourData) -> Figure:
    g = go()
    if not data.pairs:
        return empty_figure("Contour Plot")
    names = list(data.params)
    n = len(names)
    single = n == 2
    sp = _subplots()
    fig = g.Figure() if single else sp.make_subplots(rows=n, cols=n, shared_xaxes=False)
    scale = "Blues" if data.minimize else "Blues_r"
    for k, pair in enumerate(data.pairs):
        i, j = names.index(pair.x.name), names.index(pair.y.name)
        for x, y, flip in ((pair.x, pair.y, False), (pair.y, pair.x, True)):
            if single and flip:
                continue
            row, col = (i + 1, j + 1) if flip else (j + 1, i + 1)
            gz = pair.grid_z.T if flip else pair.grid_z
            gx, gy = (pair.grid_y, pair.grid_x) if flip else (pair.grid_x, pair.grid_y)
            traces = []
            if gz.size:
                traces.append(
                    g.Contour(
                        x=gx,
                        y=gy,
                        z=gz,
                        colorscale=scale,
                        connectgaps=True,
                        contours_coloring="heatmap",
                        showscale=k == 0 and not flip,
                        colorbar={"title": {"text": data.target_name}},
                    )
                )
            traces.append(
                scatter(pair.values.size)(
                    x=_points(x),
                    y=_points(y),
                    mode="markers",
                    showlegend=False,
                    marker={"color": "black", "size": 4, "line": {"width": 0.5, "color": "white"}},
                    hovertext=[f"Trial {t}" for t in pair.numbers.tolist()],
                )
            )
            for tr in traces:
                if single:
                    fig.add_trace(tr)
                else:
                    fig.add_trace(tr, row=row, col=col)
            xa, ya = _axis(x), _axis(y)
            if single:
                fig.update_xaxes(**xa)
                fig.update_yaxes(**ya)
            else:
                fig.update_xaxes(**xa, row=row, col=col)
                fig.update_yaxes(**ya, row=row, col=col)
    fig.update_layout(title="Contour Plot", showlegend=False)
    if not single:
        fig.update_layout(width=max(600, 300 * n), height=max(600, 300 * n))
    return fig


def render_slice(data: SliceData) -> Figure:
    go()
    if not data.params:
        return empty_figure("Slice Plot")
    n = len(data.params)
    # make_subplots(rows=1, cols=n, shared_yaxes=True), written out: make_subplots and the
    # update_*axes calls cost ten times the rest of the figure.
    spacing = 0.2 / n if n > 1 else 0.0
    width = (1.0 - spacing * (n - 1)) / n
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {"title": {"text": "Slice Plot"}, "width": max(500, 300 * n)}
    for k, p in enumerate(data.params):
        suffix = "" if k == 0 else str(k + 1)
        col = p.column
        x: Any = col.values
        if col.is_categorical:
            x = np.asarray(col.categories, dtype=object)[col.values.astype(np.int64)]
        traces.append(
            {
                "type": scatter_type(p.values.size),
                "x": x,
                "y": p.values,
                "xaxis": "x" + suffix,
                "yaxis": "y" + suffix,
                "mode": "markers",
                "name": col.name,
                "showlegend": False,
                "marker": {
                    "color": p.numbers,
                    "colorscale": "Blues",
                    "showscale": k == 0,
                    "colorbar": {"title": {"text": "Trial"}},
                    "line": {"width": 0.5, "color": "Grey"},
                },
            }
        )
        start = k * (width + spacing)
        xaxis: dict[str, Any] = {
            "title": {"text": col.name},
            "anchor": "y" + suffix,
            "domain": [start, min(1.0, start + width)],
        }
        if col.is_log:
            xaxis["type"] = "log"
        elif col.is_categorical:
            xaxis["type"] = "category"
            xaxis["categoryarray"] = list(col.categories)
        yaxis: dict[str, Any] = {"anchor": "x" + suffix, "domain": [0.0, 1.0]}
        if k == 0:
            yaxis["title"] = {"text": data.target_name}
        else:
            yaxis.update(matches="y", showticklabels=False)
        layout["xaxis" + suffix] = xaxis
        layout["yaxis" + suffix] = yaxis
    return figure(traces, layout)


def render_rank(data: RankData) -> Figure:
    g = go()
    if data.single is not None:
        p = data.single
        colors = [data.ranks[int(t)] for t in p.numbers]
        x: Any = p.column.labels() if p.column.is_categorical else p.column.values
        fig = g.Figure(
            scatter(p.values.size)(
                x=x,
                y=p.values,
                mode="markers",
                marker={
                    "color": colors,
                    "colorscale": "RdYlBu_r",
                    "showscale": True,
                    "colorbar": {"title": {"text": "Rank"}},
                },
            )
        )
        fig.update_xaxes(**_axis(p.column))
        fig.update_yaxes(title={"text": data.target_name})
        fig.update_layout(title="Rank Plot")
        return fig
    if not data.pairs:
        return empty_figure("Rank Plot")
    names = list(data.params)
    n = len(names)
    sp = _subplots()
    single = n == 2
    fig = g.Figure() if single else sp.make_subplots(rows=n - 1, cols=n - 1)
    for k, pair in enumerate(data.pairs):
        i, j = names.index(pair.x.name), names.index(pair.y.name)
        pair_colors = [data.ranks[int(t)] for t in pair.numbers]
        tr = scatter(pair.values.size)(
            x=pair.x.values,
            y=pair.y.values,
            mode="markers",
            showlegend=False,
            marker={
                "color": pair_colors,
                "colorscale": "RdYlBu_r",
                "cmin": 0,
                "cmax": 1,
                "showscale": k == 0,
                "colorbar": {"title": {"text": "Rank"}},
            },
        )
        if single:
            fig.add_trace(tr)
            fig.update_xaxes(**_axis(pair.x))
            fig.update_yaxes(**_axis(pair.y))
        else:
            fig.add_trace(tr, row=j, col=i + 1)
            fig.update_xaxes(**_axis(pair.x), row=j, col=i + 1)
            fig.update_yaxes(**_axis(pair.y), row=j, col=i + 1)
    fig.update_layout(title="Rank Plot")
    if not single:
        fig.update_layout(width=max(600, 300 * (n - 1)), height=max(600, 300 * (n - 1)))
    return fig
