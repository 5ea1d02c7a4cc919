"""KerasPruningCallback with the real Keras 3 on the torch backend (CPU)."""

from __future__ import annotations

import os

import pytest

import hypersweep as hs

from ..conftest import require
from .conftest import PruneAtStep

# Keras on torch converts tensors with np.array(x), which NumPy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


@pytest.fixture
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    require("torch")
    keras = require("keras")
    keras.utils.set_random_seed(0)
    return keras


def _fit(keras, callback, X, y, epochs: int = 3):
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(2),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model.fit(
        X[:150],
        y[:150],
        validation_data=(X[150:], y[150:]),
        epochs=epochs,
        batch_size=50,
        verbose=0,
        callbacks=[callback],
    )


def test_is_a_keras_callback(keras) -> None:
    cb = hs.integrations.KerasPruningCallback(hs.create_study().ask(), "val_loss")
    assert isinstance(cb, keras.callbacks.Callback)
    assert isinstance(cb, hs.integrations.KerasPruningCallback)


def test_reports_each_epoch(keras, binary_data) -> None:
    X, y = binary_data
    study = hs.create_study()
    trial = study.ask()
    history = _fit(keras, hs.integrations.KerasPruningCallback(trial, "val_loss"), X, y)
    values = study.trials[0].intermediate_values
    assert sorted(values) == [0, 1, 2]
    assert [values[i] for i in range(3)] == pytest.approx(history.history["val_loss"])


def test_prunes(keras, binary_data) -> None:
    X, y = binary_data

    def objective(trial: hs.Trial) -> float:
        _fit(keras, hs.integrations.KerasPruningCallback(trial, "val_accuracy"), X, y, epochs=5)
        return 0.0

    study = hs.create_study(direction="maximize", scheduler=PruneAtStep(1))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == hs.TrialState.PRUNED
    assert sorted(study.trials[0].intermediate_values) == [0, 1]


def test_wrong_monitor_lists_the_logged_keys(keras, binary_data) -> None:
    X, y = binary_data
    cb = hs.integrations.KerasPruningCallback(hs.create_study().ask(), "val_acc")
    with pytest.raises(ValueError, match=r"'val_acc'.*'val_accuracy', 'val_loss'"):
        _fit(keras, cb, X, y, epochs=1)


def test_inside_tune(keras, binary_data) -> None:
    X, y = binary_data

    def trainable(config: dict) -> None:
        _fit(keras, hs.integrations.KerasPruningCallback(None, "val_loss", report_as="loss"), X, y)

    result = hs.tune(
        trainable, {"unused": hs.uniform(0, 1)}, metric="loss", mode="min", num_samples=1
    )
    assert sorted(result.study.trials[0].intermediate_values) == [1, 2, 3]
