"""Pruning callback for Keras 3 (``model.fit(..., callbacks=[...])``)."""

from __future__ import annotations

import functools
from typing import Any

from .._internal.optional import import_optional
from ..study import Trial
from ._pruning import Reporter, missing_metric


class KerasPruningCallback:
    """Report a Keras metric at the end of each epoch and stop the trial when the scheduler
    says so (the step is the epoch, from 0).

    ``monitor`` is a key of Keras's epoch logs: ``"val_loss"``, ``"val_accuracy"``, ...
    A key that is not there raises ``ValueError`` listing those that are (``val_*`` keys
    need ``validation_data=`` or ``validation_split=``). An instance is a
    ``keras.callbacks.Callback``; any Keras 3 backend works (torch or JAX on the CPU).

    Give the define-by-run ``trial``; or ``None`` inside a trainable run by
    :func:`hypersweep.tune`, which then reports ``{report_as or monitor: value}`` through
    :func:`hypersweep.report` at step ``epoch + 1``.

    >>> import hypersweep as hs, keras
    >>> trial = hs.create_study().ask()
    >>> callback = hs.integrations.KerasPruningCallback(trial, "val_loss")
    >>> isinstance(callback, keras.callbacks.Callback)
    True
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> KerasPruningCallback:
        if cls is KerasPruningCallback:  # build the keras.callbacks.Callback subclass
            cls = _callback_class()
        return super().__new__(cls)

    def __init__(
        self, trial: Trial | None, monitor: str, interval: int = 1, *, report_as: str | None = None
    ) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a key of Keras's logs (a str), got {monitor!r}.")
        if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
            raise ValueError(f"interval must be an int >= 1, got {interval!r}.")
        super().__init__()  # keras.callbacks.Callback's
        self._reporter = Reporter(trial, report_as or monitor, owner="KerasPruningCallback")
        self.monitor = monitor
        self.interval = interval

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Keras calls this after each epoch."""
        if (epoch + 1) % self.interval != 0:
            return
        logs = logs or {}
        if self.monitor not in logs:
            raise missing_metric("KerasPruningCallback", self.monitor, logs)
        self._reporter.report(logs[self.monitor], epoch)


@functools.cache
def _callback_class() -> type[KerasPruningCallback]:
    keras = import_optional("keras", "keras", "KerasPruningCallback")

    class _KerasPruningCallback(KerasPruningCallback, keras.callbacks.Callback):  # type: ignore[misc,name-defined]
        pass

    _KerasPruningCallback.__name__ = "KerasPruningCallback"
    _KerasPruningCallback.__qualname__ = "KerasPruningCallback"
    _KerasPruningCallback.__module__ = __name__
    return _KerasPruningCallback
