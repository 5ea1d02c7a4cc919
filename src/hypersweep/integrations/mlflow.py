"""Study callback that records each finished trial as an MLflow run."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from .._internal.optional import import_optional
from ..study import Study
from ..trial import FrozenTrial, TrialState
from ._tracking import metric_names

#: Trial state -> MLflow run status.
_STATUS = {
    TrialState.COMPLETE: "FINISHED",
    TrialState.PRUNED: "KILLED",
    TrialState.FAIL: "FAILED",
}
_STUDY_TAG = "hypersweep.study_name"
_PARENT_TAG = "hypersweep.parent"


class MLflowCallback:
    """Record each finished trial as an MLflow run, nested under one run for the study.

    Pass it to ``study.optimize(..., callbacks=[MLflowCallback()])``. The study's run lives
    in the experiment named after the study (created unless ``create_experiment=False``).
    Each trial's run (named ``trial-<number>``) logs the trial's parameters, its value(s) as
    metrics named ``metric_name`` (a list names each objective), its intermediate values as
    the metric ``intermediate_value`` (step by step), its state as the run's status
    (``FINISHED``, ``KILLED`` for pruned, ``FAILED``) and tags: ``hypersweep.trial_number``,
    ``hypersweep.state``, ``hypersweep.study_name``, ``hypersweep.direction``, one
    ``hypersweep.distribution.<param>`` per parameter, the trial's user attributes
    (``tag_trial_user_attrs``) and the study's (``tag_study_user_attrs``). The study's run
    logs the best value so far, one step per trial. ``mlflow_kwargs`` go to
    ``MlflowClient.create_run`` for each trial's run (``tags=``, ``run_name=``).

    ``tracking_uri=None`` uses MLflow's own setting (``MLFLOW_TRACKING_URI``).

    >>> import os, tempfile, hypersweep as hs
    >>> os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"  # a local file store, for the example
    >>> uri = "file:" + tempfile.mkdtemp()
    >>> study = hs.create_study(study_name="demo")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) ** 2, n_trials=2,
    ...                callbacks=[hs.integrations.MLflowCallback(uri, metric_name="loss")])
    >>> from mlflow import MlflowClient
    >>> client = MlflowClient(uri)
    >>> runs = client.search_runs([client.get_experiment_by_name("demo").experiment_id])
    >>> sorted(r.info.run_name for r in runs)
    ['demo', 'trial-0', 'trial-1']
    """

    def __init__(
        self,
        tracking_uri: str | None = None,
        metric_name: str | Sequence[str] = "value",
        create_experiment: bool = True,
        mlflow_kwargs: Mapping[str, Any] | None = None,
        tag_study_user_attrs: bool = False,
        tag_trial_user_attrs: bool = True,
    ) -> None:
        import_optional("mlflow", "mlflow", "MLflowCallback")
        if not isinstance(metric_name, str) and not (
            isinstance(metric_name, Sequence) and all(isinstance(m, str) for m in metric_name)
        ):
            raise TypeError(f"metric_name must be a str or a list of str, got {metric_name!r}.")
        if mlflow_kwargs is not None and not isinstance(mlflow_kwargs, Mapping):
            raise TypeError(f"mlflow_kwargs must be a dict, got {type(mlflow_kwargs).__name__}.")
        self._tracking_uri = tracking_uri
        self._metric_name = metric_name
        self._create_experiment = create_experiment
        self._mlflow_kwargs = dict(mlflow_kwargs or {})
        self._tag_study_user_attrs = tag_study_user_attrs
        self._tag_trial_user_attrs = tag_trial_user_attrs
        self._parents: dict[str, str] = {}  # study name -> the study's run id
        self._lock = threading.Lock()  # trials may finish on several threads

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        """Log ``trial`` (called by ``study.optimize`` after each trial)."""
        if trial.state not in _STATUS:
            return
        mlflow = import_optional("mlflow", "mlflow", "MLflowCallback")
        client = mlflow.MlflowClient(self._tracking_uri)
        with self._lock:
            experiment_id = self._experiment(client, study.study_name)
            parent = self._parent_run(client, experiment_id, study)
        self._log_trial(mlflow, client, experiment_id, parent, study, trial)
        self._log_best(mlflow, client, parent, study, trial)

    def _experiment(self, client: Any, name: str) -> str:
        experiment = client.get_experiment_by_name(name)
        if experiment is not None:
            return str(experiment.experiment_id)
        if not self._create_experiment:
            raise ValueError(
                f"MLflowCallback: there is no MLflow experiment named {name!r} (the study's "
                "name); create it, or pass create_experiment=True."
            )
        return str(client.create_experiment(name))

    def _parent_run(self, client: Any, experiment_id: str, study: Study) -> str:
        name = study.study_name
        if name not in self._parents:
            found = client.search_runs(
                [experiment_id],
                filter_string=f"tags.`{_PARENT_TAG}` = 'true' and tags.`{_STUDY_TAG}` = '{name}'",
                max_results=1,
            )
            if found:
                self._parents[name] = found[0].info.run_id
            else:
                tags = {_PARENT_TAG: "true", _STUDY_TAG: name, **self._study_tags(study)}
                run = client.create_run(experiment_id, run_name=name, tags=tags)
                self._parents[name] = run.info.run_id
        return self._parents[name]

    def _study_tags(self, study: Study) -> dict[str, str]:
        directions = [d.name.lower() for d in study.directions]
        tags = {"hypersweep.direction": ",".join(directions)}
        if self._tag_study_user_attrs:
            tags.update({k: _text(v) for k, v in study.user_attrs.items()})
        return tags

    def _names(self, n_values: int) -> list[str]:
        return metric_names(self._metric_name, n_values, "MLflowCallback")

    def _log_trial(
        self,
        mlflow: Any,
        client: Any,
        experiment_id: str,
        parent: str,
        study: Study,
        trial: FrozenTrial,
    ) -> None:
        entities = mlflow.entities
        kwargs = dict(self._mlflow_kwargs)
        tags = {
            "mlflow.parentRunId": parent,
            _STUDY_TAG: study.study_name,
            "hypersweep.trial_number": str(trial.number),
            "hypersweep.state": trial.state.name,
            **self._study_tags(study),
            **{f"hypersweep.distribution.{k}": repr(d) for k, d in trial.distributions.items()},
        }
        if self._tag_trial_user_attrs:
            tags.update({k: _text(v) for k, v in trial.user_attrs.items()})
        tags.update(kwargs.pop("tags", None) or {})
        run = client.create_run(
            experiment_id,
            run_name=kwargs.pop("run_name", f"trial-{trial.number}"),
            tags=tags,
            **kwargs,
        )
        now = _millis(trial.datetime_complete)
        metrics = [
            entities.Metric(name, float(value), now, 0)
            for name, value in zip(
                self._names(len(study.directions)), trial.values or (), strict=False
            )
        ]
        metrics += [
            entities.Metric("intermediate_value", float(v), now, int(step))
            for step, v in sorted(trial.intermediate_values.items())
            if isinstance(v, (int, float)) and not math.isnan(v)
        ]
        params = [entities.Param(k, _text(v)[:6000]) for k, v in trial.params.items()]
        client.log_batch(run.info.run_id, metrics=metrics, params=params)
        client.set_terminated(run.info.run_id, _STATUS[trial.state])

    def _log_best(
        self, mlflow: Any, client: Any, parent: str, study: Study, trial: FrozenTrial
    ) -> None:
        if len(study.directions) != 1:
            client.set_terminated(parent, "FINISHED")
            return
        try:
            best = study.best_value
        except ValueError:  # no completed trial yet
            best = None
        if best is not None:
            client.log_metric(parent, f"best_{self._names(1)[0]}", float(best), step=trial.number)
        client.set_terminated(parent, "FINISHED")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _millis(when: Any) -> int:
    import time

    if when is None:
        return int(time.time() * 1000)
    return int(when.timestamp() * 1000)
