"""The searching methods of the reproduction: one function per table row.

A method runs one HPO of a model with a seed and a budget and returns a :class:`Run`:
the full-budget values in the order they were found, each with the budget used so far
(evaluations; HyperBand and BOHB count a fit at step ``s`` of ``STEPS[-1]`` as
``s / STEPS[-1]`` of an evaluation), and the wall time of the whole run (CT).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import samplers as _samplers
from .._internal.exceptions import TrialPruned
from ..samplers import (
    BlendSearchSampler,
    CFOSampler,
    CmaEsSampler,
    GridSampler,
    QMCSampler,
    RandomSampler,
    Sampler,
    TPESampler,
)
from ..schedulers import HyperBandScheduler, Scheduler
from ..study import create_study
from ..study.presets import bohb
from ._models import Model, Params, cross_validate

# HyperBand's steps: 1, 3 and 9 ninths of the resource (eta = 3).
ETA = 3
MAX_STEP = 9


@dataclass
class Run:
    """What one HPO run found: ``(budget used, value)`` per full-budget evaluation."""

    points: list[tuple[float, float]] = field(default_factory=list)
    seconds: float = 0.0

    def best(self, maximize: bool) -> float:
        values = [v for _, v in self.points]
        if not values:
            return math.nan
        return max(values) if maximize else min(values)

    def curve(self, maximize: bool, budget: int) -> list[float]:
        """Best-so-far after 1, 2, ..., ``budget`` evaluations' worth of budget."""
        out, best, i = [], math.nan, 0
        for b in range(1, budget + 1):
            while i < len(self.points) and self.points[i][0] <= b + 1e-9:
                v = self.points[i][1]
                if math.isnan(best) or (v > best if maximize else v < best):
                    best = v
                i += 1
            out.append(best)
        return out


Method = Callable[[Model, Any, Any, int, int], Run]


