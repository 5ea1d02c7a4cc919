"""Yang & Shami (Neurocomputing 415, 2020), Tables 4-9, rerun with hypersweep's methods.

Six models (RF, SVM and KNN; classifiers on scikit-learn's digits, the paper's "MNIST";
regressors on Boston housing), the spaces of the paper's Table 3, unshuffled 3-fold CV
(accuracy in percent / MSE), 50 evaluations for RF and SVM and 10 for KNN, several seeds.
Each cell is the mean and standard deviation over the seeds of the best value a run found,
and CT, the mean wall time of a whole run; the paper's published cell stands beside it.

>>> from hypersweep.bench.yang_shami import MODELS, METHODS
>>> sorted(MODELS)
['knn-clf', 'knn-reg', 'rf-clf', 'rf-reg', 'svm-clf', 'svm-reg']
>>> "bo-gp" in METHODS and "hyperband" in METHODS
True
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ._methods import METHODS, PEERS, Run
from ._models import MODELS, Model, cross_validate
from ._paper import PAPER, PAPER_ROWS, UNREACHABLE, best_cell

__all__ = ["METHODS", "MODELS", "Results", "markdown", "plot", "run_benchmark"]

QUICK_BUDGET = 3
QUICK_EVERY = 6  # --quick keeps every 6th row of the data


@cache
def _data(classifier: bool) -> tuple[Any, Any]:
    return next(m for m in MODELS.values() if m.classifier == classifier).data()


def _subsample(x: Any, y: Any, every: int) -> tuple[Any, Any]:
    return x[::every], y[::every]


def _one(model_key: str, method: str, seed: int, budget: int, quick: bool) -> Run:
    from .. import logging as hs_logging

    hs_logging.set_verbosity(hs_logging.WARNING)
    model = MODELS[model_key]
    x, y = _data(model.classifier)
    if quick:  # CI smoke test: a sixth of the rows, so the forests fit fast
        x, y = _subsample(x, y, QUICK_EVERY)
    return METHODS[method][0](model, x, y, seed, budget)


@dataclass
class Results:
    """Runs by model, method and seed; ``ceilings`` holds the exhaustive optimum of the
    one-parameter KNN spaces (under the same CV)."""

    seeds: list[int]
    budgets: dict[str, int]
    quick: bool
    runs: dict[str, dict[str, list[Run]]] = field(default_factory=dict)
    ceilings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Results:
        """The inverse of :meth:`to_json` (to redraw the tables and plot of saved runs)."""
        runs = {
            m: {
                k: [Run([(float(b), float(v)) for b, v in r["points"]], r["seconds"]) for r in v]
                for k, v in d.items()
            }
            for m, d in data["runs"].items()
        }
        return cls(data["seeds"], data["budgets"], data["quick"], runs, data["ceilings"])

    def to_json(self) -> dict[str, Any]:
        return {
            "seeds": self.seeds,
            "budgets": self.budgets,
            "quick": self.quick,
            "ceilings": self.ceilings,
            "runs": {
                m: {
                    k: [{"points": r.points, "seconds": r.seconds} for r in v] for k, v in d.items()
                }
                for m, d in self.runs.items()
            },
        }


def knn_ceiling(model: Model, quick: bool = False) -> float:
    """The best value over every ``n_neighbors`` in 1-20 (an exhaustive sweep)."""
    x, y = _data(model.classifier)
    if quick:
        x, y = _subsample(x, y, QUICK_EVERY)
    values = [cross_validate(model, x, y, {"n_neighbors": k}, 0) for k in range(1, 21)]
    return max(values) if model.maximize else min(values)


def run_benchmark(
    models: Sequence[str],
    methods: Sequence[str],
    seeds: Sequence[int],
    *,
    quick: bool = False,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Results:
    """Run every (model, method, seed); ``jobs > 1`` runs them in worker processes."""
    for name in models:
        if name not in MODELS:
            raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}.")
    for name in methods:
        if name not in METHODS:
            raise ValueError(f"unknown method {name!r}; choose from {', '.join(METHODS)}.")
    if not seeds:
        raise ValueError("seeds must not be empty.")
    budgets = {m: QUICK_BUDGET if quick else MODELS[m].budget for m in models}
    results = Results(list(seeds), budgets, quick)
    tasks = [(m, k, s) for m in models for k in methods for s in seeds]
    slots: dict[tuple[str, str, int], Run] = {}
    done = 0

    def finished(task: tuple[str, str, int], run: Run) -> None:
        nonlocal done
        slots[task] = run
        done += 1
        if progress is not None:
            model = MODELS[task[0]]
            progress(
                f"[{done}/{len(tasks)}] {task[0]} {task[1]} seed {task[2]}: "
                f"{run.best(model.maximize):.2f} in {run.seconds:.1f} s"
            )

    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            futures = {
                pool.submit(_one, m, k, s, budgets[m], quick): (m, k, s) for m, k, s in tasks
            }
            for future in as_completed(futures):
                finished(futures[future], future.result())
    else:
        for m, k, s in tasks:
            finished((m, k, s), _one(m, k, s, budgets[m], quick))
    for m in models:
        results.runs[m] = {k: [slots[(m, k, s)] for s in seeds] for k in methods}
        if m.startswith("knn"):
            results.ceilings[m] = knn_ceiling(MODELS[m], quick)
    return results


def _stats(values: Sequence[float]) -> tuple[float, float]:
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan, math.nan
    return statistics.fmean(finite), statistics.pstdev(finite) if len(finite) > 1 else 0.0


def _at_least(value: float, target: float, maximize: bool) -> bool:
    a, b = round(value, 2), round(target, 2)
    return a >= b if maximize else a <= b


def _fmt(value: float, digits: int = 2) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


def _paper_of(method: str) -> str | None:
    return METHODS[method][1]


def model_table(results: Results, key: str) -> list[str]:
    """The markdown table of one model: our rows beside the paper's."""
    model = MODELS[key]
    runs = results.runs[key]
    target_row, target = best_cell(key, model.maximize)
    better = "higher" if model.maximize else "lower"
    lines = [
        f"### {model.title}",
        "",
        f"{model.metric}, {better} is better; budget {results.budgets[key]} evaluations, "
        f"{len(next(iter(runs.values())))} seeds. Paper's best cell: {target_row} {target:.2f}.",
        "",
        "| method | mean | std | CT (s) | seeds >= paper's best | paper row | paper "
        "| paper CT (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for method, per_seed in runs.items():
        values = [r.best(model.maximize) for r in per_seed]
        mean, std = _stats(values)
        ct, _ = _stats([r.seconds for r in per_seed])
        hits = sum(_at_least(v, target, model.maximize) for v in values if not math.isnan(v))
        row = _paper_of(method)
        label = f"{method} (Optuna, peer)" if method in PEERS else method
        paper = PAPER[key].get(row, (math.nan, math.nan)) if row else (math.nan, math.nan)
        note = " (above the space's optimum)" if (key, row) in UNREACHABLE else ""
        lines.append(
            f"| {label} | {_fmt(mean)} | {_fmt(std)} | {_fmt(ct, 1)} | {hits}/{len(values)} "
            f"| {row or 'n/a'} | {_fmt(paper[0])}{note} | {_fmt(paper[1])} |"
        )
    shown = {_paper_of(m) for m in runs}
    for row in PAPER_ROWS:
        if row not in shown:
            value, ct = PAPER[key][row]
            lines.append(f"| (paper only) | | | | | {row} | {value:.2f} | {ct:.2f} |")
    if key in results.ceilings:
        lines += [
            "",
            f"Optimum of the space (all 20 values of n_neighbors): {results.ceilings[key]:.2f}.",
        ]
    return lines


def _summary_row(results: Results, key: str) -> str:
    model = MODELS[key]
    runs = results.runs[key]
    row, target = best_cell(key, model.maximize)
    means = {
        m: _stats([r.best(model.maximize) for r in per_seed])[0] for m, per_seed in runs.items()
    }
    ours = [m for m in runs if m not in (*PEERS, "default") and not math.isnan(means[m])]
    peers = [m for m in runs if m in PEERS and not math.isnan(means[m])]
    pick = max if model.maximize else min
    best = pick(ours, key=means.__getitem__) if ours else None
    peer = pick(peers, key=means.__getitem__) if peers else None
    met = best is not None and _at_least(means[best], target, model.maximize)
    ours_cell = peer_cell = ceiling = "n/a"
    if best is not None:
        tied = [m for m in ours if round(means[m], 2) == round(means[best], 2)]
        ours_cell = f"{', '.join(tied)} {means[best]:.2f}"
        if key in results.ceilings:
            top = results.ceilings[key]
            hits = [
                f"{m} {sum(_at_least(r.best(model.maximize), top, model.maximize) for r in rs)}"
                f"/{len(rs)}"
                for m, rs in ((m, runs[m]) for m in tied)
            ]
            ceiling = ", ".join(hits) + " seeds"
    if peer is not None:
        peer_cell = f"{peer} {means[peer]:.2f}"
    yes = "yes" if met else "no"
    return f"| {key} | {row} {target:.2f} | {ours_cell} | {yes} | {peer_cell} | {ceiling} |"


def summary_table(results: Results) -> list[str]:
    """Per model: the paper's best cell against hypersweep's best rows (mean over seeds)."""
    return [
        "| model | paper's best cell | best hypersweep method (mean) | goal met | best Optuna peer "
        "(mean) | best rows at the optimum in |",
        "|---|---|---|---|---|---|",
        *(_summary_row(results, key) for key in results.runs),
    ]


def markdown(results: Results) -> str:
    """The whole report: the summary, then one table per model."""
    kind = "quick (CI smoke test: 1/6 of the rows, tiny budgets)" if results.quick else "full"
    lines = [
        "# Yang & Shami (2020), Tables 4-9, rerun with hypersweep",
        "",
        f"Run: {kind}; seeds per model: "
        + ", ".join(f"{k} {len(next(iter(r.values())))}" for k, r in results.runs.items())
        + ".",
        "",
        *summary_table(results),
        "",
    ]
    for key in results.runs:
        lines += [*model_table(results, key), ""]
    return "\n".join(lines)


def plot(results: Results, path: Path) -> None:
    """Best-so-far (mean over seeds) against evaluations, one panel per model."""
    from .._internal.optional import import_optional

    matplotlib = import_optional("matplotlib", "repro", "hypersweep bench yang-shami's plot")
    matplotlib.use("Agg")
    plt = import_optional("matplotlib.pyplot", "repro", "hypersweep bench yang-shami's plot")
    keys = list(results.runs)
    cols = min(3, len(keys))
    rows = math.ceil(len(keys) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 4 * rows), squeeze=False)
    for ax, key in zip(axes.flat, keys, strict=False):
        model = MODELS[key]
        budget = results.budgets[key]
        colors = plt.get_cmap("tab20").colors
        tail: list[float] = []  # the means after the first fifth of the budget set the y range
        for i, (method, per_seed) in enumerate(results.runs[key].items()):
            curves = [r.curve(model.maximize, budget) for r in per_seed]
            mean = [_stats([c[i] for c in curves])[0] for i in range(budget)]
            if method == "default":
                ax.axhline(mean[0], color="grey", linewidth=1.0, label="default")
                continue
            style = "--" if method in PEERS else "-"
            ax.plot(range(1, budget + 1), mean, style, color=colors[i % 20], label=method)
            tail += [v for v in mean[budget // 5 :] if not math.isnan(v)]
        row, target = best_cell(key, model.maximize)
        ax.axhline(target, color="black", linewidth=0.8, linestyle=":", label=f"paper {row}")
        if tail:
            lo, hi = min([*tail, target]), max([*tail, target])
            pad = 0.1 * (hi - lo) or 0.1
            ax.set_ylim(lo - pad, hi + pad)
        ax.set_title(model.title, fontsize=9)
        ax.set_xlabel("evaluations (HyperBand/BOHB: full-evaluation equivalents)", fontsize=7)
        ax.set_ylabel(f"best {model.metric} so far")
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: Results, out: Path) -> list[Path]:
    """Write the table (markdown), the raw runs (JSON) and the plot (PNG) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "yang_shami.md", out / "yang_shami.json", out / "yang_shami.png"]
    paths[0].write_text(markdown(results) + "\n")
    paths[1].write_text(json.dumps(results.to_json(), indent=1))
    plot(results, paths[2])
    return paths
