"""Benchmark problems for searching methods: spaces with known optima, and real models.

Each problem is a search space written once in a tiny spec language (:class:`Float`,
:class:`Int`, :class:`Cat`, :class:`Branch` for conditional parameters) plus a loss of the
flat ``{name: value}`` dict. From the spec come both a define-by-run objective (for
hypersweep and Optuna: ``problem.objective(trial)``) and an equivalent declarative space for
Hyperopt (``problem.hyperopt_space()``), so every solver searches the same space.

Optima are shifted away from the centre of the box, where quasi-random and grid points land
first and would fake a win. The suite covers continuous spaces from 2-D to 20-D (uni- and
multimodal), log-scaled, integer, categorical and conditional spaces, and three real
scikit-learn models evaluated by 3-fold cross-validation on data sets that ship with it
(error rate; hinge loss for the SVM, whose error rate ties at its best for many
configurations).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Objective = Callable[[Any], float]
Params = dict[str, Any]


# -- the spec language --------------------------------------------------------------------------
@dataclass(frozen=True)
class Float:
    name: str
    low: float
    high: float
    log: bool = False
    step: float | None = None


@dataclass(frozen=True)
class Int:
    name: str
    low: int
    high: int
    log: bool = False


@dataclass(frozen=True)
class Cat:
    name: str
    choices: tuple[Any, ...]


@dataclass(frozen=True)
class Branch:
    """A parameter whose value decides which further parameters exist.

    ``integer=True`` suggests it with ``suggest_int`` (its options must be consecutive ints).
    """

    name: str
    options: Mapping[Any, tuple[Any, ...]]
    integer: bool = False


Spec = Sequence[Float | Int | Cat | Branch]


def suggest(trial: Any, spec: Spec, out: Params | None = None) -> Params:
    """Walk ``spec`` with a define-by-run trial; return the flat params."""
    out = {} if out is None else out
    for p in spec:
        if isinstance(p, Float):
            out[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log, step=p.step)
        elif isinstance(p, Int):
            out[p.name] = trial.suggest_int(p.name, p.low, p.high, log=p.log)
        elif isinstance(p, Cat):
            out[p.name] = trial.suggest_categorical(p.name, list(p.choices))
        else:
            keys = list(p.options)
            if p.integer:
                value = trial.suggest_int(p.name, min(keys), max(keys))
            else:
                value = trial.suggest_categorical(p.name, keys)
            out[p.name] = value
            suggest(trial, p.options[value], out)
    return out


def hyperopt_space(spec: Spec, tag: str = "") -> dict[str, Any]:
    """The same space for Hyperopt; conditional labels get a ``|branch`` suffix (unique)."""
    from hyperopt import hp

    space: dict[str, Any] = {}
    for p in spec:
        label = p.name + tag
        if isinstance(p, Float):
            if p.log:
                space[p.name] = hp.loguniform(label, math.log(p.low), math.log(p.high))
            elif p.step is not None:
                half = p.step / 2
                space[p.name] = hp.quniform(label, p.low - half, p.high + half, p.step)
            else:
                space[p.name] = hp.uniform(label, p.low, p.high)
        elif isinstance(p, Int):
            if p.log:
                space[p.name] = hp.qloguniform(
                    label, math.log(p.low - 0.5), math.log(p.high + 0.5), 1
                )
            else:
                space[p.name] = hp.quniform(label, p.low - 0.5, p.high + 0.5, 1)
        elif isinstance(p, Cat):
            space[p.name] = hp.choice(label, list(p.choices))
        else:
            options = [
                {"__value__": key, **hyperopt_space(sub, f"{tag}|{p.name}={key}")}
                for key, sub in p.options.items()
            ]
            space[p.name] = hp.choice(label, options)
    return space


def from_hyperopt(spec: Spec, sample: Mapping[str, Any], out: Params | None = None) -> Params:
    """Flat params from a Hyperopt sample of :func:`hyperopt_space` (ints rounded, grids
    snapped, values clipped to the bounds)."""
    out = {} if out is None else out
    for p in spec:
        value = sample[p.name]
        if isinstance(p, Float):
            v = min(max(float(value), p.low), p.high)
            if p.step is not None:
                v = p.low + round((v - p.low) / p.step) * p.step
                v = min(max(float(f"{v:.12g}"), p.low), p.high)
            out[p.name] = v
        elif isinstance(p, Int):
            out[p.name] = min(max(round(value), p.low), p.high)
        elif isinstance(p, Cat):
            out[p.name] = value
        else:
            out[p.name] = value["__value__"]
            from_hyperopt(p.options[value["__value__"]], value, out)
    return out


@dataclass(frozen=True)
class Problem:
    """Minimise ``loss(params)`` over ``space``; ``optimum`` is the best value if known."""

    name: str
    space: tuple[Any, ...]
    loss: Callable[[Params], float]
    optimum: float | None
    tags: frozenset[str] = field(default_factory=frozenset)

    def objective(self, trial: Any) -> float:
        """Define-by-run objective (hypersweep, Optuna, FixedTrial)."""
        return self.loss(suggest(trial, self.space))

    def hyperopt_space(self) -> dict[str, Any]:
        return hyperopt_space(self.space)

    def hyperopt_objective(self, sample: Mapping[str, Any]) -> float:
        return self.loss(from_hyperopt(self.space, sample))


def _xs(params: Params, n: int) -> list[float]:
    return [params[f"x{i}"] for i in range(n)]


def _box(n: int, low: float, high: float) -> tuple[Float, ...]:
    return tuple(Float(f"x{i}", low, high) for i in range(n))


# -- synthetic functions of known optimum ---------------------------------------------------------
def sphere_loss(n: int) -> Callable[[Params], float]:
    return lambda p: sum((x - 1.7) ** 2 for x in _xs(p, n))


def rastrigin_loss(n: int) -> Callable[[Params], float]:
    def loss(p: Params) -> float:
        xs = [x - 1.3 for x in _xs(p, n)]
        return 10 * n + sum(x * x - 10 * math.cos(2 * math.pi * x) for x in xs)

    return loss


def branin_loss(p: Params) -> float:
    x1, x2 = p["x1"], p["x2"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


_H6_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
_H6_P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]
_H6_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6_loss(p: Params) -> float:
    xs = _xs(p, 6)
    total = 0.0
    for a, row, prow in zip(_H6_ALPHA, _H6_A, _H6_P, strict=True):
        total -= a * math.exp(-sum(r * (x - q) ** 2 for r, x, q in zip(row, xs, prow, strict=True)))
    return total


def ackley_loss(n: int, shift: float) -> Callable[[Params], float]:
    def loss(p: Params) -> float:
        xs = [x - shift for x in _xs(p, n)]
        s1 = sum(x * x for x in xs) / n
        s2 = sum(math.cos(2 * math.pi * x) for x in xs) / n
        return -20 * math.exp(-0.2 * math.sqrt(s1)) - math.exp(s2) + 20 + math.e

    return loss


def schwefel_loss(n: int) -> Callable[[Params], float]:
    """Schwefel 2.26 on [-500, 500]: the optimum (x = 420.97) sits far from the next best
    minima, near the corner, and a local run lands in the nearest of many deep basins."""
    return lambda p: 418.9829 * n - sum(x * math.sin(math.sqrt(abs(x))) for x in _xs(p, n))


def styblinski_tang_loss(n: int) -> Callable[[Params], float]:
    return lambda p: sum(x**4 - 16 * x * x + 5 * x for x in _xs(p, n)) / 2


def rosenbrock_loss(n: int) -> Callable[[Params], float]:
    def loss(p: Params) -> float:
        xs = _xs(p, n)
        return sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(n - 1))

    return loss


# Log-scaled: the loss lives on log10 of every parameter; the targets sit off-centre.
_LOG_TARGETS = {"lr": 3e-4, "wd": 2e-6, "eps": 1e-7, "scale": 30.0, "batch": 48, "units": 600}
LOG_SPACE = (
    Float("lr", 1e-6, 1.0, log=True),
    Float("wd", 1e-9, 1e-1, log=True),
    Float("eps", 1e-10, 1e-2, log=True),
    Float("scale", 1e-2, 1e3, log=True),
    Int("batch", 4, 1024, log=True),
    Int("units", 2, 4096, log=True),
)


def log_loss(p: Params) -> float:
    d = {k: math.log10(p[k]) - math.log10(t) for k, t in _LOG_TARGETS.items()}
    # An interaction: a large learning rate wants a larger batch (a valley, not a bowl).
    return sum(v * v for v in d.values()) + 2.0 * (d["lr"] - 0.5 * d["batch"]) ** 2


INT_SPACE = (
    *(Int(f"n{i}", -20, 20) for i in range(4)),
    Int("depth", 1, 12),
    Int("leaves", 2, 256, log=True),
    Float("frac", 0.0, 1.0, step=0.05),
    Float("q", 0.0, 100.0, step=5.0),
)
_INT_TARGETS = (7, -13, 11, 16)


def int_loss(p: Params) -> float:
    total = sum((p[f"n{i}"] - t) ** 2 / 40 for i, t in enumerate(_INT_TARGETS))
    total += (p["depth"] - 9) ** 2 / 4 + math.log2(p["leaves"] / 24) ** 2
    total += 10 * (p["frac"] - 0.85) ** 2 + ((p["q"] - 25) / 20) ** 2
    # Multimodal in the integers: even depths are a little better.
    return total + 0.5 * (p["depth"] % 2)


_CAT_COSTS = {
    "opt": {"sgd": 1.0, "adam": 0.2, "rmsprop": 0.5, "adagrad": 1.4, "lbfgs": 0.0},
    "act": {"relu": 0.3, "tanh": 0.9, "gelu": 0.0, "elu": 0.4, "selu": 0.6, "sigmoid": 1.5},
    "norm": {"none": 0.8, "batch": 0.0, "layer": 0.2},
    "init": {"he": 0.3, "xavier": 0.6, "orthogonal": 0.0, "normal": 1.0},
    "sched": {"none": 0.7, "step": 0.4, "cosine": 0.0, "plateau": 0.3, "linear": 0.5},
    "pool": {"max": 0.0, "avg": 0.3, "none": 0.9},
    "loss": {"ce": 0.0, "focal": 0.3, "hinge": 0.8, "mse": 1.2},
    "aug": {"none": 0.6, "flip": 0.3, "crop": 0.2, "mixup": 0.0, "cutout": 0.1, "all": 0.4},
}
CAT_SPACE = (
    *(Cat(name, tuple(costs)) for name, costs in _CAT_COSTS.items()),
    Float("m", 0.0, 1.0),
)


def cat_loss(p: Params) -> float:
    total = sum(_CAT_COSTS[name][p[name]] for name in _CAT_COSTS)
    # Interactions: lbfgs wants no scheduler; the best float depends on the optimiser.
    if p["opt"] == "lbfgs" and p["sched"] != "none":
        total += 0.9
    target = {"lbfgs": 0.8, "adam": 0.2}.get(p["opt"], 0.5)
    return total + 3.0 * (p["m"] - target) ** 2


# Conditional, SVM-like: the kernel decides which parameters exist. Optimum 0 on "poly".
COND_SVM_SPACE = (
    Float("C", 1e-3, 1e3, log=True),
    Branch(
        "kernel",
        {
            "linear": (),
            "rbf": (Float("gamma", 1e-5, 1e1, log=True),),
            "poly": (Int("degree", 2, 6), Float("coef0", -1.0, 1.0)),
            "sigmoid": (Float("gamma_s", 1e-5, 1e1, log=True), Float("coef0_s", -1.0, 1.0)),
        },
    ),
)


def cond_svm_loss(p: Params) -> float:
    lc = math.log10(p["C"])
    kernel = p["kernel"]
    if kernel == "linear":
        return 1.2 + 0.1 * (lc + 1.0) ** 2
    if kernel == "rbf":
        return 0.4 + 0.1 * (lc - 1.5) ** 2 + 0.3 * (math.log10(p["gamma"]) + 3.2) ** 2
    if kernel == "poly":
        return 0.1 * (lc - 2.2) ** 2 + 0.25 * (p["degree"] - 3) ** 2 + 2.0 * (p["coef0"] - 0.6) ** 2
    return (
        0.8 + 0.1 * lc**2 + 0.2 * (math.log10(p["gamma_s"]) + 1.0) ** 2 + (p["coef0_s"] + 0.5) ** 2
    )


def _layer(i: int) -> tuple[Any, ...]:
    return (
        Int(f"units_{i}", 8, 1024, log=True),
        Cat(f"act_{i}", ("relu", "tanh", "gelu")),
        Float(f"dropout_{i}", 0.0, 0.8),
    )


# Conditional, network-like: the number of layers decides how many layer blocks exist.
COND_NET_SPACE = (
    Float("lr", 1e-5, 1e-1, log=True),
    Branch(
        "n_layers",
        {n: tuple(q for i in range(n) for q in _layer(i)) for n in range(1, 6)},
        integer=True,
    ),
)
_UNITS = (256, 96, 32, 16, 16)


def cond_net_loss(p: Params) -> float:
    n = p["n_layers"]
    total = 0.4 * abs(n - 3) + 0.3 * (math.log10(p["lr"]) + 2.5) ** 2
    for i in range(n):
        total += 0.5 * math.log2(p[f"units_{i}"] / _UNITS[i]) ** 2 / 4
        total += {"relu": 0.1, "tanh": 0.3, "gelu": 0.0}[p[f"act_{i}"]]
        total += 2.0 * (p[f"dropout_{i}"] - 0.15 * (i + 1)) ** 2
    return total


# -- real scikit-learn models (3-fold CV error, cached: identical configs cost nothing) -------
@functools.lru_cache(maxsize=4)
def _data(name: str) -> tuple[Any, Any]:
    from sklearn import datasets
    from sklearn.preprocessing import StandardScaler

    if name == "digits":
        x, y = datasets.load_digits(return_X_y=True)
        return x[:600] / 16.0, y[:600]
    if name == "breast_cancer":
        x, y = datasets.load_breast_cancer(return_X_y=True)
        return StandardScaler().fit_transform(x), y
    raise ValueError(f"unknown data set {name!r}")


def _cv_error(model: Any, data: str, scoring: Any = None) -> float:
    """Mean 3-fold CV loss: the error rate, or ``-scoring`` when a scorer is given."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    x, y = _data(data)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = cross_val_score(model, x, y, cv=cv, scoring=scoring).mean()
    return float(-score if scoring is not None else 1.0 - score)


