"""Importances: known rankings, the PED-ANOVA differential test against Optuna, bad input."""

from __future__ import annotations

import math
import warnings

import pytest

import hypersweep as hs
from hypersweep.importance import (
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)

from ..visualization.studies import mo_study, to_peer

pytestmark = pytest.mark.filterwarnings("ignore")


def linear_study(n: int = 300, seed: int = 0) -> hs.Study:
    """f = 10 x0 + x1 + 0 x2: the ranking is x0 > x1 > x2 (x2 plays no part)."""
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=seed))

    def objective(t: hs.Trial) -> float:
        x0, x1 = t.suggest_float("x0", 0, 1), t.suggest_float("x1", 0, 1)
        return 10 * x0 + x1 + 0 * t.suggest_float("x2", 0, 1)

    study.optimize(objective, n_trials=n)
    return study


def mixed_study(n: int = 400) -> hs.Study:
    def objective(t: hs.Trial) -> float:
        x0 = t.suggest_float("x0", 0, 1)
        x1 = t.suggest_float("x1", 1e-3, 1, log=True)
        t.suggest_int("x2", 0, 10)
        c = t.suggest_categorical("c", ["a", "b", "c"])
        if c == "a":
            t.suggest_int("cond", 1, 100, log=True)
        return 10 * x0 + math.log10(x1) + (1 if c == "b" else 0)

    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1))
    study.optimize(objective, n_trials=n)
    return study


@pytest.mark.parametrize(
    "evaluator",
    [
        None,
        PedAnovaImportanceEvaluator(),
        FanovaImportanceEvaluator(seed=0),
        MeanDecreaseImpurityImportanceEvaluator(seed=0),
    ],
    ids=["default", "ped-anova", "fanova", "mdi"],
)
def test_known_ranking(evaluator: object) -> None:
    if evaluator is not None and not isinstance(evaluator, PedAnovaImportanceEvaluator):
        pytest.importorskip("sklearn")
    imp = get_param_importances(linear_study(), evaluator=evaluator)  # type: ignore[arg-type]
    assert list(imp) == ["x0", "x1", "x2"]
    assert math.isclose(sum(imp.values()), 1.0)
    assert imp["x0"] > 0.5 and imp["x2"] < 0.05


def test_fanova_recovers_analytic_variance_shares() -> None:
    """f = 10 x0 + log10(x1) + [c == b] over a uniform space: the variances are 100/12,
    9/12 (x1 is log-uniform over 3 decades) and 2/9; x2 and cond play no part."""
    pytest.importorskip("sklearn")
    imp = get_param_importances(mixed_study(), evaluator=FanovaImportanceEvaluator(seed=0))
    total = 100 / 12 + 9 / 12 + 2 / 9
    assert imp["x0"] == pytest.approx(100 / 12 / total, abs=0.05)
    assert imp["x1"] == pytest.approx(9 / 12 / total, abs=0.03)
    assert imp["x2"] < 0.01


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"target_quantile": 0.2, "region_quantile": 0.6}, {"evaluate_on_local": False}],
)
def test_ped_anova_equals_peer(kwargs: dict[str, object]) -> None:
    """Same numbers as Optuna's PedAnovaImportanceEvaluator on the same trials (1e-9)."""
    optuna = pytest.importorskip("optuna")
    study = mixed_study()
    ours = get_param_importances(study, evaluator=PedAnovaImportanceEvaluator(**kwargs))  # type: ignore[arg-type]
    theirs = optuna.importance.get_param_importances(
        to_peer(study), evaluator=optuna.importance.PedAnovaImportanceEvaluator(**kwargs)
    )
    assert set(ours) == set(theirs)
    for k in ours:
        assert ours[k] == pytest.approx(theirs[k], abs=1e-9)
    raw = get_param_importances(study, normalize=False, target=lambda t: t.values[0])
    raw_peer = optuna.importance.get_param_importances(
        to_peer(study), normalize=False, target=lambda t: t.values[0]
    )
    for k in raw:
        assert raw[k] == pytest.approx(raw_peer[k], rel=1e-9, abs=1e-12)


def test_multi_objective() -> None:
    study = mo_study(n_trials=60)
    imp = get_param_importances(study)
    assert set(imp) == {"x", "y"}
    assert get_param_importances(study, target=lambda t: t.values[0])["x"] > 0.5
    pytest.importorskip("sklearn")
    with pytest.raises(ValueError, match="several objectives"):
        get_param_importances(study, evaluator=FanovaImportanceEvaluator())


def test_bad_input_and_small_studies() -> None:
    study = linear_study(20)
    with pytest.raises(TypeError):
        get_param_importances(study, evaluator="fanova")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        get_param_importances("study")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        get_param_importances(study, params="x0")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not in"):
        get_param_importances(study, params=["nope"])
    with pytest.raises(ValueError, match="quantile"):
        PedAnovaImportanceEvaluator(target_quantile=0.5, region_quantile=0.4)
    assert get_param_importances(hs.create_study()) == {}
    one = linear_study(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert get_param_importances(one) == {"x0": 1 / 3, "x1": 1 / 3, "x2": 1 / 3}
    assert list(get_param_importances(study, params=["x1", "x0"])) == ["x0", "x1"]
