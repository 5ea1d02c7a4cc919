"""Pruning callback for PyTorch Lightning, imported as ``lightning`` or ``pytorch_lightning``."""

from __future__ import annotations

import functools
import importlib.util
import sys
from typing import Any

from .._internal.optional import import_optional
from ..study import Trial
from ._pruning import Reporter, missing_metric

#: flavour -> the module whose ``Callback`` the trainer accepts.
_FLAVOURS = {"lightning": "lightning.pytorch", "pytorch_lightning": "pytorch_lightning"}


class PyTorchLightningPruningCallback:
    """Report a logged validation metric at the end of each validation run and stop the trial
    when the scheduler says so (the step is ``trainer.current_epoch``).

    ``monitor`` is the name given to ``self.log(...)`` in the LightningModule, e.g.
    ``"val_loss"``. A name that was not logged raises ``ValueError`` listing those that
    were. An instance is a ``Callback`` of the Lightning in use: ``flavour="lightning"``
    (``import lightning``) or ``"pytorch_lightning"``; by default the one already imported,
    else ``lightning`` when installed. ``LightningPruningCallback`` is the same class.

    Give the define-by-run ``trial``; or ``None`` inside a trainable run by
    :func:`hypersweep.tune`, which then reports ``{report_as or monitor: value}`` through
    :func:`hypersweep.report` at step ``epoch + 1``.

    >>> import hypersweep as hs, lightning.pytorch as pl
    >>> trial = hs.create_study().ask()
    >>> callback = hs.integrations.PyTorchLightningPruningCallback(trial, "val_loss")
    >>> isinstance(callback, pl.Callback)
    True
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> PyTorchLightningPruningCallback:
        if cls is PyTorchLightningPruningCallback:  # the Callback subclass of the flavour
            cls = _callback_class(_flavour(kwargs.get("flavour")))
        return super().__new__(cls)

    def __init__(
        self,
        trial: Trial | None,
        monitor: str,
        *,
        flavour: str | None = None,
        report_as: str | None = None,
    ) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be the logged metric's name (a str), got {monitor!r}.")
        super().__init__()  # Lightning's Callback
        self._reporter = Reporter(
            trial, report_as or monitor, owner="PyTorchLightningPruningCallback"
        )
        self.monitor = monitor

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        """Lightning calls this after each validation run."""
        if trainer.sanity_checking:
            return
        metrics = trainer.callback_metrics
        if self.monitor not in metrics:
            raise missing_metric(
                "PyTorchLightningPruningCallback",
                self.monitor,
                metrics,
                "(log it with self.log(name, value) in validation_step)",
            )
        self._reporter.report(metrics[self.monitor], trainer.current_epoch)


LightningPruningCallback = PyTorchLightningPruningCallback


def _flavour(asked: str | None) -> str:
    if asked is not None:
        if asked not in _FLAVOURS:
            raise ValueError(
                f"flavour must be one of {sorted(_FLAVOURS)} (or None), got {asked!r}."
            )
        return asked
    imported = [f for f, module in _FLAVOURS.items() if module in sys.modules]
    if len(imported) == 1:
        return imported[0]
    if importlib.util.find_spec("lightning") is not None:
        return "lightning"
    if importlib.util.find_spec("pytorch_lightning") is not None:
        return "pytorch_lightning"
    raise ImportError(
        "PyTorchLightningPruningCallback needs the optional package 'lightning', which is not "
        "installed. Install it with: pip install 'hypersweep[lightning]'"
    )


@functools.cache
def _callback_class(flavour: str) -> type[PyTorchLightningPruningCallback]:
    library = import_optional(_FLAVOURS[flavour], "lightning", "PyTorchLightningPruningCallback")

    class _LightningPruningCallback(PyTorchLightningPruningCallback, library.Callback):  # type: ignore[misc,name-defined]
        pass

    _LightningPruningCallback.__name__ = "PyTorchLightningPruningCallback"
    _LightningPruningCallback.__qualname__ = "PyTorchLightningPruningCallback"
    _LightningPruningCallback.__module__ = __name__
    return _LightningPruningCallback
