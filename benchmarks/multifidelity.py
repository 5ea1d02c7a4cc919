"""Multi-fidelity scheduling: speed-ups on the simulated clock, and value-for-budget vs Optuna.

    python benchmarks/multifidelity.py speedup --problem synthetic --workers 1 8 --seeds 5
    python benchmarks/multifidelity.py speedup --problem mlp --workers 1 8 --seeds 3
    python benchmarks/multifidelity.py sync --problem synthetic --workers 8 --seeds 5
    python benchmarks/multifidelity.py optuna --problem mlp --budget 1500 --seeds 5

``speedup``: every method runs on the virtual clock (``SimulatedExecutor``, epochs cost
``problem.cost(config)`` virtual seconds) for the same virtual time. The target is random
search's final quality (median over seeds of its best full-budget value); each method's time
to reach it is the median over seeds of the first time a full-budget evaluation was at least
that good; the speed-up is random search's time over the method's. The pause/resume
variants of the schedulers run (the algorithms as published).

``sync``: ASHA against synchronous successive halving with a fixed number of
configurations (one SHA bracket): worker utilisation, makespan and time to target.

``optuna``: the same problem run for real, one worker, counting budget (epochs trained)
instead of time: hypersweep's BOHB and ASHA against Optuna's HyperbandPruner + TPESampler
and SuccessiveHalvingPruner + TPESampler; best full-budget value once the budget is used.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "src"))

from mf_problems import PROBLEMS, get_problem

import hypersweep as hs
from hypersweep.executors.simulated import SimulatedExecutor, now, spend
from hypersweep.samplers import RandomSampler
from hypersweep.samplers.tpe import TPESampler
from hypersweep.schedulers.asha import ASHAScheduler
from hypersweep.schedulers.hyperband import HyperBandScheduler
from hypersweep.schedulers.successive_halving import SuccessiveHalvingScheduler
from hypersweep.study.presets import bohb

ETA = 3
METHODS = ["random", "sha", "hyperband", "asha", "bohb", "bohb-async"]
BUDGET_METHODS = [
    "hs-bohb",
    "hs-asha",
    "hs-bohb-async",
    "hs-asha-tpe",
    "optuna-hyperband-tpe",
    "optuna-sha-tpe",
]


@dataclass
class Log:
    """What one run did: full-budget results (time, value) and epochs trained."""

    finals: list[tuple[float, float]] = field(default_factory=list)
    epochs: int = 0

    def best_by(self, t: float) -> float:
        return min((v for when, v in self.finals if when <= t), default=math.inf)

    def time_to(self, target: float) -> float:
        for when, v in sorted(self.finals):
            if v <= target:
                return when
        return math.inf


class OutOfBudget(Exception):
    pass


def make_objective(
    problem: Any, log: Log, limit: Callable[[], bool], pruned: type[Exception] = hs.TrialPruned
) -> Callable[[Any], float]:
    """A resumable objective: reports every epoch, pauses/saves when told, logs finals."""
    top = problem.max_budget

    def objective(trial: Any) -> float:
        config = problem.suggest(trial)
        saved = trial.load_checkpoint() if hasattr(trial, "load_checkpoint") else None
        state = problem.start(config) if saved is None else saved["state"]
        start = 1 if saved is None else saved["epoch"] + 1
        value = math.nan
        for epoch in range(start, top + 1):
            if limit():
                trial.study.stop()
                raise pruned("out of budget")
            spend(problem.cost(config))
            value, state = problem.step(config, state, epoch)
            log.epochs += 1
            if epoch == top:
                log.finals.append((now(), value))
            trial.report(value, epoch)
            if trial.should_prune():
                if getattr(trial, "paused", False):
                    trial.save_checkpoint({"epoch": epoch, "state": state})
                raise pruned()
        return value

    return objective


def pairing(method: str, problem: Any, seed: int) -> tuple[Any, Any]:
    r, big = problem.min_budget, problem.max_budget
    if method == "random":
        return hs.samplers.RandomSampler(seed=seed), hs.schedulers.NopScheduler()
    if method.startswith("bohb"):
        return bohb(r, big, ETA, seed=seed, pause=True, asynchronous=method == "bohb-async")
    schedulers = {
        "sha": lambda: SuccessiveHalvingScheduler(r, big, ETA, pause=True),
        "hyperband": lambda: HyperBandScheduler(r, big, ETA, pause=True),
        "asha": lambda: ASHAScheduler(r, big, ETA, pause=True),
    }
    return hs.samplers.RandomSampler(seed=seed), schedulers[method]()


def busy_until(sim: SimulatedExecutor, horizon: float) -> float:
    """Busy time of all workers within [0, horizon], over n_workers * horizon."""
    busy = sum(max(0.0, min(s.end, horizon) - s.start) for s in sim.trace if s.kind == "busy")
    return busy / (sim.n_workers * horizon)


def simulate(
    method: str, problem: Any, seed: int, workers: int, horizon: float, n_trials: int | None
) -> tuple[Log, SimulatedExecutor, float]:
    log = Log()
    sim = SimulatedExecutor()
    sampler, scheduler = pairing(method, problem, seed)
    study = hs.create_study(sampler=sampler, scheduler=scheduler)
    start = time.perf_counter()
    study.optimize(
        make_objective(problem, log, lambda: now() >= horizon),
        n_trials=n_trials,
        n_jobs=workers,
        executor=sim,
        catch=(),
    )
    return log, sim, time.perf_counter() - start


def full_cost(problem: Any, seed: int = 0, n: int = 200) -> float:
    """The mean virtual cost of one full-budget evaluation of a random configuration."""
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=seed))
    costs = []
    study.optimize(lambda t: costs.append(problem.cost(problem.suggest(t))) or 0.0, n_trials=n)
    return statistics.mean(costs) * problem.max_budget


def cmd_speedup(args: argparse.Namespace) -> dict[str, Any]:
    problem = get_problem(args.problem)
    per_eval = full_cost(problem)
    out: dict[str, Any] = {}
    for workers in args.workers:
        horizon = args.budget * per_eval / workers  # `budget` full evaluations' worth of work
        logs: dict[str, list[Log]] = {}
        sims: dict[str, list[SimulatedExecutor]] = {}
        for method in args.methods:
            for seed in range(args.seeds):
                log, sim, secs = simulate(method, problem, seed, workers, horizon, None)
                logs.setdefault(method, []).append(log)
                sims.setdefault(method, []).append(sim)
                print(
                    f"  {problem.name} w={workers} {method:<9} seed={seed}: best "
                    f"{log.best_by(horizon):.4f}, {log.epochs} epochs, {secs:.1f} s real",
                    file=sys.stderr,
                )
        target = statistics.median(log.best_by(horizon) for log in logs["random"])
        base = statistics.median(log.time_to(target) for log in logs["random"])
        rows = {}
        for method in args.methods:
            t = statistics.median(log.time_to(target) for log in logs[method])
            rows[method] = {
                "time_to_target": t,
                "speedup": base / t if t > 0 else math.inf,
                "final": statistics.median(log.best_by(horizon) for log in logs[method]),
                "utilisation": statistics.median(busy_until(s, horizon) for s in sims[method]),
            }
        out[f"workers={workers}"] = {"horizon": horizon, "target": target, "methods": rows}
        print(
            f"\n{problem.name}, {workers} worker(s), virtual horizon {horizon:.0f}, "
            f"target {target:.4f} (random search's final quality, median of {args.seeds})"
        )
        print(f"{'method':<10} {'time to target':>15} {'speed-up':>9} {'final':>8} {'util':>6}")
        for method, row in rows.items():
            print(
                f"{method:<10} {row['time_to_target']:>15.0f} {row['speedup']:>8.1f}x "
                f"{row['final']:>8.4f} {row['utilisation']:>6.2f}"
            )
    return out


def cmd_sync(args: argparse.Namespace) -> dict[str, Any]:
    problem = get_problem(args.problem)
    n_configs = ETA ** len(SuccessiveHalvingScheduler(1, problem.max_budget, ETA).milestones)
    out: dict[str, Any] = {}
    for workers in args.workers:
        results: dict[str, list[tuple[Log, SimulatedExecutor]]] = {}
        for method in ("sha", "asha"):
            for seed in range(args.seeds):
                log, sim, _ = simulate(method, problem, seed, workers, math.inf, n_configs)
                results.setdefault(method, []).append((log, sim))
        target = statistics.median(min(v for _, v in log.finals) for log, _ in results["sha"])
        rows = {}
        for method, runs in results.items():
            rows[method] = {
                "utilisation": statistics.median(sim.utilisation for _, sim in runs),
                "makespan": statistics.median(sim.makespan for _, sim in runs),
                "time_to_target": statistics.median(log.time_to(target) for log, _ in runs),
                "best": statistics.median(min(v for _, v in log.finals) for log, _ in runs),
            }
        out[f"workers={workers}"] = {"n_configs": n_configs, "target": target, "methods": rows}
        print(
            f"\n{problem.name}: {n_configs} configurations, {workers} workers, target "
            f"{target:.4f} (synchronous SHA's final best, median of {args.seeds})"
        )
        print(
            f"{'method':<6} {'utilisation':>12} {'makespan':>9} {'time to target':>15} {'best':>8}"
        )
        for method, row in rows.items():
            print(
                f"{method:<6} {row['utilisation']:>12.2f} {row['makespan']:>9.0f} "
                f"{row['time_to_target']:>15.0f} {row['best']:>8.4f}"
            )
    return out


# -- real runs, counting budget, against Optuna ---------------------------------------------


def run_budgeted(method: str, problem: Any, seed: int, budget: int) -> tuple[float, int, float]:
    """Best full-budget value once ``budget`` epochs are used, epochs used, real seconds."""
    log = Log()
    r, big = problem.min_budget, problem.max_budget
    start = time.perf_counter()
    if method.startswith("optuna"):
        import optuna

        objective = make_objective(problem, log, lambda: log.epochs >= budget, optuna.TrialPruned)

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        pruner = (
            optuna.pruners.HyperbandPruner(min_resource=r, max_resource=big, reduction_factor=ETA)
            if method == "optuna-hyperband-tpe"
            else optuna.pruners.SuccessiveHalvingPruner(min_resource=r, reduction_factor=ETA)
        )
        # A fixed study name: HyperbandPruner hashes it with the trial number to pick brackets.
        study = optuna.create_study(
            sampler=optuna.samplers.TPESampler(seed=seed), pruner=pruner, study_name=f"mf-{seed}"
        )
        study.optimize(objective, n_trials=100_000)
    else:
        objective = make_objective(problem, log, lambda: log.epochs >= budget)
        if method.startswith("hs-bohb"):
            async_ = method == "hs-bohb-async"
            sampler, scheduler = bohb(r, big, ETA, seed=seed, pause=True, asynchronous=async_)
        else:  # hs-asha, hs-asha-tpe
            sampler = TPESampler(seed=seed) if method == "hs-asha-tpe" else RandomSampler(seed=seed)
            scheduler = ASHAScheduler(r, big, ETA, pause=True)
        hs.create_study(sampler=sampler, scheduler=scheduler).optimize(objective, n_trials=None)
    best = min((v for _, v in log.finals), default=math.inf)
    return best, log.epochs, time.perf_counter() - start


def cmd_optuna(args: argparse.Namespace) -> dict[str, Any]:
    problem = get_problem(args.problem)
    methods = args.methods
    rows: dict[str, Any] = {}
    for method in methods:
        bests, epochs, secs = [], [], []
        for seed in range(args.seeds):
            best, used, s = run_budgeted(method, problem, seed, args.budget)
            bests.append(best)
            epochs.append(used)
            secs.append(s)
            print(
                f"  {method:<22} seed={seed}: best {best:.4f} ({used} epochs, {s:.0f} s)",
                file=sys.stderr,
            )
        rows[method] = {
            "median_best": statistics.median(bests),
            "mean_best": statistics.mean(bests),
            "bests": bests,
            "epochs": statistics.median(epochs),
            "seconds": statistics.median(secs),
        }
    print(
        f"\n{problem.name}: best full-budget value after {args.budget} epochs, "
        f"{args.seeds} seeds, one worker"
    )
    print(f"{'method':<22} {'median best':>12} {'mean best':>10} {'epochs':>7} {'real s':>7}")
    for method, row in rows.items():
        print(
            f"{method:<22} {row['median_best']:>12.4f} {row['mean_best']:>10.4f} "
            f"{row['epochs']:>7.0f} {row['seconds']:>7.1f}"
        )
    return {"budget": args.budget, "methods": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("speedup", "sync", "optuna"):
        p = sub.add_parser(name)
        p.add_argument("--problem", default="synthetic", choices=sorted(PROBLEMS))
        p.add_argument("--seeds", type=int, default=3)
        p.add_argument("--json", type=Path)
        if name != "optuna":
            p.add_argument("--workers", type=int, nargs="+", default=[1, 8])
        if name == "speedup":
            p.add_argument("--methods", nargs="+", default=METHODS, choices=METHODS)
            p.add_argument(
                "--budget",
                type=float,
                default=100.0,
                help="virtual time: this many full-budget evaluations' worth of work",
            )
        if name == "optuna":
            p.add_argument("--budget", type=int, default=1500, help="epochs in all")
            p.add_argument("--methods", nargs="+", default=BUDGET_METHODS[:2] + BUDGET_METHODS[-2:])
    args = parser.parse_args()
    commands = {"speedup": cmd_speedup, "sync": cmd_sync, "optuna": cmd_optuna}
    result = commands[args.command](args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
