"""Time to build each plotly figure at 1,000 and 10,000 trials: hypersweep vs Optuna on the
same trials, in one run; also PED-ANOVA and fANOVA importances.

    .venv/bin/python benchmarks/viz.py            # 1,000 and 10,000 trials
    .venv/bin/python benchmarks/viz.py --n 2000   # one size

Each figure is built up to 3 times per library, the best time counts (fewer builds past
2 s; no call includes an import: both libraries are warmed up on a small study first).
Prints one table per size with the ratio hypersweep / Optuna (the goal: <= 1/3).
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import hypersweep as hs

STEPS = 5
#: Above this many trials the peer's fANOVA is not timed (34 s at 1,000 trials).
PEER_FANOVA_LIMIT = 2_000


def make_trials(n: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        x, y = float(rng.uniform(-5, 5)), float(rng.uniform(-5, 5))
        lr = float(10 ** rng.uniform(-4, -1))
        k = ["a", "b", "c"][int(rng.integers(3))]
        value = x**2 + y**2 + math.log10(lr) + (1.0 if k == "b" else 0.0)
        curve = {s: value + 5.0 / s for s in range(1, STEPS + 1)}
        rows.append(
            {
                "params": {"x": x, "y": y, "lr": lr, "k": k},
                "value": value,
                "values": (value, x + y),
                "curve": curve,
            }
        )
    return rows


def build_ours(rows: list[dict[str, Any]], mo: bool) -> hs.Study:
    dists = {
        "x": hs.FloatDistribution(-5, 5),
        "y": hs.FloatDistribution(-5, 5),
        "lr": hs.FloatDistribution(1e-4, 1e-1, log=True),
        "k": hs.CategoricalDistribution(["a", "b", "c"]),
    }
    study = hs.create_study(directions=["minimize", "minimize"] if mo else ["minimize"])
    study.add_trials(
        hs.create_trial(
            params=r["params"],
            distributions=dists,
            **({"values": r["values"]} if mo else {"value": r["value"]}),
            intermediate_values=None if mo else r["curve"],
        )
        for r in rows
    )
    return study


def build_peer(rows: list[dict[str, Any]], mo: bool) -> Any:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    d = optuna.distributions
    dists = {
        "x": d.FloatDistribution(-5, 5),
        "y": d.FloatDistribution(-5, 5),
        "lr": d.FloatDistribution(1e-4, 1e-1, log=True),
        "k": d.CategoricalDistribution(["a", "b", "c"]),
    }
    study = optuna.create_study(directions=["minimize", "minimize"] if mo else ["minimize"])
    study.add_trials(
        [
            optuna.trial.create_trial(
                params=r["params"],
                distributions=dists,
                **({"values": list(r["values"])} if mo else {"value": r["value"]}),
                intermediate_values=None if mo else r["curve"],
            )
            for r in rows
        ]
    )
    return study


PLOTS: list[tuple[str, bool, Callable[[Any, Any], Any]]] = [
    ("optimization_history", False, lambda v, s: v.plot_optimization_history(s)),
    ("intermediate_values", False, lambda v, s: v.plot_intermediate_values(s)),
    ("parallel_coordinate", False, lambda v, s: v.plot_parallel_coordinate(s)),
    ("contour (x, y)", False, lambda v, s: v.plot_contour(s, params=["x", "y"])),
    ("slice", False, lambda v, s: v.plot_slice(s)),
    ("param_importances", False, lambda v, s: v.plot_param_importances(s)),
    ("edf", False, lambda v, s: v.plot_edf(s)),
    ("rank (x, y)", False, lambda v, s: v.plot_rank(s, params=["x", "y"])),
    ("timeline", False, lambda v, s: v.plot_timeline(s)),
    ("pareto_front", True, lambda v, s: v.plot_pareto_front(s)),
    ("hypervolume_history", True, lambda v, s: v.plot_hypervolume_history(s, [40.0, 20.0])),
]


#: Each figure is built up to this many times (the best time counts), fewer when the builds
#: so far took over ``BUDGET_S``: on a shared machine one build of a few milliseconds can
#: take ten times longer (a collection, another process), for either library.
REPEATS = 3
BUDGET_S = 2.0


def timed(fn: Callable[[], Any]) -> float:
    best, spent = math.inf, 0.0
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        took = time.perf_counter() - t
        best, spent = min(best, took), spent + took
        if spent > BUDGET_S:
            break
    return best


def importance_rows(ours: hs.Study, peer: Any) -> list[tuple[str, float, float]]:
    import optuna

    out = [
        (
            "importance: PED-ANOVA",
            timed(lambda: hs.importance.get_param_importances(ours)),
            timed(lambda: optuna.importance.get_param_importances(peer)),
        )
    ]
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return out
    if len(ours.trials) > PEER_FANOVA_LIMIT:  # the peer's fANOVA takes minutes there
        out.append(
            (
                "importance: fANOVA",
                timed(
                    lambda: hs.importance.get_param_importances(
                        ours, evaluator=hs.importance.FanovaImportanceEvaluator(seed=0)
                    )
                ),
                math.nan,
            )
        )
        return out
    out.append(
        (
            "importance: fANOVA",
            timed(
                lambda: hs.importance.get_param_importances(
                    ours, evaluator=hs.importance.FanovaImportanceEvaluator(seed=0)
                )
            ),
            timed(
                lambda: optuna.importance.get_param_importances(
                    peer, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0)
                )
            ),
        )
    )
    return out


def run(n: int) -> None:
    import optuna.visualization as peer_vis

    rows = make_trials(n)
    studies = {mo: (build_ours(rows, mo), build_peer(rows, mo)) for mo in (False, True)}
    print(f"\n{n} trials: seconds to build the plotly figure")
    print(f"{'plot':<24}{'hypersweep':>12}{'Optuna':>12}{'ratio':>9}")
    results = []
    for name, mo, plot in PLOTS:
        ours, peer = studies[mo]
        a = timed(lambda plot=plot, ours=ours: plot(hs.visualization, ours))
        b = timed(lambda plot=plot, peer=peer: plot(peer_vis, peer))
        results.append((name, a, b))
    results += importance_rows(*studies[False])
    for name, a, b in results:
        print(f"{name:<24}{a:>12.3f}{b:>12.3f}{a / b:>9.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, action="append", help="trials (repeatable)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import optuna.visualization as peer_vis

    small = make_trials(20)
    for mo in (False, True):  # warm up: imports and first-call costs
        for _name, needs_mo, plot in PLOTS:
            if needs_mo == mo:
                plot(hs.visualization, build_ours(small, mo))
                plot(peer_vis, build_peer(small, mo))
    for n in args.n or [1_000, 10_000]:
        run(n)


if __name__ == "__main__":
    main()