def startup_trials(budget: int) -> int:
    """Random start-up trials of the model-based rows, sized to the budget: 10 at the
    paper's 50 evaluations, 2 at KNN's 10 (a default of 10 would spend KNN's whole budget
    at random).

    >>> startup_trials(50), startup_trials(10), startup_trials(4)
    (10, 2, 2)
    """
    return min(10, max(2, budget // 5))


def _direction(model: Model) -> Literal["maximize", "minimize"]:
    return "maximize" if model.maximize else "minimize"


def _quiet(fn: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def _sampled(make: Callable[[Model, int, int], Sampler]) -> Method:
    def run(model: Model, x: Any, y: Any, seed: int, budget: int) -> Run:
        result = Run()

        def objective(trial: Any) -> float:
            value = cross_validate(model, x, y, model.space(trial, True), seed)
            result.points.append((len(result.points) + 1.0, value))
            return value

        start = time.perf_counter()
        sampler = make(model, seed, budget)
        n_trials = budget
        if isinstance(sampler, GridSampler):
            n_trials = min(budget, math.prod(len(v) for v in model.grid.values()))
        study = create_study(sampler=sampler, direction=_direction(model))
        _quiet(lambda: study.optimize(objective, n_trials=n_trials))
        result.seconds = time.perf_counter() - start
        return result

    return run


def default(model: Model, x: Any, y: Any, seed: int, budget: int) -> Run:
    """The model's default hyperparameters (scikit-learn's), one evaluation."""
    start = time.perf_counter()
    value = _quiet(lambda: cross_validate(model, x, y, {}, seed))
    return Run([(1.0, value)], time.perf_counter() - start)


def _multi_fidelity(make: Callable[[int], tuple[Sampler, Scheduler]]) -> Method:
    """HyperBand-style rows: the resource grows over the steps 1, 3, 9 (ninths)."""

    def run(model: Model, x: Any, y: Any, seed: int, budget: int) -> Run:
        result = Run()
        start = time.perf_counter()
        sampler, scheduler = make(seed)
        assert isinstance(scheduler, HyperBandScheduler)
        steps = scheduler.budgets
        configs = [0]  # configurations started (continuations excluded)
        used = [0.0]  # budget spent, in full evaluations
        trees = model.resource == "n_estimators"

        def evaluate(params: Params, step: int) -> float:
            if trees:
                full = {**params, "n_estimators": round(100 * step / MAX_STEP)}
                return cross_validate(model, x, y, full, seed)
            return cross_validate(model, x, y, params, seed, fraction=step / MAX_STEP)

        def objective(trial: Any) -> float:
            saved = trial.load_checkpoint()
            params = model.space(trial, not trees)
            if saved is None:
                first = scheduler.bracket_of(configs[0]).min_resource
                configs[0] += 1
                todo = [s for s in steps if s >= first]
            else:
                todo = [s for s in steps if s > saved["step"]]
            value = math.nan
            for step in todo:
                cost = step / MAX_STEP
                if used[0] + cost > budget + 1e-9:
                    trial.study.stop()
                    raise TrialPruned("out of budget")
                used[0] += cost
                value = evaluate(params, step)
                if step == MAX_STEP:
                    result.points.append((used[0], value))
                trial.report(value, step)
                if trial.should_prune():
                    if trial.paused:
                        trial.save_checkpoint({"step": step})
                    raise TrialPruned()
            return value

        study = create_study(sampler=sampler, scheduler=scheduler, direction=_direction(model))
        _quiet(lambda: study.optimize(objective, n_trials=None))
        result.seconds = time.perf_counter() - start
        return result

    return run


def _hyperband(seed: int) -> tuple[Sampler, Scheduler]:
    return RandomSampler(seed=seed), HyperBandScheduler(1, MAX_STEP, ETA, pause=True)


def _bohb(seed: int) -> tuple[Sampler, Scheduler]:
    sampler, scheduler = bohb(1, MAX_STEP, ETA, seed=seed, pause=True)
    return sampler, scheduler


def _optuna(kind: str) -> Method:
    """Optuna's sampler as a peer, with its defaults, on the same objective."""

    def run(model: Model, x: Any, y: Any, seed: int, budget: int) -> Run:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        result = Run()

        def objective(trial: Any) -> float:
            value = cross_validate(model, x, y, model.space(trial, True), seed)
            result.points.append((len(result.points) + 1.0, value))
            return value

        start = time.perf_counter()
        samplers = {"tpe": optuna.samplers.TPESampler, "gp": optuna.samplers.GPSampler}
        sampler = _quiet(lambda: samplers[kind](seed=seed))
        study = optuna.create_study(sampler=sampler, direction=_direction(model))
        _quiet(lambda: study.optimize(objective, n_trials=budget))
        result.seconds = time.perf_counter() - start
        return result

    return run


def _gp(model: Model, seed: int, budget: int) -> Sampler:
    from ..samplers import GPSampler

    return GPSampler(
        seed=seed, n_startup_trials=startup_trials(budget), warn_independent_sampling=False
    )


# Row label -> (method, the paper's row it stands beside, or None).
METHODS: dict[str, tuple[Method, str | None]] = {
    "default": (default, "Default HPs"),
    "grid": (_sampled(lambda m, s, b: GridSampler(m.grid, seed=s)), "GS"),
    "random": (_sampled(lambda m, s, b: RandomSampler(seed=s)), "RS"),
    "qmc": (_sampled(lambda m, s, b: QMCSampler(seed=s, warn_independent_sampling=False)), None),
    "bo-gp": (_sampled(_gp), "BO-GP"),
    "bo-tpe": (
        _sampled(
            lambda m, s, b: TPESampler(
                seed=s, n_startup_trials=startup_trials(b), warn_independent_sampling=False
            )
        ),
        "BO-TPE",
    ),
    "hyperband": (_multi_fidelity(_hyperband), "Hyperband"),
    "bohb": (_multi_fidelity(_bohb), "BOHB"),
    "cma-es": (
        _sampled(lambda m, s, b: CmaEsSampler(seed=s, warn_independent_sampling=False)),
        None,
    ),
    "cfo": (_sampled(lambda m, s, b: CFOSampler(m.low_cost or None, seed=s)), None),
    "blendsearch": (
        _sampled(
            lambda m, s, b: BlendSearchSampler(low_cost_partial_config=m.low_cost or None, seed=s)
        ),
        None,
    ),
    "optuna-tpe": (_optuna("tpe"), None),
    "optuna-gp": (_optuna("gp"), None),
}
PEERS = ("optuna-tpe", "optuna-gp")


if hasattr(_samplers, "AutoSampler"):
    # The automatic choice, where it has landed (it sizes its own start to the budget).
    METHODS["auto"] = (_sampled(lambda m, s, b: _samplers.AutoSampler(seed=s)), None)
