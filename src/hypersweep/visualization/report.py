"""A self-contained HTML report of one study: summary, best trials, the plots that apply
and parameter importances, with plotly.js inlined from the installed plotly (no network).

>>> import hypersweep as hs
>>> study = hs.create_study(study_name="demo", sampler=hs.samplers.RandomSampler(seed=0))
>>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
>>> html = build_report(study)  # doctest: +SKIP
>>> 'id="history"' in html      # doctest: +SKIP
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._internal.optional import import_optional
from ..importance import get_param_importances
from ..study import Study
from ..trial import FrozenTrial, StudyDirection, TrialState, keys
from . import _plotly as p
from .data.lineage import inferred_milestones, scheduler_milestones
from .data.proposers import trial_proposers

#: At most this many parameters (the most important) in the contour matrix.
CONTOUR_PARAMS = 4
#: Rows of the best-trials table.
BEST_ROWS = 10


@dataclass(frozen=True)
class Section:
    """One part of the report: an anchor id, a title and its HTML body."""

    id: str
    title: str
    body: str


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _figure(fig: Any) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config={"responsive": True}))


def _summary(study: Study, trials: list[FrozenTrial]) -> str:
    counts = {s.name: 0 for s in TrialState}
    for t in trials:
        counts[t.state.name] += 1
    rows = [
        ("Study", study.study_name),
        ("Directions", ", ".join(d.name.lower() for d in study.directions)),
        ("Sampler", type(study.sampler).__name__),
        ("Scheduler", type(study.scheduler).__name__),
        ("Trials", len(trials)),
    ] + [(f"  {k.lower()}", v) for k, v in counts.items() if v]
    return _table(["", ""], rows)


def _table(header: list[str], rows: list[tuple[Any, ...]]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _best(study: Study, done: list[FrozenTrial]) -> str:
    if not done:
        return "<p>No completed trial.</p>"
    if len(study.directions) == 1:
        sign = 1.0 if study.directions[0] is StudyDirection.MINIMIZE else -1.0
        best = sorted(done, key=lambda t: sign * (t.values or (math.inf,))[0])[:BEST_ROWS]
    else:
        best = study.best_trials[:BEST_ROWS]
    rows = [(t.number, ", ".join(f"{v:.6g}" for v in t.values or ()), dict(t.params)) for t in best]
    return _table(["Trial", "Value(s)", "Parameters"], rows)


def _reference_point(done: list[FrozenTrial], study: Study) -> list[float]:
    v = np.array([t.values for t in done], dtype=float)
    lo, hi = np.nanmin(v, axis=0), np.nanmax(v, axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return [
        float(hi[i] + 0.1 * span[i] if d is StudyDirection.MINIMIZE else lo[i] - 0.1 * span[i])
        for i, d in enumerate(study.directions)
    ]


def _sections(study: Study) -> list[tuple[str, str, Callable[[], str]]]:
    trials = study.get_trials(deepcopy=False)
    done = [t for t in trials if t.state is TrialState.COMPLETE]
    single = len(study.directions) == 1
    params = sorted({k for t in done for k in t.params})
    out: list[tuple[str, str, Callable[[], str]]] = [
        ("summary", "Summary", lambda: _summary(study, trials)),
        ("best", "Best trials", lambda: _best(study, done)),
    ]
    if done and single:
        out.append(
            ("history", "Optimization history", lambda: _figure(p.plot_optimization_history(study)))
        )
    if done and not single and len(study.directions) in (2, 3):
        out.append(("pareto", "Pareto front", lambda: _figure(p.plot_pareto_front(study))))
        out.append(
            (
                "hypervolume",
                "Hypervolume history",
                lambda: _figure(p.plot_hypervolume_history(study, _reference_point(done, study))),
            )
        )
    if len(done) >= 2 and params:

        def importances() -> str:
            imp = get_param_importances(study) if single else None
            fig = _figure(p.plot_param_importances(study))
            if imp is None:
                return fig
            return fig + _table(
                ["Parameter", "Importance"], [(k, f"{v:.3f}") for k, v in imp.items()]
            )

        out.append(("importances", "Parameter importances (PED-ANOVA)", importances))
    if done and params and single:
        out.append(("slice", "Slice", lambda: _figure(p.plot_slice(study))))
        out.append(
            ("parallel", "Parallel coordinates", lambda: _figure(p.plot_parallel_coordinate(study)))
        )
        if len(params) >= 2:

            def contour() -> str:
                top = params
                if len(params) > CONTOUR_PARAMS:
                    top = sorted(list(get_param_importances(study))[:CONTOUR_PARAMS])
                return _figure(p.plot_contour(study, params=top))

            out.append(("contour", "Contour", contour))
    if any(t.intermediate_values for t in trials):
        out.append(
            (
                "intermediate",
                "Intermediate values",
                lambda: _figure(p.plot_intermediate_values(study)),
            )
        )
    if (
        scheduler_milestones(study)
        or any(keys.PAUSED_AT in t.system_attrs for t in trials)
        or (len(inferred_milestones(study)) > 1 and len(inferred_milestones(study)) <= 12)
    ):
        out.append(("rungs", "Rungs", lambda: _figure(p.plot_rungs(study))))
    if any(keys.RESUME_FROM in t.system_attrs for t in trials):
        out.append(
            (
                "learning-curves",
                "Learning curves across pauses",
                lambda: _figure(p.plot_learning_curves(study)),
            )
        )
    if any(keys.LINEAGE_PARENT in t.system_attrs for t in trials):
        out.append(("lineage", "PBT lineage tree", lambda: _figure(p.plot_lineage_tree(study))))
    if done and len(set(trial_proposers(study, trials))) > 1:
        first = None if single else (lambda t: (t.values or (math.nan,))[0])
        out.append(
            (
                "proposers",
                "Proposed by",
                lambda: _figure(
                    p.plot_proposers(
                        study,
                        target=first,
                        target_name="Objective Value" if single else "Objective 0",
                    )
                ),
            )
        )
    if done and single:
        out.append(("edf", "Empirical distribution", lambda: _figure(p.plot_edf(study))))
    if any(t.datetime_start for t in trials):
        out.append(("timeline", "Timeline", lambda: _figure(p.plot_timeline(study))))
    return out


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222}
nav a{margin-right:1em} table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:0.9em}
section{margin-bottom:2.5em} .error{color:#b00}
"""


