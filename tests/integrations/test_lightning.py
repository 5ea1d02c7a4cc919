"""PyTorchLightningPruningCallback with the real Lightning (both import names), tiny CPU MLP."""

from __future__ import annotations

import importlib
import warnings

import pytest

import hypersweep as hs

from ..conftest import IN_CI, require
from .conftest import PruneAtStep

FLAVOURS = {"lightning": "lightning.pytorch", "pytorch_lightning": "pytorch_lightning"}


@pytest.fixture(params=sorted(FLAVOURS))
def flavour(request: pytest.FixtureRequest) -> str:
    require("torch")
    try:
        importlib.import_module(FLAVOURS[request.param])
    except ImportError:
        if IN_CI:
            raise
        pytest.skip(f"{request.param} is not installed")
    return str(request.param)


def _fit(flavour: str, callback: object, X, y, tmp_path, epochs: int = 3, log_as: str = "val_loss"):
    import torch

    pl = importlib.import_module(FLAVOURS[flavour])

    class MLP(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2)
            )

        def training_step(self, batch, _):
            x, t = batch
            return torch.nn.functional.cross_entropy(self.net(x), t)

        def validation_step(self, batch, _):
            x, t = batch
            self.log(log_as, torch.nn.functional.cross_entropy(self.net(x), t))

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.1)

    torch.manual_seed(0)
    data = torch.utils.data
    train = data.DataLoader(
        data.TensorDataset(torch.tensor(X[:150]), torch.tensor(y[:150])), batch_size=50
    )
    valid = data.DataLoader(
        data.TensorDataset(torch.tensor(X[150:]), torch.tensor(y[150:])), batch_size=50
    )
    trainer = pl.Trainer(
        max_epochs=epochs,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=str(tmp_path),
        callbacks=[callback],
        num_sanity_val_steps=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few workers, small batches: Lightning's advice
        trainer.fit(MLP(), train, valid)
    return trainer


def test_is_a_callback_of_the_flavour(flavour: str) -> None:
    pl = importlib.import_module(FLAVOURS[flavour])
    trial = hs.create_study().ask()
    cb = hs.integrations.PyTorchLightningPruningCallback(trial, "val_loss", flavour=flavour)
    assert isinstance(cb, pl.Callback)
    assert isinstance(cb, hs.integrations.PyTorchLightningPruningCallback)
    assert (
        hs.integrations.LightningPruningCallback is hs.integrations.PyTorchLightningPruningCallback
    )


def test_reports_each_epoch(flavour: str, binary_data, tmp_path) -> None:
    X, y = binary_data
    study = hs.create_study()
    trial = study.ask()
    cb = hs.integrations.PyTorchLightningPruningCallback(trial, "val_loss", flavour=flavour)
    trainer = _fit(flavour, cb, X, y, tmp_path)
    values = study.trials[0].intermediate_values
    assert sorted(values) == [0, 1, 2]  # the sanity check is not reported
    assert values[2] == pytest.approx(float(trainer.callback_metrics["val_loss"]))


def test_prunes(flavour: str, binary_data, tmp_path) -> None:
    X, y = binary_data

    def objective(trial: hs.Trial) -> float:
        cb = hs.integrations.PyTorchLightningPruningCallback(trial, "val_loss", flavour=flavour)
        _fit(flavour, cb, X, y, tmp_path, epochs=5)
        return 0.0

    study = hs.create_study(scheduler=PruneAtStep(1))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == hs.TrialState.PRUNED
    assert sorted(study.trials[0].intermediate_values) == [0, 1]


def test_wrong_monitor_lists_the_logged_names(flavour: str, binary_data, tmp_path) -> None:
    X, y = binary_data
    trial = hs.create_study().ask()
    cb = hs.integrations.PyTorchLightningPruningCallback(trial, "val_loss", flavour=flavour)
    with pytest.raises(ValueError, match=r"'val_loss'.*'valid_loss'"):
        _fit(flavour, cb, X, y, tmp_path, epochs=1, log_as="valid_loss")


def test_inside_tune(binary_data, tmp_path) -> None:
    require("lightning")
    X, y = binary_data

    def trainable(config: dict) -> None:
        cb = hs.integrations.LightningPruningCallback(None, "val_loss")
        _fit("lightning", cb, X, y, tmp_path, epochs=3)

    result = hs.tune(
        trainable,
        {"unused": hs.uniform(0, 1)},
        metric="val_loss",
        mode="min",
        num_samples=1,
        scheduler=PruneAtStep(2),
    )
    trial = result.study.trials[0]
    assert trial.state == hs.TrialState.PRUNED
    assert sorted(trial.intermediate_values) == [1, 2]


def test_unknown_flavour() -> None:
    with pytest.raises(ValueError, match="flavour"):
        hs.integrations.PyTorchLightningPruningCallback(None, "val_loss", flavour="keras")
