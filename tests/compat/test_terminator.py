"""``hs.terminator``: the regret bound from our GP against the cross-validation error, the
stagnation evaluator, the callback; the error formula checked against Optuna's."""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep.trial import FrozenTrial, StudyDirection, TrialState, keys

from .test_define_by_run import LIBS


def _noisy(trial: Any) -> float:
    """A flat-bottomed problem whose CV scores have noise 0.3: little left to gain."""
    x = trial.suggest_float("x", -1, 1)
    y = trial.suggest_float("y", -1, 1)
    noise = np.random.default_rng(trial.number).normal(0.0, 0.3, size=5)
    scores = 0.1 * (x**2 + y**2) + noise
    hs.terminator.report_cross_validation_scores(trial, scores)
    return float(scores.mean())


def _improving(trial: Any) -> float:
    """Every trial is much better than the last, with tiny CV noise."""
    trial.suggest_float("x", -1, 1)
    value = 100.0 - 10.0 * trial.number
    hs.terminator.report_cross_validation_scores(trial, [value - 1e-6, value + 1e-6])
    return value


def _callback(min_n_trials: int) -> hs.terminator.TerminatorCallback:
    terminator = hs.terminator.Terminator(
        hs.terminator.RegretBoundEvaluator(seed=0), min_n_trials=min_n_trials
    )
    return hs.terminator.TerminatorCallback(terminator)


def test_regret_bound_stops_a_noisy_study_early() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(_noisy, n_trials=80, callbacks=[_callback(10)])
    assert 10 <= len(study.trials) < 80


def test_a_steadily_improving_study_runs_past_min_n_trials() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(_improving, n_trials=30, callbacks=[_callback(15)])
    assert len(study.trials) == 30  # the regret bound stays far above the 1e-6 error


def test_never_before_min_n_trials() -> None:
    terminator = hs.terminator.Terminator(
        hs.terminator.BestValueStagnationEvaluator(0),
        hs.terminator.StaticErrorEvaluator(1e9),
        min_n_trials=12,
    )
    study = hs.create_study()
    study.optimize(
        lambda t: 1.0, n_trials=40, callbacks=[hs.terminator.TerminatorCallback(terminator)]
    )
    assert len(study.trials) == 12


def test_stagnation_evaluator() -> None:
    terminator = hs.terminator.Terminator(
        hs.terminator.BestValueStagnationEvaluator(max_stagnation_trials=5), min_n_trials=1
    )
    values = iter([5.0, 4.0, 3.0] + [3.5] * 20)
    study = hs.create_study()
    study.optimize(
        lambda t: next(values),
        n_trials=23,
        callbacks=[hs.terminator.TerminatorCallback(terminator)],
    )
    assert len(study.trials) == 3 + 6  # best at trial 2; stops when 6 trials have not beaten it


def _frozen(scores: list[float], value: float) -> FrozenTrial:
    return FrozenTrial(
        number=0, state=TrialState.COMPLETE, values=(value,), system_attrs={keys.CV_SCORES: scores}
    )


def test_cross_validation_error_matches_optuna() -> None:
    scores = [0.81, 0.79, 0.85, 0.77, 0.8]
    ours = hs.terminator.CrossValidationErrorEvaluator().evaluate(
        [_frozen(scores, 0.8)], StudyDirection.MAXIMIZE
    )
    k = len(scores)
    assert ours == pytest.approx(np.sqrt((1 / k + 1 / (k - 1)) * np.var(scores)))
    if len(LIBS) > 1:
        optuna = LIBS[1]
        importlib.import_module("optuna.terminator")  # a submodule Optuna does not import

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = optuna.terminator.CrossValidationErrorEvaluator().evaluate(
                [
                    optuna.trial.create_trial(
                        value=0.8,
                        params={},
                        distributions={},
                        system_attrs={"terminator:cv_scores": scores},
                    )
                ],
                optuna.study.StudyDirection.MAXIMIZE,
            )
        assert ours == pytest.approx(theirs)


def test_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="two"):
        hs.terminator.report_cross_validation_scores(hs.FixedTrial({}), [1.0])
    with pytest.raises(ValueError, match="report_cross_validation_scores"):
        hs.terminator.CrossValidationErrorEvaluator().evaluate(
            [FrozenTrial(number=0, state=TrialState.COMPLETE, values=(1.0,))],
            StudyDirection.MINIMIZE,
        )
    with pytest.raises(ValueError, match="min_n_trials"):
        hs.terminator.Terminator(min_n_trials=0)


def _bound(xs: list[float]) -> float:
    study = hs.create_study()
    for x in xs:
        study.enqueue_trial({"x": x})
    study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=len(xs))
    return hs.terminator.RegretBoundEvaluator(seed=0).evaluate(
        study.trials, StudyDirection.MINIMIZE
    )


def test_regret_bound_is_small_where_the_space_is_known() -> None:
    """Values span 0..16. Trials covering the whole range (the optimum included): little
    left to gain. Trials only in [-3, -2]: the rest of the range may hold much better."""
    covered = _bound([float(x) for x in np.linspace(-3, 3, 41)])
    one_corner = _bound([float(x) for x in np.linspace(-3, -2, 20)])
    assert 0.0 <= covered < 0.5
    assert one_corner > 2.0


def test_median_error_evaluator_sets_its_threshold_once() -> None:
    improvement = hs.terminator.BestValueStagnationEvaluator(10)
    median = hs.terminator.MedianErrorEvaluator(improvement, warm_up_trials=2, n_initial_trials=4)
    trials = [
        FrozenTrial(number=i, state=TrialState.COMPLETE, values=(float(10 - i),)) for i in range(5)
    ]
    assert median.evaluate(trials, StudyDirection.MINIMIZE) < 0  # not enough trials yet
    trials.append(FrozenTrial(number=5, state=TrialState.COMPLETE, values=(1.0,)))
    first = median.evaluate(trials, StudyDirection.MINIMIZE)
    assert first == pytest.approx(10 * 0.01)  # every prefix improves at its last trial
    assert median.evaluate(trials[:1], StudyDirection.MINIMIZE) == first


@pytest.mark.skipif(len(LIBS) < 2, reason="needs optuna")
def test_regret_bound_is_close_to_optuna() -> None:
    pytest.importorskip("torch")  # Optuna's GP
    optuna = LIBS[1]
    importlib.import_module("optuna.terminator")  # a submodule Optuna does not import

    def theirs(xs: list[float]) -> float:
        study = optuna.create_study()
        for x in xs:
            study.enqueue_trial({"x": x})
        study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=len(xs))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            evaluator = optuna.terminator.RegretBoundEvaluator(seed=0)
        return float(evaluator.evaluate(study.trials, optuna.study.StudyDirection.MINIMIZE))

    # Measured: covered 0.0054 (Optuna 0.0051), one corner 18.0 (Optuna 10.9).
    for xs in (
        [float(x) for x in np.linspace(-3, 3, 41)],
        [float(x) for x in np.linspace(-3, -2, 20)],
    ):
        ours, ref = _bound(xs), theirs(xs)
        assert ref / 3 < ours < ref * 3
