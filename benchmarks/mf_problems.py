"""Multi-fidelity benchmark problems: learning curves over a budget (epochs).

* ``synthetic`` — six mixed parameters; the final loss (at ``R = 81`` epochs) is a known
  function of the configuration (optimum 0.05); curves converge at a rate that grows with the
  learning rate, so early rankings favour large learning rates that end worse; each epoch
  costs more for wider, deeper, smaller-batch networks.
* ``mlp`` — scikit-learn's ``MLPClassifier`` on the digits data set (``R = 27`` epochs of
  ``partial_fit``); the value is the validation error; the simulated cost of an epoch grows
  with the hidden layer and shrinks with the batch size.

Both expose ``suggest(trial) -> config``, ``start(config) -> state``,
``step(config, state, epoch) -> (value, state)``, ``cost(config)`` per epoch, ``max_budget``
and ``min_budget``, and work with any define-by-run trial (hypersweep's or Optuna's).
"""

from __future__ import annotations

import math
import warnings
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

OPTIMISERS = {"sgd": 0.15, "momentum": 0.05, "adam": 0.0}


@dataclass(frozen=True)
class Synthetic:
    """A synthetic learning-curve problem with a known optimum (0.05 at the final budget)."""

    name: str = "synthetic"
    min_budget: int = 1
    max_budget: int = 81
    optimum: float = 0.05

    def suggest(self, trial: Any) -> dict[str, Any]:
        return {
            "lr": trial.suggest_float("lr", 1e-4, 1.0, log=True),
            "width": trial.suggest_int("width", 16, 1024, log=True),
            "dropout": trial.suggest_float("dropout", 0.0, 0.8),
            "depth": trial.suggest_int("depth", 1, 6),
            "optimizer": trial.suggest_categorical("optimizer", list(OPTIMISERS)),
            "batch": trial.suggest_int("batch", 16, 512, log=True),
        }

    def final(self, c: dict[str, Any]) -> float:
        """The loss at the full budget: a known function of the configuration."""
        return (
            self.optimum
            + 0.08 * (math.log10(c["lr"]) + 2.5) ** 2
            + 0.0075 * (math.log2(c["width"]) - 8.0) ** 2
            + 0.2 * (c["dropout"] - 0.3) ** 2
            + 0.02 * (c["depth"] - 3) ** 2
            + OPTIMISERS[c["optimizer"]]
            + 0.0025 * (math.log2(c["batch"]) - 6.0) ** 2
        )

    def curve(self, c: dict[str, Any], epoch: int) -> float:
        """Loss after ``epoch`` epochs; exactly :meth:`final` at ``max_budget``."""
        speed = 1.0 / (1.0 + math.exp(-2.0 * (math.log10(c["lr"]) + 2.0)))  # fast if lr large
        alpha = 0.25 + 0.9 * speed
        amplitude = 1.2 * (1.0 + c["dropout"])
        gap = amplitude * (epoch**-alpha - self.max_budget**-alpha)
        key = zlib.crc32(repr(sorted(c.items())).encode()) ^ epoch
        noise = 0.02 * np.random.default_rng(key).standard_normal() * (1 - epoch / self.max_budget)
        return self.final(c) + gap + noise

    def start(self, c: dict[str, Any]) -> Any:
        return None

    def step(self, c: dict[str, Any], state: Any, epoch: int) -> tuple[float, Any]:
        return self.curve(c, epoch), state

    def cost(self, c: dict[str, Any]) -> float:
        return (c["width"] / 256) ** 0.5 * c["depth"] ** 0.5 * (64 / c["batch"]) ** 0.3


class MLPDigits:
    """``MLPClassifier`` on scikit-learn's digits, budget = epochs of ``partial_fit``."""

    name = "mlp"
    min_budget = 1
    max_budget = 27
    optimum = 0.0

    def __init__(self) -> None:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        x, y = load_digits(return_X_y=True)
        x = x / 16.0
        self.x_train, self.x_val, self.y_train, self.y_val = train_test_split(
            x, y, test_size=0.4, random_state=0, stratify=y
        )
        self.classes = np.arange(10)

    def suggest(self, trial: Any) -> dict[str, Any]:
        return {
            "lr": trial.suggest_float("lr", 1e-4, 0.3, log=True),
            "hidden": trial.suggest_int("hidden", 8, 128, log=True),
            "alpha": trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
            "batch": trial.suggest_int("batch", 16, 256, log=True),
            "activation": trial.suggest_categorical("activation", ["relu", "tanh", "logistic"]),
        }

    def start(self, c: dict[str, Any]) -> Any:
        from sklearn.neural_network import MLPClassifier

        seed = zlib.crc32(repr(sorted(c.items())).encode()) % (2**31)
        return MLPClassifier(
            hidden_layer_sizes=(c["hidden"],),
            activation=c["activation"],
            alpha=c["alpha"],
            batch_size=c["batch"],
            learning_rate_init=c["lr"],
            random_state=seed,
        )

    def step(self, c: dict[str, Any], model: Any, epoch: int) -> tuple[float, Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.partial_fit(self.x_train, self.y_train, classes=self.classes)
        return float(1.0 - model.score(self.x_val, self.y_val)), model

    def cost(self, c: dict[str, Any]) -> float:
        return (c["hidden"] / 32) ** 0.5 * (32 / c["batch"]) ** 0.3


class MLPDigitsLogLoss(MLPDigits):
    """The same, scored by the validation log loss: a continuous metric (the error rate of
    719 validation digits moves in steps of 0.0014 and ties most methods)."""

    name = "mlp-logloss"

    def step(self, c: dict[str, Any], model: Any, epoch: int) -> tuple[float, Any]:
        from sklearn.metrics import log_loss

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.partial_fit(self.x_train, self.y_train, classes=self.classes)
            proba = model.predict_proba(self.x_val)
        return float(log_loss(self.y_val, proba, labels=self.classes)), model


PROBLEMS = {"synthetic": Synthetic, "mlp": MLPDigits, "mlp-logloss": MLPDigitsLogLoss}


def get_problem(name: str) -> Synthetic | MLPDigits:
    if name not in PROBLEMS:
        raise ValueError(f"Unknown problem {name!r}; choose one of {sorted(PROBLEMS)}.")
    return PROBLEMS[name]()
