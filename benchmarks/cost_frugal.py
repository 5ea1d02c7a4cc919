"""Cost-frugal search: hypersweep's CFO / BlendSearch vs FLAML's, TPE and random, one run.

Three sections (``--sections``; all by default):

* ``shrink``: FLOW2 alone (``hypersweep.algorithms.flow2``, with CFO's restarts) under the
  two step-shrink rules, ``paper`` and ``flaml``, on smooth and rugged test functions in the
  unit box: median best value after ``--evals`` evaluations over ``--seeds`` seeds.
* ``quality``: time to quality on real cost-varying objectives. scikit-learn's
  HistGradientBoostingClassifier on two data sets (``breast_cancer``, bundled, and a
  synthetic ``make_classification``, 3,000 x 20), five hyperparameters (``max_iter`` and
  ``max_leaf_nodes``, the cost-related ones, starting at 4; ``learning_rate``,
  ``min_samples_leaf``, ``l2_regularization``), loss = hold-out log loss. The cost of a
  trial is the CPU seconds of its fit and prediction (one thread), reported to every
  method as the cost attribute. Each method gets ``--trials`` trials per seed. Reported
  per method, median over seeds: the final loss, the total CPU seconds, and the CPU
  seconds spent until the best loss reached FLAML's CFO final loss of the same seed
  (``inf`` when never).
* ``overhead``: sampler overhead per trial at ``--overhead-trials`` trials, 10-D sphere:
  hypersweep's samplers in a study (and the study's own cost, measured with random
  search), FLAML's searchers called directly (``suggest`` / ``on_trial_complete``).

FLAML comes from ``pip install flaml`` (the ``bench`` extra); when it is missing, its rows
say so. Run: ``python benchmarks/cost_frugal.py --seeds 10`` (a few minutes on two cores with
``--seeds 3``).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import logging
import math
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import hypersweep as hs
from hypersweep.algorithms.flow2 import Flow2

warnings.filterwarnings("ignore")


# -- shrink rules ------------------------------------------------------------------------------
def _sphere(x: np.ndarray) -> float:
    return float(np.sum((x - 0.3) ** 2))


def _rosenbrock(x: np.ndarray) -> float:
    z = 4 * x - 2
    return float(np.sum(100 * (z[1:] - z[:-1] ** 2) ** 2 + (1 - z[:-1]) ** 2))


def _rastrigin(x: np.ndarray) -> float:
    z = 10.24 * x - 5.12 - 0.7
    return float(10 * len(z) + np.sum(z**2 - 10 * np.cos(2 * np.pi * z)))


def _ackley(x: np.ndarray) -> float:
    z = 10 * x - 5 - 0.7
    d = len(z)
    a = -20 * np.exp(-0.2 * np.sqrt(np.sum(z**2) / d))
    return float(a - np.exp(np.sum(np.cos(2 * np.pi * z)) / d) + 20 + np.e)


def _plateau(x: np.ndarray) -> float:
    return float(np.sum((np.floor(x * 20) / 20 - 0.35) ** 2))


FUNCTIONS: dict[str, tuple[Callable[[np.ndarray], float], int]] = {
    "sphere-4d": (_sphere, 4),
    "rosenbrock-4d": (_rosenbrock, 4),
    "rastrigin-4d": (_rastrigin, 4),
    "ackley-6d": (_ackley, 6),
    "plateau-3d": (_plateau, 3),
}


def run_flow2(f: Callable[[np.ndarray], float], d: int, rule: str, evals: int, seed: int) -> float:
    """Best value of FLOW2 with restarts from random points after ``evals`` evaluations."""
    rng = np.random.default_rng(seed)
    x0 = rng.random(d)
    best = f0 = f(x0)
    search = Flow2(x0, f0, shrink=rule)
    n = 1
    while n < evals:
        p = search.ask(rng)
        if p is None:
            x0 = rng.random(d)
            f0 = f(x0)
            n += 1
            best = min(best, f0)
            search = Flow2(x0, f0, shrink=rule)
            continue
        v = f(p.x)
        n += 1
        best = min(best, v)
        search.tell(p.id, v)
    return best


def section_shrink(seeds: int, evals: int) -> None:
    print(f"\n## shrink rule: median best after {evals} evaluations, {seeds} seeds\n")
    print("| function | paper | flaml | paper better in |")
    print("|---|---|---|---|")
    for name, (f, d) in FUNCTIONS.items():
        res = {
            rule: [run_flow2(f, d, rule, evals, s) for s in range(seeds)]
            for rule in ("paper", "flaml")
        }
        wins = sum(a < b for a, b in zip(res["paper"], res["flaml"], strict=True))
        med = {r: statistics.median(v) for r, v in res.items()}
        print(f"| {name} | {med['paper']:.3g} | {med['flaml']:.3g} | {wins}/{seeds} seeds |")


# -- time to quality ---------------------------------------------------------------------------
def _datasets() -> dict[str, tuple[Any, ...]]:
    from sklearn.datasets import load_breast_cancer, make_classification
    from sklearn.model_selection import train_test_split

    data = {
        "breast_cancer": load_breast_cancer(return_X_y=True),
        "synthetic": make_classification(3000, 20, n_informative=10, random_state=0),
    }
    return {
        name: tuple(train_test_split(X, y, test_size=0.3, random_state=0))
        for name, (X, y) in data.items()
    }


LOW_COST = {"max_iter": 4, "max_leaf_nodes": 4}
#: ``--start full``: every method's local search starts from the same point (no luck of the
#: random draw of the three parameters the low-cost config leaves open).
FULL_START = {
    **LOW_COST,
    "learning_rate": 0.1,
    "min_samples_leaf": 20,
    "l2_regularization": 0.01,
}


def _fit(data: tuple[Any, ...], params: dict[str, Any]) -> tuple[float, float]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import log_loss
    from threadpoolctl import threadpool_limits

    Xtr, Xte, ytr, yte = data
    with threadpool_limits(1):
        start = time.process_time()
        model = HistGradientBoostingClassifier(early_stopping=False, random_state=0, **params).fit(
            Xtr, ytr
        )
        loss = log_loss(yte, np.clip(model.predict_proba(Xte), 1e-15, 1))
        cost = time.process_time() - start
    return float(loss), cost


def _hs_objective(data: tuple[Any, ...]) -> Callable[[Any], float]:
    def objective(t: Any) -> float:
        params = {
            "max_iter": t.suggest_int("max_iter", 4, 512, log=True),
            "max_leaf_nodes": t.suggest_int("max_leaf_nodes", 4, 256, log=True),
            "learning_rate": t.suggest_float("learning_rate", 0.01, 1.0, log=True),
            "min_samples_leaf": t.suggest_int("min_samples_leaf", 2, 64, log=True),
            "l2_regularization": t.suggest_float("l2_regularization", 1e-4, 1.0, log=True),
        }
        loss, cost = _fit(data, params)
        t.set_user_attr("cost", cost)
        return loss

    return objective


def _run_hs(
    method: str, data: tuple[Any, ...], trials: int, seed: int
) -> list[tuple[float, float]]:
    samplers: dict[str, Callable[[], hs.samplers.Sampler]] = {
        "hs-cfo": lambda: hs.samplers.CFOSampler(LOW_COST, cost_attr="cost", seed=seed),
        "hs-blendsearch": lambda: hs.samplers.BlendSearchSampler(
            low_cost_partial_config=LOW_COST, cost_attr="cost", seed=seed
        ),
        "hs-tpe": lambda: hs.samplers.TPESampler(seed=seed),
        "hs-random": lambda: hs.samplers.RandomSampler(seed=seed),
    }
    study = hs.create_study(sampler=samplers[method]())
    study.optimize(_hs_objective(data), n_trials=trials)
    return [(float(t.value), float(t.user_attrs["cost"])) for t in study.trials]  # type: ignore[arg-type]


def _run_flaml(
    method: str, data: tuple[Any, ...], trials: int, seed: int
) -> list[tuple[float, float]]:
    from flaml import CFO, BlendSearch, tune

    space = {
        "max_iter": tune.lograndint(4, 513),
        "max_leaf_nodes": tune.lograndint(4, 257),
        "learning_rate": tune.loguniform(0.01, 1.0),
        "min_samples_leaf": tune.lograndint(2, 65),
        "l2_regularization": tune.loguniform(1e-4, 1.0),
    }
    cls = CFO if method == "flaml-cfo" else BlendSearch
    searcher = cls(
        metric="loss",
        mode="min",
        space=space,
        low_cost_partial_config=LOW_COST,
        seed=seed,
        cost_attr="cost",
    )
    out: list[tuple[float, float]] = []
    i = 0
    while len(out) < trials and i < 10 * trials:
        tid = str(i)
        i += 1
        config = searcher.suggest(tid)
        if config is None:
            continue
        loss, cost = _fit(data, {k: config[k] for k in space})
        searcher.on_trial_complete(tid, {"loss": loss, "cost": cost, "config": config})
        out.append((loss, cost))
    return out


def _flaml_missing() -> str | None:
    try:
        import flaml  # noqa: F401
        from flaml import CFO  # noqa: F401
    except ImportError as exc:
        return f"flaml not installed ({exc}); pip install flaml"
    return None


def _cost_to(history: list[tuple[float, float]], target: float) -> float:
    spent = 0.0
    for loss, cost in history:
        spent += cost
        if loss <= target + 1e-12:
            return spent
    return math.inf


#: The data sets ``--datasets`` keeps (all when empty).
DATASETS: set[str] = set()


def section_quality(seeds: int, trials: int, start: str) -> None:
    global LOW_COST
    if start == "full":
        LOW_COST = FULL_START
    methods = ["flaml-cfo", "flaml-blendsearch", "hs-cfo", "hs-blendsearch", "hs-tpe", "hs-random"]
    why = _flaml_missing()
    if why:
        print(f"\nFLAML rows skipped: {why}")
        methods = methods[2:]
    for name, data in _datasets().items():
        if DATASETS and name not in DATASETS:
            continue
        runs: dict[str, list[list[tuple[float, float]]]] = {m: [] for m in methods}
        for seed in range(seeds):
            for m in methods:
                run = _run_flaml if m.startswith("flaml") else _run_hs
                runs[m].append(run(m, data, trials, seed))
        ref = "flaml-cfo" if "flaml-cfo" in runs else "hs-cfo"
        targets = [min(loss for loss, _ in h) for h in runs[ref]]
        print(
            f"\n## {name}: {trials} trials, median of {seeds} seeds, start={start}; "
            f"target = {ref} final loss\n"
        )
        print("| method | final loss | total CPU s | CPU s to target | reached |")
        print("|---|---|---|---|---|")
        for m, hists in runs.items():
            final = statistics.median(min(loss for loss, _ in h) for h in hists)
            total = statistics.median(sum(c for _, c in h) for h in hists)
            to = [_cost_to(h, t) for h, t in zip(hists, targets, strict=True)]
            reached = sum(math.isfinite(v) for v in to)
            print(
                f"| {m} | {final:.4f} | {total:.2f} | {statistics.median(to):.2f} "
                f"| {reached}/{seeds} |"
            )


# -- overhead ------------------------------------------------------------------------------------
_HOOKS = (
    "start_trial",
    "start_trial_shared",
    "infer_relative_search_space",
    "sample_relative",
    "sample_independent",
)


def _timed(sampler: hs.samplers.Sampler, spent: list[float]) -> None:
    """Wrap ``sampler``'s hooks (on the instance) to add their time to ``spent[0]``. The
    study's lazy history is fetched (``history.trials``, storage's ``get_all_trials``)
    before the clock starts and its time goes to ``spent[1]``: FLAML's searcher is handed
    each result, ours reads the study's trials, which is the storage's cost."""
    depth = [0]

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if depth[0]:
                return fn(*args, **kwargs)
            if args and isinstance(args[0], hs.trial.History):
                start = time.perf_counter()
                _ = args[0].trials
                spent[1] += time.perf_counter() - start
            depth[0] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start
                depth[0] -= 1

        return timed

    for name in _HOOKS:
        setattr(sampler, name, wrap(getattr(sampler, name)))


def _overhead_hs(sampler: hs.samplers.Sampler, n: int) -> tuple[float, float, float]:
    """``(ms/trial of the sampler's hooks, of the history fetch, of the whole study)``."""

    def objective(t: Any) -> float:
        return float(sum((t.suggest_float(f"x{i}", 0.0, 1.0) - 0.3) ** 2 for i in range(10)))

    warm = hs.create_study(sampler=copy.deepcopy(sampler))  # imports, first-call caches
    warm.optimize(objective, n_trials=20)
    spent = [0.0, 0.0]
    _timed(sampler, spent)
    study = hs.create_study(sampler=sampler)
    with _no_gc():
        start = time.perf_counter()
        study.optimize(objective, n_trials=n)
        total = time.perf_counter() - start
    return spent[0] / n * 1e3, spent[1] / n * 1e3, total / n * 1e3


def _overhead_flaml(method: str, n: int) -> float:
    from flaml import CFO, BlendSearch, tune

    space = {f"x{i}": tune.uniform(0.0, 1.0) for i in range(10)}
    cls = CFO if method == "cfo" else BlendSearch
    searcher = cls(metric="loss", mode="min", space=space, seed=0, cost_attr=None)
    with _no_gc():
        spent = _flaml_loop(searcher, n)
    return spent / n * 1e3


def _flaml_loop(searcher: Any, n: int) -> float:
    """Seconds spent in ``suggest`` and ``on_trial_complete`` over ``n`` trials."""
    spent = 0.0
    for i in range(n):
        start = time.perf_counter()
        config = searcher.suggest(str(i))
        spent += time.perf_counter() - start
        if config is None:
            continue
        loss = float(sum((config[f"x{j}"] - 0.3) ** 2 for j in range(10)))
        start = time.perf_counter()
        searcher.on_trial_complete(str(i), {"loss": loss, "config": config})
        spent += time.perf_counter() - start
    return spent


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused (after a full pass): its passes over the study's
    trials land in whichever call allocates, ours or the study's, and blur the split."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def section_overhead(n: int) -> None:
    print(f"\n## overhead: ms per trial over {n} trials, 10-D\n")
    print(
        "Sampler alone: the time in its hooks (FLAML: suggest + on_trial_complete); "
        "history fetch: the storage's get_all_trials the sampler triggers (FLAML has none); "
        "whole study: optimize() wall time / trials. The garbage collector is paused in "
        "every timed loop.\n"
    )
    print("| method | sampler alone | history fetch | whole study | sampler / FLAML's |")
    print("|---|---|---|---|---|")
    why = _flaml_missing()
    flaml = {}
    if why:
        print(f"FLAML rows skipped: {why}")
    else:
        flaml = {"cfo": _overhead_flaml("cfo", n), "bs": _overhead_flaml("bs", n)}
    rows = {
        "hs RandomSampler (the study's own cost)": (hs.samplers.RandomSampler(seed=0), None),
        "hs CFOSampler": (hs.samplers.CFOSampler(seed=0), "cfo"),
        "hs BlendSearchSampler": (
            hs.samplers.BlendSearchSampler(cost_attr="@trials", seed=0),
            "bs",
        ),
    }
    for name, (sampler, ref) in rows.items():
        own, fetch, total = _overhead_hs(sampler, n)
        ratio = f"{own / flaml[ref]:.2f}" if ref in flaml else ""
        print(f"| {name} | {own:.3f} | {fetch:.3f} | {total:.3f} | {ratio} |")
    if flaml:
        print(f"| flaml CFO (searcher alone) | {flaml['cfo']:.3f} | | | |")
        print(f"| flaml BlendSearch (searcher alone) | {flaml['bs']:.3f} | | | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", default="shrink,quality,overhead")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--evals", type=int, default=400)
    parser.add_argument("--overhead-trials", type=int, default=1000)
    parser.add_argument(
        "--start", default="low", choices=["low", "full"], help="low-cost config: 2 or 5 params"
    )
    parser.add_argument("--datasets", default="", help="comma-separated (default: all)")
    args = parser.parse_args()
    DATASETS.update(filter(None, args.datasets.split(",")))
    for name in ("hypersweep", "optuna"):  # no line per trial (FLAML's BlendSearch: optuna)
        logging.getLogger(name).setLevel(logging.WARNING)
    sections = set(args.sections.split(","))
    if "shrink" in sections:
        section_shrink(max(args.seeds, 10), args.evals)
    if "quality" in sections:
        section_quality(args.seeds, args.trials, args.start)
    if "overhead" in sections:
        section_overhead(args.overhead_trials)


if __name__ == "__main__":
    main()
