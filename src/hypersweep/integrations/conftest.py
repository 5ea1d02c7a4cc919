"""Doctests of an integration whose library is missing are skipped outside CI (under
``CI=true`` they run, and fail): ``make test`` installs the libraries."""

from __future__ import annotations

import importlib.util
import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")  # Keras 3 on the CPU, without TensorFlow

_NEEDS = {
    "lightgbm": ("lightgbm",),
    "xgboost": ("xgboost",),
    "lightning": ("torch",),
    "keras": ("keras", "torch"),
    "mlflow": ("mlflow",),
    "wandb": ("wandb",),
    "sklearn": ("sklearn",),
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    parts = item.name.split(".")
    module = parts[2] if len(parts) > 2 and parts[:2] == ["hypersweep", "integrations"] else ""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return
    missing = [m for m in _NEEDS.get(module, ()) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (pip install 'hypersweep[{module}]')")
