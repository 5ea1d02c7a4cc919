"""Study callback that logs each finished trial to Weights & Biases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._internal.optional import import_optional
from ..study import Study
from ..trial import FrozenTrial, TrialState
from ._tracking import metric_names


class WeightsAndBiasesCallback:
    """Log each finished trial to Weights & Biases.

    By default one W&B run holds the study: each finished trial logs its parameters, its
    value(s) under ``metric_name`` (a list names each objective), its state and its
    ``trial_number`` (the x-axis of the run's charts: trials that finish out of order, on
    several workers, are all kept); the run's config holds the study's name and direction. With
    ``as_multirun=True`` each trial is a run of its own (named ``trial-<number>``, grouped
    by the study's name), with its parameters as config. ``wandb_kwargs`` go to
    ``wandb.init`` (``project=``, ``mode="offline"``, ...). The run is started at the first
    finished trial and stays open (:attr:`run`; call ``run.finish()`` when done). Set
    ``WANDB_MODE=offline`` to log without an account. ``WandbCallback`` is the same class.

    >>> import hypersweep as hs
    >>> callback = hs.integrations.WeightsAndBiasesCallback(
    ...     metric_name="loss", wandb_kwargs={"mode": "disabled"})
    >>> study = hs.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, callbacks=[callback])
    >>> callback.run.summary["loss"] == study.trials[1].value
    True
    >>> callback.run.finish()
    """

    def __init__(
        self,
        metric_name: str | Sequence[str] = "value",
        wandb_kwargs: Mapping[str, Any] | None = None,
        as_multirun: bool = False,
    ) -> None:
        import_optional("wandb", "wandb", "WeightsAndBiasesCallback")
        if not isinstance(metric_name, str) and not (
            isinstance(metric_name, Sequence) and all(isinstance(m, str) for m in metric_name)
        ):
            raise TypeError(f"metric_name must be a str or a list of str, got {metric_name!r}.")
        if wandb_kwargs is not None and not isinstance(wandb_kwargs, Mapping):
            raise TypeError(f"wandb_kwargs must be a dict, got {type(wandb_kwargs).__name__}.")
        self._metric_name = metric_name
        self._wandb_kwargs = dict(wandb_kwargs or {})
        self._as_multirun = as_multirun
        #: The W&B run of the study (``None`` before the first trial, and with as_multirun).
        self.run: Any = None

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        """Log ``trial`` (called by ``study.optimize`` after each trial)."""
        if trial.state not in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL):
            return
        wandb = import_optional("wandb", "wandb", "WeightsAndBiasesCallback")
        directions = [d.name.lower() for d in study.directions]
        study_config = {"study_name": study.study_name, "direction": ",".join(directions)}
        values = dict(zip(self._names(len(directions)), trial.values or (), strict=False))
        data = {
            **trial.params,
            **values,
            "state": trial.state.name,
            "trial_number": trial.number,
        }
        if self._as_multirun:
            kwargs: dict[str, Any] = {"group": study.study_name, "name": f"trial-{trial.number}"}
            kwargs.update(self._wandb_kwargs)
            config = {**study_config, **kwargs.pop("config", {}), **trial.params}
            run = wandb.init(**kwargs, config=config, reinit="create_new")
            run.log(data)
            run.finish()
            return
        if self.run is None:
            self.run = wandb.init(**self._wandb_kwargs)
            self.run.config.update(study_config, allow_val_change=True)
            self.run.define_metric("*", step_metric="trial_number")
        self.run.log(data)

    def _names(self, n_values: int) -> list[str]:
        return metric_names(self._metric_name, n_values, "WeightsAndBiasesCallback")


WandbCallback = WeightsAndBiasesCallback