def _cached(fn: Callable[[Params], float]) -> Callable[[Params], float]:
    memo = functools.lru_cache(maxsize=20_000)(lambda items: fn(dict(items)))
    return lambda p: float(memo(tuple(sorted(p.items()))))


SVM_DIGITS_SPACE = (
    Float("C", 1e-3, 1e3, log=True),
    Branch(
        "kernel",
        {
            "linear": (),
            "rbf": (Float("gamma", 1e-5, 1e1, log=True),),
            "poly": (Int("degree", 2, 5), Float("gamma_p", 1e-4, 1e1, log=True)),
        },
    ),
)


def svm_digits_loss(p: Params) -> float:
    """Validation hinge loss (accuracy ties at 99.2 % for many configurations here)."""
    import numpy as np
    from sklearn.metrics import hinge_loss, make_scorer
    from sklearn.svm import SVC

    scorer = make_scorer(
        hinge_loss,
        greater_is_better=False,
        response_method="decision_function",
        labels=np.arange(10),
    )

    kernel = p["kernel"]
    if kernel == "linear":
        model = SVC(kernel="linear", C=p["C"])
    elif kernel == "rbf":
        model = SVC(kernel="rbf", C=p["C"], gamma=p["gamma"])
    else:
        model = SVC(kernel="poly", C=p["C"], degree=p["degree"], gamma=p["gamma_p"])
    return _cv_error(model, "digits", scorer)


