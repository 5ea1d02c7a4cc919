"""Samplers and pruners written for Optuna's ``BaseSampler`` / ``BasePruner`` run unchanged:
the tutorial's simulated-annealing sampler and last-place pruner, as scripts whose only
change is ``import optuna`` -> ``import hypersweep as optuna`` (and ``from optuna...``
-> ``from hypersweep...``)."""

from __future__ import annotations

import types
import warnings
from typing import Any

import pytest

import hypersweep as hs

# From Optuna's tutorial "User-Defined Sampler" (simulated annealing), written from the
# documented API. The study's sampler sees `study.trials`, `intersection_search_space`,
# distributions' low/high/step/log and `RandomSampler().sample_independent(...)`.
SIMULATED_ANNEALING = """
import numpy as np
import optuna


class SimulatedAnnealingSampler(optuna.samplers.BaseSampler):
    def __init__(self, temperature=100):
        self._rng = np.random.RandomState(0)
        self._temperature = temperature
        self._current_trial = None

    def sample_relative(self, study, trial, search_space):
        if search_space == {}:
            return {}
        prev_trial = study.trials[-2]
        if self._current_trial is None or prev_trial.value <= self._current_trial.value:
            probability = 1.0
        else:
            probability = np.exp((self._current_trial.value - prev_trial.value) / self._temperature)
        self._temperature *= 0.9
        if self._rng.uniform(0, 1) < probability:
            self._current_trial = prev_trial
        params = {}
        for param_name, param_distribution in search_space.items():
            if (
                not isinstance(param_distribution, optuna.distributions.FloatDistribution)
                or (param_distribution.step is not None and param_distribution.step != 1)
                or param_distribution.log
            ):
                raise NotImplementedError("Only suggest_float() is supported")
            current_value = self._current_trial.params[param_name]
            width = (param_distribution.high - param_distribution.low) * 0.1
            neighbor_low = max(current_value - width, param_distribution.low)
            neighbor_high = min(current_value + width, param_distribution.high)
            params[param_name] = self._rng.uniform(neighbor_low, neighbor_high)
        return params

    def infer_relative_search_space(self, study, trial):
        return optuna.search_space.intersection_search_space(study.get_trials(deepcopy=False))

    def sample_independent(self, study, trial, param_name, param_distribution):
        independent_sampler = optuna.samplers.RandomSampler()
        return independent_sampler.sample_independent(study, trial, param_name, param_distribution)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", -5, 5)
    return x**2 + y


sampler = SimulatedAnnealingSampler()
study = optuna.create_study(sampler=sampler)
study.optimize(objective, n_trials=40)
"""

# From Optuna's tutorial "User-Defined Pruner" (last-place pruner), the objective replaced by
# fixed learning curves so that both libraries see the same values.
LAST_PLACE = """
import optuna
from optuna.pruners import BasePruner
from optuna.trial._state import TrialState


class LastPlacePruner(BasePruner):
    def __init__(self, warmup_steps, warmup_trials):
        self._warmup_steps = warmup_steps
        self._warmup_trials = warmup_trials

    def prune(self, study, trial):
        step = trial.last_step
        if step:
            this_score = trial.intermediate_values[step]
            completed_trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            other_scores = [
                t.intermediate_values[step]
                for t in completed_trials
                if step in t.intermediate_values
            ]
            other_scores = sorted(other_scores)
            if step >= self._warmup_steps and len(other_scores) > self._warmup_trials:
                if this_score < other_scores[0]:
                    return True
        return False


def objective(trial):
    k = trial.suggest_int("k", 0, len(CURVES) - 1)
    for step, value in enumerate(CURVES[k]):
        trial.report(value, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return CURVES[k][-1]


study = optuna.create_study(
    direction="maximize", pruner=LastPlacePruner(warmup_steps=1, warmup_trials=5)
)
for k in range(len(CURVES)):
    study.enqueue_trial({"k": k})
study.optimize(objective, n_trials=len(CURVES))
"""

CURVES = [
    [round(0.1 * ((k * 7) % 10) + 0.02 * s * ((k % 3) + 1), 2) for s in range(8)] for k in range(20)
]
for _k in (8, 13, 17):  # last place from step 2 on (trial 17 only from step 5)
    CURVES[_k] = [0.5, 0.3] + [(-0.1 if _k != 17 or s >= 5 else 0.9) for s in range(2, 8)]
CURVES[14] = list(CURVES[0])  # ties with the last place: not below it, goes on


def _as(script: str, library: str) -> str:
    """The script with its imports pointed at ``library`` (what a user edits)."""
    if library == "optuna":
        return script
    return script.replace("import optuna\n", "import hypersweep as optuna\n").replace(
        "from optuna.", "from hypersweep."
    )


def _exec(script: str, **names: Any) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__main__", **names}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(script, "<tutorial>", "exec"), namespace)
    return namespace


def _optuna() -> types.ModuleType:
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    return optuna


