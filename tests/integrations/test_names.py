"""The integration names: lazy, the same objects under Optuna's names, missing extras named."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import hypersweep as hs

from ..conftest import require

HEAVY = (
    "lightgbm",
    "xgboost",
    "torch",
    "lightning",
    "pytorch_lightning",
    "keras",
    "mlflow",
    "wandb",
    "sklearn",
)


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_hypersweep_loads_no_training_library() -> None:
    loaded = _run(f"""
        import sys, hypersweep as hs
        hs.integrations, hs.integration
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
    """)
    assert loaded.strip() == "[]"


@pytest.mark.parametrize("name", sorted(hs.integration.__all__))
def test_optuna_names_are_the_same_objects(name: str) -> None:
    module = {
        "HypersweepSearchCV": "sklearn",
        "OptunaSearchCV": "sklearn",
        "LightGBMPruningCallback": "lightgbm",
        "XGBoostPruningCallback": "xgboost",
        "KerasPruningCallback": "keras",
        "MLflowCallback": "mlflow",
        "WeightsAndBiasesCallback": "wandb",
        "WandbCallback": "wandb",
    }.get(name, "torch")
    require(module)
    assert getattr(hs.integration, name) is getattr(hs.integrations, name)
    assert name in dir(hs.integrations) and name in dir(hs.integration)


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="NoSuchCallback"):
        hs.integrations.NoSuchCallback  # noqa: B018
    with pytest.raises(AttributeError, match="NoSuchCallback"):
        hs.integration.NoSuchCallback  # noqa: B018


def test_an_optuna_script_runs_after_changing_the_import() -> None:
    require("lightgbm")
    script = textwrap.dedent("""
        import numpy as np, lightgbm as lgb
        import hypersweep as optuna

        rng = np.random.default_rng(0)
        X = rng.normal(size=(200, 4)); y = (X[:, 0] > 0).astype(int)

        def objective(trial):
            params = {"objective": "binary", "metric": "binary_logloss", "verbose": -1,
                      "num_threads": 1,
                      "num_leaves": trial.suggest_int("num_leaves", 2, 16)}
            dtrain = lgb.Dataset(X[:150], y[:150]); dvalid = lgb.Dataset(X[150:], y[150:])
            pruning = optuna.integration.LightGBMPruningCallback(trial, "binary_logloss")
            booster = lgb.train(params, dtrain, 10, valid_sets=[dvalid], callbacks=[pruning])
            return booster.best_score["valid_0"]["binary_logloss"]

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=2))
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study.optimize(objective, n_trials=6)
        result = (len(study.trials), isinstance(study.best_value, float))
    """)
    namespace: dict[str, object] = {}
    exec(compile(script, "optuna_script.py", "exec"), namespace)
    assert namespace["result"] == (6, True)


@pytest.mark.parametrize(
    ("name", "args", "extra"),
    [
        ("LightGBMPruningCallback", (None, "auc"), "lightgbm"),
        ("XGBoostPruningCallback", (None, "valid-auc"), "xgboost"),
        ("KerasPruningCallback", (None, "val_loss"), "keras"),
        ("MLflowCallback", (), "mlflow"),
        ("WeightsAndBiasesCallback", (), "wandb"),
    ],
)
def test_a_missing_library_names_the_extra(monkeypatch, name, args, extra) -> None:
    callback = getattr(hs.integrations, name)
    monkeypatch.setitem(sys.modules, extra, None)  # import now fails as if not installed
    if extra in ("xgboost", "keras"):
        module = sys.modules[f"hypersweep.integrations.{extra}"]
        monkeypatch.setattr(module, "_callback_class", module._callback_class.__wrapped__)
    with pytest.raises(ImportError, match=rf"pip install 'hypersweep\[{extra}\]'"):
        callback(*args)


def test_missing_lightning_names_the_extra(monkeypatch) -> None:
    import importlib.util

    from hypersweep.integrations import lightning

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    monkeypatch.delitem(sys.modules, "lightning.pytorch", raising=False)
    monkeypatch.delitem(sys.modules, "pytorch_lightning", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'hypersweep\[lightning\]'"):
        lightning.PyTorchLightningPruningCallback(None, "val_loss")