TREE_SPACE = (
    Cat("criterion", ("gini", "entropy", "log_loss")),
    Int("max_depth", 1, 30, log=True),
    Int("min_samples_split", 2, 60),
    Int("min_samples_leaf", 1, 40, log=True),
    Float("max_features", 0.05, 1.0),
    Float("ccp_alpha", 1e-6, 1e-1, log=True),
)


def tree_loss(p: Params) -> float:
    from sklearn.tree import DecisionTreeClassifier

    return _cv_error(DecisionTreeClassifier(random_state=0, **p), "breast_cancer")


SGD_SPACE = (
    Float("alpha", 1e-7, 1e1, log=True),
    Float("l1_ratio", 0.0, 1.0),
    Cat("loss", ("hinge", "log_loss", "modified_huber", "squared_hinge")),
    Float("eta0", 1e-4, 1.0, log=True),
    Cat("learning_rate", ("optimal", "constant", "invscaling", "adaptive")),
)


def sgd_loss(p: Params) -> float:
    from sklearn.linear_model import SGDClassifier

    model = SGDClassifier(penalty="elasticnet", max_iter=30, tol=None, random_state=0, **p)
    return _cv_error(model, "breast_cancer")


def _p(
    name: str, space: Spec, loss: Callable[[Params], float], opt: float | None, *tags: str
) -> Problem:
    return Problem(name, tuple(space), loss, opt, frozenset(tags))


