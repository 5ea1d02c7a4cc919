"""matplotlib renderers: history, intermediate values, EDF, timeline, importances, Pareto
front and hypervolume history."""

from __future__ import annotations

import numpy as np

from ...trial import TrialState
from .._plotly._base import gapped, step_median
from ..data import (
    EdfData,
    HypervolumeHistoryData,
    IntermediateValuesData,
    OptimizationHistoryData,
    ParamImportancesData,
    ParetoFrontData,
    ProposersData,
    TerminatorImprovementData,
    TimelineData,
)
from ._base import LINE_LIMIT, Axes, new_axes, plt

_COLORS = {
    TrialState.COMPLETE: "tab:blue",
    TrialState.PRUNED: "tab:orange",
    TrialState.FAIL: "tab:red",
    TrialState.RUNNING: "tab:green",
    TrialState.WAITING: "tab:gray",
}


def render_optimization_history(data: OptimizationHistoryData) -> Axes:
    ax = new_axes("Optimization History Plot", "Trial", data.target_name)
    several = len(data.series) > 1
    if data.band is not None and several:
        b = data.band
        ax.errorbar(b.numbers, b.mean, yerr=b.std, fmt="o", ms=3, label=data.target_name)
        ax.plot(b.numbers, b.best_mean, color="tab:red", label="Best Value")
        ax.fill_between(
            b.numbers,
            b.best_mean - b.best_std,
            b.best_mean + b.best_std,
            color="tab:red",
            alpha=0.2,
        )
    else:
        for s in data.series:
            suffix = f" of {s.study_name}" if several else ""
            ax.scatter(
                s.numbers,
                s.values,
                s=8 if s.numbers.size > 1000 else 15,
                label=data.target_name + suffix,
            )
            ax.step(s.numbers, s.best_values, where="post", label="Best Value" + suffix)
    if any(s.numbers.size for s in data.series):
        ax.legend()
    return ax


def render_intermediate_values(data: IntermediateValuesData) -> Axes:
    ax = new_axes("Intermediate Values Plot", "Step", "Intermediate Value")
    many = data.numbers.size > LINE_LIMIT
    for state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING):
        rows = np.flatnonzero(np.array([s is state for s in data.states], dtype=bool))
        if rows.size == 0:
            continue
        counts = data.offsets[rows + 1] - data.offsets[rows]
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        idx = np.concatenate([np.arange(data.offsets[r], data.offsets[r + 1]) for r in rows])
        x, y = gapped(offsets, data.steps[idx], data.values[idx])
        ax.plot(
            x,
            y,
            color=_COLORS[state],
            lw=1,
            alpha=0.25 if many else 0.8,
            marker=None if many else ".",
            label=f"{state.name.title()} ({rows.size})",
        )
    if many:
        s, v = step_median(data.steps, data.values)
        ax.plot(s, v, color="black", lw=2.5, label="Median per step")
    if data.numbers.size:
        ax.legend()
    return ax


def render_edf(data: EdfData) -> Axes:
    ax = new_axes(
        "Empirical Distribution Function Plot", data.target_name, "Cumulative Probability"
    )
    for line in data.lines:
        ax.plot(data.x, line.y, label=line.study_name)
    if data.lines:
        ax.legend()
    ax.set_ylim(0, 1.02)
    return ax


def render_timeline(data: TimelineData) -> Axes:
    ax = new_axes("Timeline Plot", "Datetime", "Trial")
    mdates = __import__("matplotlib.dates", fromlist=["date2num"])
    if data.numbers.size:
        start = mdates.date2num(data.starts.astype("datetime64[us]").astype(object))
        end = mdates.date2num(data.ends.astype("datetime64[us]").astype(object))
        colors = [_COLORS[s] for s in data.states]
        ax.barh(data.numbers, end - start, left=start, color=colors, height=0.8)
        ax.xaxis_date()
        handles = [
            plt().Rectangle((0, 0), 1, 1, color=_COLORS[s]) for s in TrialState if s in data.states
        ]
        ax.legend(handles, [s.name for s in TrialState if s in data.states])
    return ax


def render_param_importances(data: ParamImportancesData) -> Axes:
    ax = new_axes(
        f"Hyperparameter Importances ({data.evaluator})",
        "Hyperparameter Importance",
        "Hyperparameter",
    )
    height = 0.8 / max(len(data.bars), 1)
    for k, bars in enumerate(data.bars):
        pos = np.arange(len(bars.params))[::-1] + k * height
        ax.barh(pos, bars.importances, height=height, label=bars.name)
        for p, v in zip(pos, bars.importances, strict=False):
            ax.text(v, p, f" {v:.2f}", va="center")
        if k == 0:
            ax.set_yticks(pos, list(bars.params))
    if len(data.bars) > 1:
        ax.legend()
    return ax


def render_pareto_front(data: ParetoFrontData) -> Axes:
    fig = plt().figure()
    three = data.n_targets == 3
    ax = fig.add_subplot(projection="3d") if three else fig.add_subplot()
    ax.set_title("Pareto-front Plot")
    for name, pts, color in (
        ("Trial", data.dominated_points, "tab:blue"),
        ("Best Trial", data.best_points, "tab:red"),
        ("Infeasible Trial", data.infeasible_points, "#cccccc"),
    ):
        if len(pts) == 0:
            continue
        cols = [pts[:, i] for i in range(data.n_targets)]
        ax.scatter(*cols, color=color, label=name, s=10)
    ax.set_xlabel(data.target_names[0])
    ax.set_ylabel(data.target_names[1])
    if three:
        ax.set_zlabel(data.target_names[2])
    if data.best_numbers.size:
        ax.legend()
    return ax


def render_hypervolume_history(data: HypervolumeHistoryData) -> Axes:
    ax = new_axes("Hypervolume History Plot", "Trial", "Hypervolume")
    ax.plot(data.numbers, data.values, marker="." if data.numbers.size < 1000 else None)
    return ax


def render_terminator_improvement(data: TerminatorImprovementData) -> Axes:
    ax = new_axes("Terminator Improvement Plot", "Trial", "Terminator Improvement")
    early = data.numbers < data.min_n_trials
    ax.plot(data.numbers[early], data.improvements[early], marker=".", color="C0", alpha=0.4)
    ax.plot(
        data.numbers[~early], data.improvements[~early], marker=".", color="C0", label="Improvement"
    )
    if data.errors is not None:
        ax.plot(data.numbers, data.errors, marker=".", color="C3", label="Error")
    ax.legend()
    return ax


def render_proposers(data: ProposersData) -> Axes:
    ax = new_axes("Proposers Plot", "Trial", data.target_name)
    counts = data.counts().tolist()
    for k, name in enumerate(data.names):
        rows = np.flatnonzero((data.proposer == k) & data.complete)
        ax.scatter(
            data.numbers[rows],
            data.values[rows],
            s=8 if rows.size > 1000 else 15,
            label=f"{name} ({counts[k]})",
        )
    if data.names:
        ax.legend(title="Proposed by (trials)")
    return ax