def report_sections(study: Study) -> list[Section]:
    """The report's sections; one whose plot fails says why instead of failing the report."""
    out = []
    for sid, title, build in _sections(study):
        try:
            body = build()
        except Exception as exc:  # a plot that cannot be drawn must not lose the report
            body = f'<p class="error">Not drawn: {_esc(exc)}</p>'
        out.append(Section(sid, title, body))
    return out


def build_report(study: Study) -> str:
    """The report of ``study`` as one HTML document (needs plotly, the ``plot`` extra)."""
    if not isinstance(study, Study):
        raise TypeError(f"Expected a hypersweep Study, got {type(study).__name__}.")
    offline = import_optional("plotly.offline", "plot", "The HTML report")
    sections = report_sections(study)
    nav = "".join(f'<a href="#{s.id}">{_esc(s.title)}</a>' for s in sections)
    body = "".join(
        f'<section id="{s.id}"><h2>{_esc(s.title)}</h2>{s.body}</section>' for s in sections
    )
    title = f"hypersweep report: {_esc(study.study_name)}"
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{_CSS}</style><script type='text/javascript'>{offline.get_plotlyjs()}</script>"
        f"</head><body><h1>{title}</h1><nav>{nav}</nav>{body}</body></html>"
    )


def write_report(study: Study, path: str | Path) -> Path:
    """Write :func:`build_report` to ``path``; returns the path."""
    out = Path(path)
    out.write_text(build_report(study), encoding="utf-8")
    return out