_ALL = [
    _p("sphere-5d", _box(5, -5, 5), sphere_loss(5), 0.0, "continuous"),
    _p("rastrigin-5d", _box(5, -5.12, 5.12), rastrigin_loss(5), 0.0, "continuous", "multimodal"),
    # Low-dimensional Rastrigin: a local run converges within ~200 trials, so restart
    # strategies (IPOP/BIPOP CMA-ES) have room to act in a 1,000-trial budget.
    _p("rastrigin-3d", _box(3, -5.12, 5.12), rastrigin_loss(3), 0.0, "continuous", "multimodal"),
    _p(
        "branin-2d",
        (Float("x1", -5.0, 10.0), Float("x2", 0.0, 15.0)),
        branin_loss,
        0.397887,
        "continuous",
        "low-dim",
    ),
    _p("hartmann-6d", _box(6, 0, 1), hartmann6_loss, -3.32237, "continuous", "multimodal"),
    _p(
        "ackley-10d",
        _box(10, -32.768, 32.768),
        ackley_loss(10, 7.3),
        0.0,
        "continuous",
        "multimodal",
    ),
    _p("rosenbrock-4d", _box(4, -5, 10), rosenbrock_loss(4), 0.0, "continuous", "valley"),
    _p(
        "styblinski-20d",
        _box(20, -5, 5),
        styblinski_tang_loss(20),
        -39.16617 * 20,
        "continuous",
        "multimodal",
        "high-dim",
    ),
    # Multimodal problems where one CMA-ES run gets stuck early (restarts can act within 300
    # trials): Rastrigin-2d (a run converges in ~200 trials, mostly next to the optimum, at
    # 0.995) and Schwefel (deceptive: the best basin is far from the second best). Ackley-3d
    # is the contrast: its global trend leads a single run to the optimum.
    _p("rastrigin-2d", _box(2, -5.12, 5.12), rastrigin_loss(2), 0.0, "continuous", "multimodal"),
    _p("schwefel-2d", _box(2, -500, 500), schwefel_loss(2), 0.0, "continuous", "multimodal"),
    _p("schwefel-3d", _box(3, -500, 500), schwefel_loss(3), 0.0, "continuous", "multimodal"),
    _p("ackley-3d", _box(3, -32.768, 32.768), ackley_loss(3, 7.3), 0.0, "continuous", "multimodal"),
    _p("log-6d", LOG_SPACE, log_loss, 0.0, "log"),
    _p("integer-8d", INT_SPACE, int_loss, 0.25, "integer"),
    _p("categorical-9d", CAT_SPACE, cat_loss, 0.2, "categorical"),
    _p("cond-svm", COND_SVM_SPACE, cond_svm_loss, 0.0, "conditional", "log"),
    _p("cond-net", COND_NET_SPACE, cond_net_loss, 0.0, "conditional", "integer", "categorical"),
    _p("svm-digits", SVM_DIGITS_SPACE, _cached(svm_digits_loss), None, "sklearn", "conditional"),
    _p("tree-cancer", TREE_SPACE, _cached(tree_loss), None, "sklearn", "integer"),
    _p("sgd-cancer", SGD_SPACE, _cached(sgd_loss), None, "sklearn", "categorical"),
]

PROBLEMS: dict[str, Problem] = {p.name: p for p in _ALL}