def test_simulated_annealing_sampler_runs_unchanged() -> None:
    hs.logging.set_verbosity(hs.logging.WARNING)
    try:
        ns = _exec(_as(SIMULATED_ANNEALING, "hypersweep"))
    finally:
        hs.logging.set_verbosity(hs.logging.INFO)
    study, sampler = ns["study"], ns["sampler"]
    assert isinstance(study, hs.Study)
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * 40
    # From the second trial on, every point is a neighbour (10% of the range) of an earlier
    # trial: the sampler's relative sampling ran, with the study view's trials.
    for trial in study.trials[1:]:
        earlier = study.trials[: trial.number]
        assert any(
            abs(trial.params["x"] - t.params["x"]) <= 2.0 + 1e-9
            and abs(trial.params["y"] - t.params["y"]) <= 1.0 + 1e-9
            for t in earlier
        )
    assert sampler._current_trial is not None
    assert study.best_value < study.trials[0].value


def test_last_place_pruner_prunes_where_optuna_prunes() -> None:
    optuna = _optuna()
    hs.logging.set_verbosity(hs.logging.WARNING)
    try:
        ours = _exec(_as(LAST_PLACE, "hypersweep"), CURVES=CURVES)["study"]
    finally:
        hs.logging.set_verbosity(hs.logging.INFO)
    theirs = _exec(_as(LAST_PLACE, "optuna"), CURVES=CURVES)["study"]
    assert isinstance(ours, hs.Study) and isinstance(theirs, optuna.Study)
    outline = [(t.state.name, t.last_step) for t in ours.trials]
    assert outline == [(t.state.name, t.last_step) for t in theirs.trials]
    assert any(state == "PRUNED" for state, _ in outline)


def test_a_pruner_without_prune_or_decide_is_refused_at_create_study() -> None:
    class Empty(hs.pruners.BasePruner):
        pass

    class NeitherShape(hs.schedulers.Scheduler):
        pass

    for pruner in (Empty(), NeitherShape(), object()):
        with pytest.raises(TypeError, match="prune"):
            hs.create_study(pruner=pruner)


def test_a_sampler_of_neither_shape_is_refused() -> None:
    with pytest.raises(TypeError, match="BaseSampler"):
        hs.create_study(sampler=object())

    class Partial(hs.samplers.BaseSampler):
        def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
            return 0.0

    with pytest.raises(TypeError):  # abstract methods missing, as in Optuna
        Partial()


def test_optuna_classes_from_optuna_itself_are_refused_clearly() -> None:
    optuna = _optuna()
    with pytest.raises(TypeError, match=r"hs\.pruners\.MedianPruner"):
        hs.create_study(pruner=optuna.pruners.MedianPruner())
    with pytest.raises(TypeError, match=r"hs\.samplers\.TPESampler"):
        hs.create_study(sampler=optuna.samplers.TPESampler())


def test_a_pruner_subclassing_optunas_base_class_is_adapted() -> None:
    optuna = _optuna()

    class StopOdd(optuna.pruners.BasePruner):  # written against optuna's own base class
        def prune(self, study: Any, trial: Any) -> bool:
            return trial.number % 2 == 1

    def objective(trial: hs.Trial) -> float:
        trial.report(1.0, 0)
        if trial.should_prune():
            raise hs.TrialPruned()
        return 1.0

    study = hs.create_study(pruner=StopOdd())
    study.optimize(objective, n_trials=4)
    assert [t.state.name for t in study.trials] == ["COMPLETE", "PRUNED"] * 2


def test_prune_must_return_a_bool() -> None:
    class Wrong(hs.pruners.BasePruner):
        def prune(self, study: Any, trial: Any) -> Any:
            return "yes"

    def objective(trial: hs.Trial) -> float:
        trial.report(1.0, 0)
        trial.should_prune()
        return 1.0

    study = hs.create_study(pruner=Wrong())
    with pytest.raises(TypeError, match="must return a bool"):
        study.optimize(objective, n_trials=1, catch=())


def test_study_view_is_read_only_and_says_what_it_offers() -> None:
    seen: dict[str, Any] = {}

    class Peek(hs.pruners.BasePruner):
        def prune(self, study: Any, trial: Any) -> bool:
            seen["names"] = (study.study_name, study.direction, len(study.trials))
            with pytest.raises(AttributeError, match="read-only view"):
                study.optimize  # noqa: B018
            return False

    def objective(trial: hs.Trial) -> float:
        trial.report(1.0, 0)
        trial.should_prune()
        return 1.0

    study = hs.create_study(study_name="peek", pruner=Peek())
    study.optimize(objective, n_trials=1, catch=())
    assert seen["names"] == ("peek", hs.StudyDirection.MINIMIZE, 1)


def test_a_study_based_sampler_gets_its_hooks() -> None:
    calls: list[str] = []

    class Hooks(hs.samplers.BaseSampler):
        def infer_relative_search_space(self, study: Any, trial: Any) -> dict:
            return {}

        def sample_relative(self, study: Any, trial: Any, search_space: Any) -> dict:
            return {}

        def sample_independent(self, study: Any, trial: Any, name: Any, dist: Any) -> Any:
            return dist.low

        def before_trial(self, study: Any, trial: Any) -> None:
            calls.append(f"before {trial.number}")

        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            calls.append(f"after {trial.number} {state.name} {values}")

    study = hs.create_study(sampler=Hooks())
    study.optimize(lambda t: t.suggest_float("x", 1.0, 2.0), n_trials=2)
    assert calls == ["before 0", "after 0 COMPLETE [1.0]", "before 1", "after 1 COMPLETE [1.0]"]
