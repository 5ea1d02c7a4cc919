"""Small studies the plot tests share, and a copy of a study into the peer (compat tests)."""

from __future__ import annotations

import math
from typing import Any

import hypersweep as hs
from hypersweep.trial import TrialState


def mixed_objective(trial: hs.Trial) -> float:
    """Float, log float, int and categorical parameters; one conditional parameter."""
    x = trial.suggest_float("x", -5, 5)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    n = trial.suggest_int("n", 1, 8)
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    extra = trial.suggest_float("extra", 0, 1) if kind == "a" else 0.0
    for step in range(1, 4):
        trial.report(x**2 / step + extra, step)
    return x**2 + math.log10(lr) + 0.1 * n + (1.0 if kind == "b" else 0.0) + extra


def mixed_study(n_trials: int = 40, seed: int = 0, name: str | None = None) -> hs.Study:
    study = hs.create_study(study_name=name, sampler=hs.samplers.RandomSampler(seed=seed))
    study.optimize(mixed_objective, n_trials=n_trials)
    return study


def study_with_failures() -> hs.Study:
    """Complete, pruned and failed trials."""
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1))

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        trial.report(x, 1)
        if trial.number % 3 == 1:
            raise hs.TrialPruned()
        if trial.number % 3 == 2:
            raise RuntimeError("boom")
        return x

    study.optimize(objective, n_trials=9, catch=(RuntimeError,))
    return study


def mo_study(n_objectives: int = 2, n_trials: int = 30) -> hs.Study:
    study = hs.create_study(
        directions=["minimize", "maximize", "minimize"][:n_objectives],
        sampler=hs.samplers.RandomSampler(seed=2),
    )

    def objective(trial: hs.Trial) -> tuple[float, ...]:
        x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
        return (x, 1 - (1 - x) ** 2 + 0.1 * y, y)[:n_objectives]

    study.optimize(objective, n_trials=n_trials)
    return study


def asha_study(pause: bool = True) -> hs.Study:
    """ASHA with pause/resume: configurations span several records."""
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=3),
        scheduler=hs.schedulers.ASHAScheduler(1, 9, 3, pause=pause),
    )

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        start = (trial.resume_step or 0) + 1
        value = x
        for step in range(start, 10):
            value = x + 1.0 / step
            trial.report(value, step)
            trial.save_checkpoint({"step": step})
            if trial.should_prune():
                raise hs.TrialPruned()
        return value

    study.optimize(objective, n_trials=30)
    return study


def pbt_study() -> hs.Study:
    scheduler = hs.schedulers.PBTScheduler(4, {"lr": hs.loguniform(1e-3, 1.0)}, seed=0)
    study = hs.create_study(
        direction="maximize", scheduler=scheduler, sampler=hs.samplers.RandomSampler(seed=0)
    )

    def objective(trial: hs.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
        state = trial.load_checkpoint()
        acc = 0.0 if state is None else float(state["acc"])
        for step in range((trial.resume_step or 0) + 1, 13):
            acc += 1.0 / (1.0 + abs(math.log10(lr / 0.1)))
            trial.report(acc, step)
            trial.save_checkpoint({"acc": acc})
            if trial.should_prune():
                raise hs.TrialPruned()
        return acc

    study.optimize(objective, n_trials=4, n_jobs=1, catch=())
    return study


def to_peer(study: hs.Study) -> Any:
    """The same trials in an Optuna in-memory study (COMPLETE, PRUNED and FAIL kept)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    d = optuna.distributions

    def conv(x: Any) -> Any:
        if isinstance(x, hs.FloatDistribution):
            return d.FloatDistribution(x.low, x.high, log=x.log, step=x.step)
        if isinstance(x, hs.IntDistribution):
            return d.IntDistribution(x.low, x.high, log=x.log, step=x.step)
        return d.CategoricalDistribution(list(x.choices))

    peer = optuna.create_study(directions=[s.name.lower() for s in study.directions])
    states = {
        TrialState.COMPLETE: optuna.trial.TrialState.COMPLETE,
        TrialState.PRUNED: optuna.trial.TrialState.PRUNED,
        TrialState.FAIL: optuna.trial.TrialState.FAIL,
    }
    for t in study.trials:
        if t.state not in states:
            continue
        peer.add_trial(
            optuna.trial.create_trial(
                params=dict(t.params),
                distributions={k: conv(v) for k, v in t.distributions.items()},
                values=list(t.values) if t.state is TrialState.COMPLETE and t.values else None,
                intermediate_values={int(k): float(v) for k, v in t.intermediate_values.items()},
                state=states[t.state],
            )
        )
    return peer
