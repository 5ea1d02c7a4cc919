"""Conformance suite for samplers."""

from __future__ import annotations

import pickle
from collections.abc import Callable

from ..samplers import Sampler
from ..study import Study, create_study
from ..trial import TrialState
from ._assert import expect
from .objectives import conditional_objective, mixed_objective

SamplerFactory = Callable[[int], Sampler]


def _run(
    factory: SamplerFactory,
    seed: int,
    objective: Callable[..., float],
    n: int,
    directions: list[str] | None = None,
) -> Study:
    study = create_study(sampler=factory(seed), directions=directions or ["minimize"])
    if directions and len(directions) > 1:
        study.optimize(lambda t: [objective(t)] * len(directions), n_trials=n)
    else:
        study.optimize(objective, n_trials=n, catch=())
    return study


def check_sampler(
    factory: SamplerFactory, n_trials: int = 30, multi_objective: bool = True
) -> None:
    """Check a sampler built by ``factory(seed)`` against the sampler protocol.

    * every value lies in its distribution (bounds, steps, log, choices, single values);
    * conditional (define-by-run) parameters work;
    * the same seed gives the same trials; another seed gives others;
    * multi-objective studies run (unless ``multi_objective=False``);
    * running trials (pending evaluations) in the history are tolerated;
    * the sampler pickles (process workers receive a copy) and the copy samples the same.
    """
    clone = pickle.loads(pickle.dumps(factory(0)))
    expect(
        [t.params for t in _run(lambda seed: clone, 0, mixed_objective, 5).trials]
        == [t.params for t in _run(factory, 0, mixed_objective, 5).trials],
        "a pickled copy of the sampler must propose the same trials",
    )
    study = _run(factory, 0, mixed_objective, n_trials)
    trials = study.trials
    expect(len(trials) == n_trials, f"expected {n_trials} trials, got {len(trials)}")
    for t in trials:
        expect(
            t.state is TrialState.COMPLETE, f"trial {t.number} is {t.state.name}: {t.fail_reason}"
        )
        for name, value in t.params.items():
            dist = t.distributions[name]
            expect(dist.contains(value), f"trial {t.number}: {name}={value!r} is not in {dist}")
    expect(
        all(t.params["single"] == 2.0 for t in trials),
        "a single-valued distribution must give its value",
    )

    cond = _run(factory, 0, conditional_objective, n_trials)
    for t in cond.trials:
        expect(
            t.state is TrialState.COMPLETE,
            f"conditional trial {t.number} is {t.state.name}: {t.fail_reason}",
        )
        kernel = t.params["kernel"]
        expect(
            ("gamma" in t.params) == (kernel == "rbf"),
            f"trial {t.number}: gamma present with {kernel}",
        )
        expect(
            ("degree" in t.params) == (kernel == "poly"),
            f"trial {t.number}: degree present with {kernel}",
        )

    again = _run(factory, 0, mixed_objective, n_trials)
    expect(
        [t.params for t in again.trials] == [t.params for t in trials],
        "the same seed must give the same trials",
    )
    other = _run(factory, 1, mixed_objective, n_trials)
    expect(
        [t.params for t in other.trials] != [t.params for t in trials],
        "another seed must give other trials",
    )

    if multi_objective:
        mo = _run(factory, 0, mixed_objective, max(5, n_trials // 3), ["minimize", "maximize"])
        expect(
            all(t.state is TrialState.COMPLETE for t in mo.trials),
            "multi-objective trials must complete",
        )

    pending = create_study(sampler=factory(0))
    running = [pending.ask() for _ in range(3)]
    for trial in running:
        trial.suggest_float("x", 0.0, 1.0)
    pending.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=5, catch=())
    expect(
        len(pending.get_trials(states=(TrialState.COMPLETE,))) == 5,
        "trials must complete while other trials are running",
    )
