"""Parallel suggestions: quality when k trials are pending (ask k, evaluate, tell k).

    python benchmarks/batch.py                         # full run: 128 evals, batch 1/4/8, 5 seeds
    python benchmarks/batch.py --quick                 # development size
    python benchmarks/batch.py --solvers hs-gp optuna-gp --problems tree-iris --seeds 3
    python benchmarks/batch.py --suite bayesmark       # Bayesmark's problem definitions
    python benchmarks/batch.py --json out.json         # also write every best value
    python benchmarks/batch.py --solvers hs-gp --reuse peers.json   # reuse seeded results
    python benchmarks/batch.py --reuse all.json --reused-only       # the table of a file

Every solver spends ``--evals`` evaluations (128) in rounds of ``k`` (128 x 1, 32 x 4,
16 x 8): it asks ``k`` trials, each suggests its parameters while the others of the round
are pending, then all ``k`` are evaluated and told. The problems are scikit-learn models on
the data sets bundled with it (3-fold CV; error rate, hinge loss for the SVM, log loss for
the linear model). Every configuration's loss is computed once per process and cached; the
forest and the linear model are on grids (integer, categorical and stepped parameters), so
their caches fill up; the trees and SVMs keep the continuous, log-scaled spaces (their fits
take about a millisecond). CV error on these data sets is plateau-shaped (it moves in steps
of one sample), the case where parallel suggestions used to crowd.

``--suite bayesmark`` runs the problem definitions of Bayesmark (a public black-box
benchmark of scikit-learn models: decision trees, forests, SVMs, L1 logistic regression;
its spaces, data handling and accuracy metric, ``bm-*`` below), the shape of the held-out
suite the parallel-quality and auto-sampler issues are measured on.

Score per run: ``100 * (median_random - best) / (median_random - best_any)``, where
``best_any`` is the best loss any solver found on that problem in the run (all batch sizes)
and ``median_random`` the median best of random search over ``4 x seeds`` seeds (random
search does not depend on the batch size), floored at -100 per run. The table is the mean
score per solver and batch size over problems and seeds (100 = best found, 0 = random
search's median). Optuna's TPE runs with ``constant_liar=True`` (its setting for parallel
workers), its GP and CMA-ES with their defaults.

Each cell also gives one standard error of the mean over the runs (problems x seeds), and
"8 - 1" that of the paired differences (the same problem and seed at 8 and at 1 at a time);
a table per problem follows.

Reuse (the auto-sampler benchmark): :func:`run_suite` runs one solver (a :data:`BatchSolver`,
e.g. ``hypersweep_solver(lambda seed: MySampler(seed=seed))``) on the suite at one batch
size and returns its best values; :func:`normalised_scores` turns a run's best values into
scores.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
import warnings
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from problems import TREE_SPACE as TREE_SPACE_CONTINUOUS
from problems import Cat, Float, Int, Params, Problem, suggest

#: ``solver(problem, seed, n_evals, batch) -> best loss``.
BatchSolver = Callable[[Problem, int, int, int], float]
#: ``bests[solver][batch][problem] = [best loss per seed]``.
Bests = dict[str, dict[int, dict[str, list[float]]]]

RANDOM = "hs-random"


# -- problems: scikit-learn models on bundled data (3-fold CV), cached per configuration ---------
def _bundled(name: str) -> tuple[Any, Any]:
    """``(X, y)`` of a data set bundled with scikit-learn (``breast`` is Bayesmark's name)."""
    from sklearn import datasets

    loaders = {
        "iris": datasets.load_iris,
        "wine": datasets.load_wine,
        "breast_cancer": datasets.load_breast_cancer,
        "breast": datasets.load_breast_cancer,
        "digits": datasets.load_digits,
    }
    return loaders[name](return_X_y=True)


@functools.lru_cache(maxsize=8)
def _data(name: str) -> tuple[Any, Any]:
    from sklearn.preprocessing import StandardScaler

    x, y = _bundled(name)
    if name == "digits":  # a subset keeps a fit at a few milliseconds
        x, y = x[:400], y[:400]
    return StandardScaler().fit_transform(x), y


def _cv_loss(model: Any, data: str, scoring: Any = "accuracy") -> float:
    """Mean 3-fold CV loss: the error rate, or minus the score of another scorer."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    x, y = _data(data)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = float(cross_val_score(model, x, y, cv=cv, scoring=scoring).mean())
    return 1.0 - score if scoring == "accuracy" else -score


def _cached(fn: Callable[[Params], float]) -> Callable[[Params], float]:
    memo = functools.lru_cache(maxsize=None)(lambda items: fn(dict(items)))
    return lambda p: float(memo(tuple(sorted(p.items()))))


#: The decision-tree space of ``benchmarks/problems.py`` (continuous and log-scaled
#: parameters: evaluations are cached but rarely repeat; a tree on iris or wine fits in ~1 ms).
TREE_SPACE = TREE_SPACE_CONTINUOUS


def _tree(data: str) -> Callable[[Params], float]:
    def loss(p: Params) -> float:
        from sklearn.tree import DecisionTreeClassifier

        return _cv_loss(DecisionTreeClassifier(random_state=0, **p), data)

    return loss


FOREST_SPACE = (
    Int("n_estimators", 2, 8),
    Int("max_depth", 1, 8),
    Int("min_samples_leaf", 1, 8),
    Float("max_features", 0.25, 1.0, step=0.25),
)


def _forest(data: str) -> Callable[[Params], float]:
    def loss(p: Params) -> float:
        from sklearn.ensemble import RandomForestClassifier

        return _cv_loss(RandomForestClassifier(random_state=0, **p), data)

    return loss


SVM_SPACE = (
    Float("C", 1e-3, 1e4, log=True),
    Float("gamma", 1e-5, 10.0, log=True),
)


def _svm(data: str) -> Callable[[Params], float]:
    """Hinge loss of the decision function (the error rate of an SVM on these small data
    sets is one or two samples for many configurations: random search ties with the best)."""

    def loss(p: Params) -> float:
        import numpy as np
        from sklearn.metrics import hinge_loss, make_scorer
        from sklearn.svm import SVC

        _, y = _data(data)
        scorer = make_scorer(
            hinge_loss,
            greater_is_better=False,
            response_method="decision_function",
            labels=np.unique(y),
        )
        return _cv_loss(SVC(C=p["C"], gamma=p["gamma"]), data, scorer)

    return loss


LOGREG_SPACE = (
    Float("log10_C", -4.0, 3.0, step=0.25),
    Cat("penalty", ("l1", "l2")),
    Cat("class_weight", ("none", "balanced")),
    Cat("fit_intercept", (True, False)),
)


def _logreg(data: str) -> Callable[[Params], float]:
    def loss(p: Params) -> float:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(
            C=10 ** p["log10_C"],
            l1_ratio=1.0 if p["penalty"] == "l1" else 0.0,
            class_weight=None if p["class_weight"] == "none" else "balanced",
            fit_intercept=p["fit_intercept"],
            solver="liblinear" if p["penalty"] == "l1" else "lbfgs",
            max_iter=200,
        )
        return _cv_loss(model, data, "neg_log_loss")

    return loss


# -- Bayesmark's problem definitions (a public black-box benchmark of scikit-learn models) --------
# Its spaces as an Optuna-shaped script states them ("logit" ranges as plain floats), its data
# handling (80 % of the shuffled data, 5-fold CV, unscaled features) and its accuracy metric,
# as the error rate. The held-out suite of the parallel-quality and auto-sampler issues is
# built from these definitions. Fixed parameters as Bayesmark sets them, except the SVM's
# Platt scaling, which does not change its predictions.
BM_TREE_SPACE = (
    Int("max_depth", 1, 15),
    Float("min_samples_split", 0.01, 0.99),
    Float("min_samples_leaf", 0.01, 0.49),
    Float("min_weight_fraction_leaf", 0.01, 0.49),
    Float("max_features", 0.01, 0.99),
    Float("min_impurity_decrease", 0.0, 0.5),
)
BM_SVM_SPACE = (
    Float("C", 1.0, 1e3, log=True),
    Float("gamma", 1e-4, 1e-3, log=True),
    Float("tol", 1e-5, 1e-1, log=True),
)
BM_LASSO_SPACE = (
    Float("C", 1e-2, 1e2, log=True),
    Float("intercept_scaling", 1e-2, 1e2, log=True),
)


@functools.lru_cache(maxsize=8)
def _bm_data(name: str) -> tuple[Any, Any]:
    from sklearn.model_selection import train_test_split

    x, y = _bundled(name)
    x_train, _, y_train, _ = train_test_split(x, y, test_size=0.2, random_state=0, shuffle=True)
    return x_train, y_train


def _bm(model: str, data: str) -> Callable[[Params], float]:
    def loss(p: Params) -> float:
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import cross_val_score
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.svm import SVC
        from sklearn.tree import DecisionTreeClassifier

        # Bayesmark leaves random_state unset (trees, forests, liblinear's shuffling), so a
        # configuration's loss is noisy; here the noise is a fixed function of the
        # configuration (a seed from its values): a seeded run gives the same values again.
        noise = zlib.crc32(repr(sorted(p.items())).encode())
        make = {
            "dt": lambda: DecisionTreeClassifier(random_state=noise, **p),
            "rf": lambda: RandomForestClassifier(n_estimators=10, random_state=noise, **p),
            "svm": lambda: SVC(kernel="rbf", **p),
            # Bayesmark's one-vs-rest L1 logistic regression ("multi_class='ovr'").
            "lasso": lambda: OneVsRestClassifier(
                LogisticRegression(l1_ratio=1.0, solver="liblinear", random_state=noise, **p)
            ),
        }
        x, y = _bm_data(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return 1.0 - float(cross_val_score(make[model](), x, y, cv=5).mean())

    return loss


_BM_SPACES = {"dt": BM_TREE_SPACE, "rf": BM_TREE_SPACE, "svm": BM_SVM_SPACE,
              "lasso": BM_LASSO_SPACE}  # fmt: skip


def _problem(name: str, space: tuple[Any, ...], loss: Callable[[Params], float]) -> Problem:
    return Problem(name, space, _cached(loss), None, frozenset({"sklearn", "batch"}))


PROBLEMS: dict[str, Problem] = {
    p.name: p
    for p in [
        _problem("tree-iris", TREE_SPACE, _tree("iris")),
        _problem("tree-wine", TREE_SPACE, _tree("wine")),
        _problem("tree-cancer", TREE_SPACE, _tree("breast_cancer")),
        _problem("tree-digits", TREE_SPACE, _tree("digits")),
        _problem("forest-wine", FOREST_SPACE, _forest("wine")),
        _problem("svm-wine", SVM_SPACE, _svm("wine")),
        _problem("svm-cancer", SVM_SPACE, _svm("breast_cancer")),
        _problem("logreg-cancer", LOGREG_SPACE, _logreg("breast_cancer")),
    ]
}
PROBLEMS.update(
    {
        f"bm-{model}-{data}": _problem(f"bm-{model}-{data}", space, _bm(model, data))
        for model, space in _BM_SPACES.items()
        for data in ("iris", "wine", "breast", "digits")
    }
)
#: The default suite: a tree on two data sets, a small forest, an SVM (with the decision tree on
#: iris, an SVM on digits or breast cancer and a linear model as options). Optuna's GP costs
#: about 0.25 s of CPU per trial, 60 of its runs about 25 CPU-minutes: on a busy machine
#: split a run with --solvers and put it back together with --reuse.
DEFAULT_PROBLEMS = ("tree-wine", "tree-cancer", "forest-wine", "svm-wine")
QUICK_PROBLEMS = ("tree-wine", "svm-wine")
#: Bayesmark's definitions: the models and data sets where the best found differs from random
#: search's median (on iris the tree's and the forest's are the same value).
BAYESMARK_PROBLEMS = (
    "bm-dt-wine", "bm-dt-breast", "bm-dt-digits", "bm-rf-wine", "bm-rf-breast",
    "bm-svm-wine", "bm-svm-breast", "bm-lasso-wine", "bm-lasso-iris",
)  # fmt: skip


# -- solvers: ask k, evaluate k, tell k ----------------------------------------------------------
def run_batches(study: Any, problem: Problem, n_evals: int, batch: int) -> float:
    """Ask ``batch`` trials, evaluate and tell them, until ``n_evals``; the best loss seen.
    The same loop drives hypersweep's and Optuna's studies (their ask/tell APIs agree)."""
    best = float("inf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for start in range(0, n_evals, batch):
            trials = [study.ask() for _ in range(min(batch, n_evals - start))]
            params = [suggest(t, problem.space) for t in trials]
            for t, p in zip(trials, params, strict=True):
                value = problem.loss(p)
                best = min(best, value)
                study.tell(t, value)
    return best


def hypersweep_solver(make_sampler: Callable[[int], Any]) -> BatchSolver:
    """A hypersweep sampler (``make_sampler(seed)``) driven by ask/tell in rounds of ``batch``."""

    def solve(problem: Problem, seed: int, n_evals: int, batch: int) -> float:
        import hypersweep as hs

        study = hs.create_study(sampler=make_sampler(seed))
        return run_batches(study, problem, n_evals, batch)

    return solve


def optuna_solver(make_sampler: Callable[[Any, int], Any]) -> BatchSolver:
    """An Optuna sampler (``make_sampler(optuna, seed)``) driven the same way."""

    def solve(problem: Problem, seed: int, n_evals: int, batch: int) -> float:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        study = optuna.create_study(sampler=make_sampler(optuna, seed))
        return run_batches(study, problem, n_evals, batch)

    return solve


def _hs(kind: str) -> Callable[[int], Any]:
    def make(seed: int) -> Any:
        import hypersweep as hs

        if kind == "gp":
            from hypersweep.samplers.gp import GPSampler

            return GPSampler(seed=seed)
        if kind == "tpe":
            from hypersweep.samplers.tpe import TPESampler

            return TPESampler(seed=seed)
        if kind == "cmaes":
            from hypersweep.samplers.cmaes import CmaEsSampler

            return CmaEsSampler(seed=seed)
        if kind == "auto":
            return hs.samplers.AutoSampler(seed=seed)
        if kind == "qmc":
            return hs.samplers.QMCSampler(seed=seed, warn_independent_sampling=False)
        return hs.samplers.RandomSampler(seed=seed)

    return make


SOLVERS: dict[str, BatchSolver] = {
    RANDOM: hypersweep_solver(_hs("random")),
    "hs-gp": hypersweep_solver(_hs("gp")),
    "hs-tpe": hypersweep_solver(_hs("tpe")),
    "hs-cmaes": hypersweep_solver(_hs("cmaes")),
    "hs-qmc": hypersweep_solver(_hs("qmc")),
    "hs-auto": hypersweep_solver(_hs("auto")),
    "optuna-gp": optuna_solver(lambda optuna, seed: optuna.samplers.GPSampler(seed=seed)),
    # The peer's recommended setting for parallel workers (its default is off).
    "optuna-tpe": optuna_solver(
        lambda optuna, seed: optuna.samplers.TPESampler(seed=seed, constant_liar=True)
    ),
    "optuna-cmaes": optuna_solver(lambda optuna, seed: optuna.samplers.CmaEsSampler(seed=seed)),
}


# -- running and scoring -------------------------------------------------------------------------
def run_suite(
    solver: BatchSolver,
    batch: int,
    *,
    problems: Sequence[str] | None = None,
    seeds: int = 5,
    n_evals: int = 128,
    seed_offset: int = 0,
) -> dict[str, list[float]]:
    """Best loss per problem and seed of ``solver`` on the suite, ``batch`` trials at a time."""
    names = list(problems or DEFAULT_PROBLEMS)
    return {
        name: [solver(PROBLEMS[name], seed_offset + s, n_evals, batch) for s in range(seeds)]
        for name in names
    }


def run_scores(
    bests: Bests, random_bests: Mapping[str, Sequence[float]]
) -> dict[str, dict[int, dict[str, list[float]]]]:
    """Score of every run, ``[solver][batch][problem] = [score per seed]``: 100 = the best
    loss any solver found on that problem (in ``bests``), 0 = the median of
    ``random_bests``, floored at -100. Problems where random search's median is already the
    best found are left out (no range)."""
    best_any: dict[str, float] = {}
    for per_batch in bests.values():
        for per_problem in per_batch.values():
            for name, values in per_problem.items():
                best_any[name] = min(best_any.get(name, float("inf")), *values)
    out: dict[str, dict[int, dict[str, list[float]]]] = {}
    for solver, per_batch in bests.items():
        for batch, per_problem in per_batch.items():
            scores: dict[str, list[float]] = {}
            for name, values in per_problem.items():
                med = statistics.median(random_bests[name])
                span = med - min(best_any[name], *random_bests[name])
                if span <= 0:
                    continue
                # A run worse than random search's median by more than the span counts -100,
                # so one problem with a narrow span cannot dominate the mean.
                scores[name] = [max(-100.0, 100.0 * (med - v) / span) for v in values]
            if scores:
                out.setdefault(solver, {})[batch] = scores
    return out


def normalised_scores(
    bests: Bests, random_bests: Mapping[str, Sequence[float]]
) -> dict[str, dict[int, float]]:
    """Mean score per solver and batch size over problems and seeds (see :func:`run_scores`)."""
    return {
        solver: {
            batch: statistics.mean(v for values in per_problem.values() for v in values)
            for batch, per_problem in per_batch.items()
        }
        for solver, per_batch in run_scores(bests, random_bests).items()
    }


def _se(values: Sequence[float]) -> float:
    return statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else float("nan")


def table(
    scores: Mapping[str, Mapping[int, float]],
    batches: Sequence[int],
    runs: Mapping[str, Mapping[int, Mapping[str, Sequence[float]]]] | None = None,
) -> str:
    """The scores as a markdown table (one row per solver). With ``runs`` (from
    :func:`run_scores`) each cell also gives the standard error of the mean over runs, and
    "8 - 1" the standard error of the paired differences (same problem and seed)."""
    diff = 1 in batches and 8 in batches
    head = "| solver | " + " | ".join(f"{b} at a time" for b in batches)
    head += " | 8 - 1 |" if diff else " |"
    lines = [head, "|---" * (len(batches) + 1 + diff) + "|"]
    for solver, per_batch in scores.items():
        per_run = (runs or {}).get(solver, {})
        cells = []
        for b in batches:
            flat = [v for values in per_run.get(b, {}).values() for v in values]
            if b not in per_batch:
                cells.append("-")
            elif flat:
                cells.append(f"{per_batch[b]:.1f} ± {_se(flat):.1f}")
            else:
                cells.append(f"{per_batch[b]:.1f}")
        row = f"| {solver} | " + " | ".join(cells) + " |"
        if diff and 1 in per_batch and 8 in per_batch:
            one, eight = per_run.get(1, {}), per_run.get(8, {})
            pairs = [
                e - o
                for name in one.keys() & eight.keys()
                for o, e in zip(one[name], eight[name], strict=True)
            ]
            se = f" ± {_se(pairs):.1f}" if pairs else ""
            row += f" {per_batch[8] - per_batch[1]:+.1f}{se} |"
        elif diff:
            row += " - |"
        lines.append(row)
    return "\n".join(lines)


def problem_table(
    runs: Mapping[str, Mapping[int, Mapping[str, Sequence[float]]]], batches: Sequence[int]
) -> str:
    """Mean score per solver, batch size and problem (markdown)."""
    names = sorted({n for per_batch in runs.values() for p in per_batch.values() for n in p})
    lines = ["| solver | batch | " + " | ".join(names) + " |", "|---" * (len(names) + 2) + "|"]
    for solver, per_batch in runs.items():
        for b in batches:
            if b in per_batch:
                cells = [
                    f"{statistics.mean(per_batch[b][n]):.1f}" if n in per_batch[b] else "-"
                    for n in names
                ]
                lines.append(f"| {solver} | {b} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _load(path: str | None) -> tuple[Bests, dict[str, list[float]]]:
    """The best values and random search's values stored by ``--json``."""
    if not path or not Path(path).exists():
        return {}, {}
    data = json.loads(Path(path).read_text())
    best = {s: {int(b): r for b, r in per.items()} for s, per in data["best"].items()}
    return best, data.get("random", {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solvers", nargs="+", default=[s for s in SOLVERS if s != RANDOM])
    parser.add_argument("--problems", nargs="+", default=None)
    parser.add_argument(
        "--suite",
        choices=("default", "bayesmark"),
        default="default",
        help="the problems when --problems is not given",
    )
    parser.add_argument("--batches", nargs="+", type=int, default=[1, 4, 8])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--evals", type=int, default=128)
    parser.add_argument("--quick", action="store_true", help="3 problems, 2 seeds, 64 evals")
    parser.add_argument("--json", help="write every best value to this file (after each solver)")
    parser.add_argument(
        "--reuse",
        help="take the best values of solvers and batch sizes found in this file (written by "
        "--json with the same problems, seeds and evals: the solvers are seeded, so a rerun "
        "gives the same values) instead of running them again",
    )
    parser.add_argument(
        "--reused-only",
        action="store_true",
        help="run nothing: the table of what --reuse holds (solvers and batch sizes missing "
        "there are left out)",
    )
    args = parser.parse_args()
    if args.quick:
        args.problems = args.problems or list(QUICK_PROBLEMS)
        args.seeds, args.evals = min(args.seeds, 2), min(args.evals, 64)
    suite = BAYESMARK_PROBLEMS if args.suite == "bayesmark" else DEFAULT_PROBLEMS
    problems = args.problems or list(suite)
    unknown = [p for p in problems if p not in PROBLEMS] + [
        s for s in args.solvers if s not in SOLVERS
    ]
    if unknown:
        parser.error(f"unknown problem or solver: {unknown}; see benchmarks/batch.py")
    import hypersweep as hs

    hs.logging.set_verbosity(hs.logging.WARNING)
    start = time.perf_counter()
    reused, reused_random = _load(args.reuse)
    if reused and json.loads(Path(args.reuse).read_text()).get("evals") != args.evals:
        parser.error(f"{args.reuse} was written with another --evals; it cannot be reused")
    if all(len(reused_random.get(p, [])) == 4 * args.seeds for p in problems):
        random_bests = {p: reused_random[p] for p in problems}
    else:
        random_bests = run_suite(
            SOLVERS[RANDOM], 1, problems=problems, seeds=4 * args.seeds, n_evals=args.evals,
            seed_offset=1000,
        )  # fmt: skip
    print(f"{RANDOM:<14} medians {[round(statistics.median(v), 4) for v in random_bests.values()]}")
    bests: Bests = {}
    for solver in args.solvers:
        for batch in args.batches:
            t0 = time.perf_counter()
            old = reused.get(solver, {}).get(batch, {})
            if all(len(old.get(p, [])) == args.seeds for p in problems):
                res, note = {p: old[p] for p in problems}, f"reused from {args.reuse}"
            elif args.reused_only:
                continue
            else:
                try:
                    res = run_suite(
                        SOLVERS[solver], batch, problems=problems, seeds=args.seeds,
                        n_evals=args.evals,
                    )  # fmt: skip
                except ImportError as exc:
                    print(f"{solver:<14} missing ({exc})")
                    break
                note = f"{time.perf_counter() - t0:.1f} s"
            bests.setdefault(solver, {})[batch] = res
            medians = [round(statistics.median(v), 4) for v in res.values()]
            print(f"{solver:<14} x{batch} medians {medians} ({note})", flush=True)
            if args.json:
                data = {"problems": problems, "seeds": args.seeds, "evals": args.evals,
                        "random": random_bests, "best": bests}  # fmt: skip
                Path(args.json).write_text(json.dumps(data, indent=1))
    scores = normalised_scores(bests, random_bests)
    runs = run_scores(bests, random_bests)
    print(
        f"\nmean normalised score ({len(problems)} problems, {args.seeds} seeds, "
        f"{args.evals} evaluations; 100 = best found, 0 = random median), "
        f"{time.perf_counter() - start:.0f} s:\n"
    )
    print(table(scores, args.batches, runs))
    print("\n(± one standard error of the mean over problems x seeds; for 8 - 1, of the paired "
          "differences)\n\nper problem:\n")  # fmt: skip
    print(problem_table(runs, args.batches))


if __name__ == "__main__":
    main()
