"""Conformance suite for samplers."""

from __future__ import annotations

import contextlib
import pickle
import random
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..samplers import Sampler
from ..study import Study, create_study
from ..trial import TrialState
from ._assert import ConformanceError, expect
from ._spec import first_difference, spec_round_trip
from .objectives import conditional_objective, mixed_objective

SamplerFactory = Callable[[int], Sampler]

#: Seeds of the global random state (``random`` and ``numpy.random``) under which the
#: reproducibility runs happen: a sampler must give the same trials under both.
_GLOBAL_SEEDS = (0, 2**31 - 1)


@contextlib.contextmanager
def _global_random_state(seed: int) -> Iterator[None]:
    """Seed ``random`` and ``numpy.random`` for the block, and restore them afterwards."""
    py_state, np_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def _run(
    factory: SamplerFactory,
    seed: int,
    objective: Callable[..., float],
    n: int,
    directions: list[str] | None = None,
    global_seed: int = _GLOBAL_SEEDS[0],
) -> Study:
    study = create_study(sampler=factory(seed), directions=directions or ["minimize"])
    name = getattr(objective, "__name__", "the objective")
    with _global_random_state(global_seed):
        try:
            if directions and len(directions) > 1:
                study.optimize(lambda t: [objective(t)] * len(directions), n_trials=n, catch=())
            else:
                study.optimize(objective, n_trials=n, catch=())
        except ConformanceError:
            raise
        except Exception as exc:
            raise ConformanceError(
                f"optimising {name} with the sampler of seed {seed} raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
    return study


def _params(study: Study) -> list[dict[str, Any]]:
    return [dict(t.params) for t in study.trials]


def _key(params: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, repr(value)) for name, value in params.items()))


def _check_values(study: Study, n_trials: int) -> None:
    trials = study.trials
    expect(len(trials) == n_trials, f"expected {n_trials} trials, got {len(trials)}")
    for t in trials:
        expect(
            t.state is TrialState.COMPLETE, f"trial {t.number} is {t.state.name}: {t.fail_reason}"
        )
        for name, value in t.params.items():
            dist = t.distributions[name]
            expect(
                dist.contains(value),
                f"trial {t.number}: {name}={value!r} is not in {dist}; a sampler must return "
                "values inside the distribution it is given (bounds, step, log, choices)",
            )
    expect(
        all(t.params["single"] == 2.0 for t in trials),
        "a single-valued distribution must give its value",
    )


def _check_explores(params: list[dict[str, Any]]) -> None:
    counts = Counter(_key(p) for p in params)
    key, times = counts.most_common(1)[0]
    point = next(p for p in params if _key(p) == key)
    expect(
        times <= max(1, len(params) // 2),
        f"the sampler proposes the same point over and over: {point} in {times} of "
        f"{len(params)} trials; it must explore, drawing from the rng it is given",
    )


def _check_reproducible(factory: SamplerFactory, reference: list[dict[str, Any]]) -> None:
    n = len(reference)
    other_global = _params(_run(factory, 0, mixed_objective, n, global_seed=_GLOBAL_SEEDS[1]))
    if other_global == reference:
        return
    same_global = _params(_run(factory, 0, mixed_objective, n, global_seed=_GLOBAL_SEEDS[0]))
    expect(
        same_global == reference,
        "the same seed must give the same trials, but two samplers of seed 0 differ "
        f"({first_difference(reference, same_global)}); draw every random number from the "
        "rng passed to the sampler (or Sampler.trial_rng), never from an unseeded generator",
    )
    raise ConformanceError(
        "the trials depend on the global random state (random / numpy.random): with the same "
        "seed they differ when the global state differs "
        f"({first_difference(reference, other_global)}); draw from the rng passed to the "
        "sampler instead"
    )


def _check_spec(factory: SamplerFactory, reference: list[dict[str, Any]]) -> None:
    rebuilt, text = spec_round_trip(factory(0), "sampler")
    got = _params(_run(lambda seed: rebuilt, 0, mixed_objective, len(reference)))
    expect(
        got == reference,
        f"the sampler rebuilt from its specification {text[:300]} proposes other trials than "
        f"the original ({first_difference(reference, got)}): every setting must come from "
        "the constructor's arguments, unchanged (do not modify an argument in __init__, "
        "store state not derived from the arguments, or set attributes after construction)",
    )


def check_sampler(
    factory: SamplerFactory, n_trials: int = 30, multi_objective: bool = True
) -> None:
    """Check a sampler built by ``factory(seed)`` against the sampler protocol.

    * every value lies in its distribution (bounds, steps, log, choices, single values);
    * it explores: no point is proposed in more than half of the trials;
    * the same seed gives the same trials, whatever the global random state (``random``,
      ``numpy.random``); another seed gives others;
    * its specification (constructor arguments, see :class:`RecordsArguments
      <hypersweep._internal.spec.RecordsArguments>`) goes through JSON and the sampler rebuilt
      from it proposes the same trials (a study stores it so other processes rebuild it);
    * the sampler pickles (process workers receive a copy) and the copy samples the same;
    * conditional (define-by-run) parameters work;
    * multi-objective studies run (unless ``multi_objective=False``);
    * running trials (pending evaluations) in the history are tolerated.

    Raises :class:`~hypersweep.testing.ConformanceError` naming the broken rule:

    >>> import hypersweep as hs
    >>> class Midpoint(hs.samplers.Sampler):
    ...     def sample_independent(self, history, trial, name, distribution, rng):
    ...         return distribution.from_unit_scalar(0.5)
    >>> try:
    ...     check_sampler(Midpoint)
    ... except ConformanceError as exc:
    ...     print(str(exc)[:49])
    the sampler proposes the same point over and over
    """
    sampler = factory(0)
    expect(
        isinstance(sampler, Sampler),
        f"factory(seed) must return a hypersweep.samplers.Sampler, got {sampler!r}",
    )
    study = _run(factory, 0, mixed_objective, n_trials)
    _check_values(study, n_trials)
    reference = _params(study)
    _check_explores(reference)
    _check_reproducible(factory, reference)
    other = _params(_run(factory, 1, mixed_objective, n_trials))
    expect(
        other != reference,
        "another seed must give other trials, but seeds 0 and 1 gave the same; derive the "
        "random numbers from the seed (the rng passed to the sampler does)",
    )

    _check_spec(factory, reference)
    try:
        clone = pickle.loads(pickle.dumps(factory(0)))
    except Exception as exc:
        raise ConformanceError(
            f"the sampler must pickle (process workers receive a copy): {type(exc).__name__}: {exc}"
        ) from exc
    n_clone = min(5, n_trials)
    expect(
        _params(_run(lambda seed: clone, 0, mixed_objective, n_clone)) == reference[:n_clone],
        "a pickled copy of the sampler must propose the same trials",
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
