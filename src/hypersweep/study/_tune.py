"""The declarative front door: ``tune(trainable, space, metric=..., mode=...)``.

One engine, two front doors: ``tune`` builds a study, turns each trial into a ``config``
(nested like ``space``) and runs the trainable on the same sampler/scheduler/storage
machinery as ``Study.optimize``.
"""

from __future__ import annotations

import contextvars
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._internal.exceptions import StudyNotFoundError, TrialPruned
from ..executors import Executor
from ..samplers import Sampler
from ..schedulers import NopScheduler, Scheduler
from ..space import flatten_space, unflatten
from ..storage import Storage, get_storage
from ..trial import FrozenTrial, TrialState, keys
from ..trial.lineage import checkpoint_source
from ._api import create_study
from ._checkpoints import encode_checkpoint, load_stored_checkpoint
from ._retention import check_retention
from ._trial import Trial
from ._values import unwrap_0d
from .study import Study

METRICS_ATTR = keys.METRICS


@dataclass
class _Session:
    trial: Trial
    metrics: tuple[str, ...]
    #: The step of the next report without ``step=``: steps are the resource used so far,
    #: so the first report is step 1 (Ray Tune's ``training_iteration``).
    iteration: int = 1
    last: dict[str, Any] = field(default_factory=dict)
    #: The latest checkpoint given to report(): (its step, its bytes). Encoded at once (a
    #: snapshot: later in-place changes to the model do not leak into it) and written to the
    #: storage only when it is needed: the trial pauses, or completes.
    snapshot: tuple[int, bytes] | None = None

    def store_snapshot(self) -> None:
        if self.snapshot is not None:
            step, data = self.snapshot
            self.trial._store_checkpoint(data, step)
            self.snapshot = None


#: What a define-by-run objective calls instead of each function of a trainable.
_DEFINE_BY_RUN = {
    "report": (
        "trial.report(value, step), then `if trial.should_prune(): raise hypersweep.TrialPruned()`"
    ),
    "get_checkpoint": "trial.load_checkpoint() (and trial.save_checkpoint(state) to save one)",
}


def _current(what: str) -> _Session:
    session = _session.get()
    if session is None:
        raise RuntimeError(
            f"hypersweep.{what}() was called outside hypersweep.tune(); inside a define-by-run "
            f"objective use {_DEFINE_BY_RUN[what]}."
        )
    return session


_session: contextvars.ContextVar[_Session | None] = contextvars.ContextVar(
    "hypersweep_session", default=None
)


def report(
    metrics: Mapping[str, Any] | None = None,
    /,
    *,
    step: int | None = None,
    checkpoint: Any = None,
    **kwargs: Any,
) -> None:
    """Report metrics from inside a trainable run by :func:`tune`.

    ``report({"error": 0.1})`` or ``report(error=0.1)``. Each call is one step: steps are
    the resource used so far, so the first report is step 1, the next step 2, and so on (as
    Ray Tune's ``training_iteration``; ``step=`` sets it yourself, and later reports count on
    from it). The scheduler may stop the trial here, in which case ``report`` raises
    :class:`~hypersweep.TrialPruned` (let it propagate).

    ``checkpoint=`` gives the trainable's state after this step (bytes, or anything
    picklable: a dict with the epoch and the model's weights). It is copied at once and
    stored when the trial is paused by a pausing scheduler (``ASHAScheduler(pause=True)``,
    ...), so that the promoted trial resumes from it (:func:`get_checkpoint`), and when the
    trial completes (:attr:`TuneResult.best_checkpoint`). A metric called ``checkpoint``
    goes in the ``metrics`` dict.
    """
    session = _current("report")
    data = {**(metrics or {}), **kwargs}
    missing = [m for m in session.metrics if m not in data]
    if missing:
        raise ValueError(
            f"report() must include the metric(s) {missing} given to tune(); got {sorted(data)}."
        )
    if step is None:
        step = session.iteration
    session.iteration = step + 1
    session.last = data
    trial = session.trial
    values = [data[m] for m in session.metrics]
    trial.report(values[0] if len(values) == 1 else values, step)
    trial.set_user_attr(METRICS_ATTR, _jsonable(data))
    if checkpoint is not None:
        session.snapshot = (step, encode_checkpoint(checkpoint))
    if trial.should_prune():
        if trial.paused:
            session.store_snapshot()
            raise TrialPruned(f"paused by the scheduler at step {step}")
        raise TrialPruned(f"stopped by the scheduler at step {step}")


def get_checkpoint() -> Any:
    """The state to resume from, inside a trainable run by :func:`tune`: the checkpoint
    the trial's configuration last gave to :func:`report` before it was paused, or ``None``
    on a fresh start (then train from scratch).

    When it returns a checkpoint, steps counted by :func:`report` go on after the
    checkpoint's step, so continue training from the state it holds.

    >>> import hypersweep as hs
    >>> from hypersweep.schedulers.asha import ASHAScheduler
    >>> def train(config):
    ...     state = hs.get_checkpoint() or {"epoch": 0, "loss": 1.0}
    ...     for epoch in range(state["epoch"] + 1, 10):
    ...         state = {"epoch": epoch, "loss": state["loss"] * config["decay"]}
    ...         hs.report({"loss": state["loss"]}, checkpoint=state)
    >>> result = hs.tune(train, {"decay": hs.uniform(0.5, 0.99)}, metric="loss",
    ...                  num_samples=9, scheduler=ASHAScheduler(1, 9, 3, pause=True),
    ...                  sampler=hs.samplers.RandomSampler(seed=0))
    >>> result.best_checkpoint["epoch"], result.best_result["loss"] < 0.01
    (9, True)
    """
    session = _current("get_checkpoint")
    trial = session.trial
    state = trial.load_checkpoint()
    if state is not None and trial.resume_step is not None:
        session.iteration = max(session.iteration, trial.resume_step + 1)
    return state


def _jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        value = unwrap_0d(value)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            out[key] = float(value) if not isinstance(value, int) else value
        elif value is None or isinstance(value, (str, bool)):
            out[key] = value
        else:
            out[key] = repr(value)
    return out


@dataclass(frozen=True)
class TuneResult:
    """What :func:`tune` found.

    >>> import hypersweep as hs
    >>> result = hs.tune(lambda c: c["x"] ** 2, {"x": hs.uniform(-1, 1), "tag": "a"},
    ...                  metric="sq", num_samples=5, sampler=hs.samplers.RandomSampler(seed=0))
    >>> sorted(result.best_config), len(result.results)
    (['tag', 'x'], 5)
    """

    study: Study
    metric: str | tuple[str, ...]
    constants: Mapping[str, Any] = field(default_factory=dict)

    def config_of(self, trial: FrozenTrial) -> dict[str, Any]:
        """The config (nested like the space) a trial ran with."""
        return unflatten(trial.params, self.constants)

    @property
    def best_trial(self) -> FrozenTrial:
        """The best complete trial."""
        return self.study.best_trial

    @property
    def best_config(self) -> dict[str, Any]:
        """The config (nested like the space) of the best trial."""
        return self.config_of(self.best_trial)

    @property
    def best_result(self) -> dict[str, Any]:
        """The last metrics the best trial reported (or returned)."""
        return dict(self.best_trial.user_attrs.get(METRICS_ATTR, {}))

    @property
    def best_checkpoint(self) -> Any:
        """The last checkpoint the best trial gave to :func:`report` (``None`` if none)."""
        return _load_checkpoint(self.study, self.best_trial)

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial of the run."""
        return self.study.trials

    def pbt_schedule(self, trial: FrozenTrial | int | None = None) -> list[tuple[int, Any]]:
        """The hyperparameter schedule that trained ``trial``'s model (the best trial by
        default): ``(step, config)`` pairs, each config applying from its step on, across
        every pause and every clone (population based training's learnt schedule)."""
        chosen = self.best_trial if trial is None else trial
        return [
            (step, unflatten(params, self.constants))
            for step, params in self.study.pbt_schedule(chosen)
        ]

    @property
    def results(self) -> list[dict[str, Any]]:
        """One dict per trial: ``config``, ``metrics``, ``state`` and ``number``."""
        return [
            {
                "number": t.number,
                "state": t.state.name,
                "config": self.config_of(t),
                "metrics": t.user_attrs.get(METRICS_ATTR, {}),
            }
            for t in self.study.trials
        ]


def _modes(
    metric: str | Sequence[str], mode: str | Sequence[str]
) -> tuple[tuple[str, ...], list[str]]:
    metrics = (metric,) if isinstance(metric, str) else tuple(metric)
    modes = [mode] if isinstance(mode, str) else list(mode)
    if not metrics or not all(isinstance(m, str) for m in metrics):
        raise ValueError(f"metric must be a metric name or a list of names, got {metric!r}.")
    if len(modes) != len(metrics):
        raise ValueError(
            f"Give one mode per metric: {len(metrics)} metric(s), {len(modes)} mode(s)."
        )
    directions = []
    for m in modes:
        if m not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {m!r}.")
        directions.append("minimize" if m == "min" else "maximize")
    return metrics, directions


@dataclass(frozen=True)
class _TrainableObjective:
    """The define-by-run objective :func:`tune` runs: suggests the space, calls the
    trainable with its config inside a report session, and returns its metric(s). A class
    at module level (not a closure), so that it travels to process and Ray workers."""

    trainable: Callable[[dict[str, Any]], Any]
    dists: Mapping[str, Any]
    constants: Any
    metrics: tuple[str, ...]

    def __call__(self, trial: Trial) -> Any:
        params = {name: trial._suggest(name, dist) for name, dist in self.dists.items()}
        config = unflatten(params, self.constants)
        session = _Session(trial, self.metrics)
        token = _session.set(session)
        try:
            returned = self.trainable(config)
        finally:
            _session.reset(token)
        session.store_snapshot()
        if isinstance(returned, Mapping):
            session.last = dict(returned)
            trial.set_user_attr(METRICS_ATTR, _jsonable(returned))
        elif returned is not None:
            if len(self.metrics) != 1:
                raise ValueError("With several metrics the trainable must return a dict of them.")
            session.last = {self.metrics[0]: returned}
            trial.set_user_attr(METRICS_ATTR, _jsonable(session.last))
        if not session.last and trial.resume_step is not None:
            # A continuation whose trainable had nothing left to do (it was paused after its
            # last step): its result is the metrics it resumed with.
            resumed = trial.user_attrs.get(METRICS_ATTR)
            if isinstance(resumed, Mapping) and all(m in resumed for m in self.metrics):
                session.last = dict(resumed)
        if not session.last:
            raise ValueError(
                f"The trainable returned None and never reported {list(self.metrics)}; return the "
                "metric or call hypersweep.report()."
            )
        missing = [m for m in self.metrics if m not in session.last]
        if missing:
            raise ValueError(f"The trainable's result has no metric {missing}.")
        values = [session.last[m] for m in self.metrics]
        return values[0] if len(values) == 1 else values


def tune(
    trainable: Callable[[dict[str, Any]], Any],
    space: Mapping[str, Any],
    *,
    metric: str | Sequence[str],
    mode: str | Sequence[str] = "min",
    num_samples: int | None = 10,
    time_budget_s: float | None = None,
    sampler: Sampler | str | None = None,
    scheduler: Scheduler | str | None = None,
    storage: Storage | str | None = None,
    study_name: str | None = None,
    points_to_evaluate: Sequence[Mapping[str, Any]] | None = None,
    n_jobs: int = 1,
    show_progress_bar: bool = False,
    max_initial_failures: int | None = 5,
    checkpoint_retention: str = "needed",
    executor: Executor | str | None = None,
    resources: Mapping[str, float] | None = None,
) -> TuneResult:
    """Run ``trainable(config)`` on configs drawn from ``space`` and return the best.

    ``space`` is a (nested) dict whose values are distributions (``hs.uniform``,
    ``hs.loguniform``, ``hs.randint``, ``hs.choice``, ...) or constants. The trainable
    returns the metric (a float), a dict of metrics, or calls :func:`hypersweep.report`
    along the way (then the last report counts). ``points_to_evaluate`` are configs
    (flat ``a/b`` keys or nested) to try first. Without ``scheduler`` every trial runs to the
    end (``NopScheduler()``, Ray Tune's FIFO default; ``create_study`` defaults to the median
    rule instead), unless a study resumed by ``study_name`` stored one.

    A failing trainable fails its trial and the run goes on (the first failure is logged
    with its traceback), but when the first ``max_initial_failures`` trials (5 by default)
    all fail with the same exception type — a broken trainable — ``tune`` stops and
    re-raises it; ``None`` turns this off (see :meth:`Study.optimize`).

    With a scheduler that pauses trials (``ASHAScheduler(pause=True)``, PBT, PB2) every
    pause stores a checkpoint; ``checkpoint_retention="needed"`` (the default) deletes each
    one once nothing can resume from it any more, keeping those of the complete trials
    (:attr:`TuneResult.best_checkpoint`) and those a paused or running trial may still
    need. ``"all"`` keeps every checkpoint (see :meth:`Study.optimize`).

    ``executor`` (``"threads"``, ``"processes"``, ``"ray"`` or an executor) and
    ``resources`` (per trial, e.g. ``{"cpu": 1, "gpu": 0.5}``) are those of
    :meth:`Study.optimize`.

    >>> import hypersweep as hs
    >>> def train(config):
    ...     return {"error": (config["x"] - 1) ** 2}
    >>> result = hs.tune(train, {"x": hs.uniform(-3, 3)}, metric="error", mode="min",
    ...                  num_samples=30, sampler=hs.samplers.RandomSampler(seed=0))
    >>> abs(result.best_config["x"] - 1) < 0.5
    True
    """
    if not callable(trainable):
        raise TypeError(f"trainable must be callable, got {type(trainable).__name__}.")
    metrics, directions = _modes(metric, mode)
    check_retention(checkpoint_retention)
    dists, constants = flatten_space(space)
    backend = get_storage(storage)
    if scheduler is None and not _study_exists(backend, study_name):
        scheduler = NopScheduler()  # Ray Tune's default (FIFO): no early stopping
    study = create_study(
        storage=backend,
        sampler=sampler,
        scheduler=scheduler,
        study_name=study_name,
        directions=directions,
        load_if_exists=study_name is not None,
    )
    for point in points_to_evaluate or []:
        flat_point = _flat_point(point)
        unknown = sorted(set(flat_point) - set(dists))
        if unknown:
            raise ValueError(f"points_to_evaluate names {unknown}, which are not in the space.")
        study.enqueue_trial(flat_point)

    objective = _TrainableObjective(trainable, dists, constants, metrics)
    study.optimize(
        objective,
        n_trials=num_samples,
        timeout=time_budget_s,
        n_jobs=n_jobs,
        show_progress_bar=show_progress_bar,
        max_initial_failures=max_initial_failures,
        checkpoint_retention=checkpoint_retention,
        executor=executor,
        resources=resources,
    )
    return TuneResult(study, metrics[0] if len(metrics) == 1 else metrics, constants)


def _study_exists(backend: Storage, study_name: str | None) -> bool:
    if study_name is None:
        return False
    try:
        backend.get_study_id_from_name(study_name)
    except StudyNotFoundError:
        return False
    return True


def _flat_point(point: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in point.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flat_point(value, path + "/"))
        else:
            out[path] = value
    return out


def _load_checkpoint(study: Study, trial: FrozenTrial) -> Any:
    number, _ = checkpoint_source(trial)  # its own, else the one it resumed from
    if number is None:
        return None
    storage = study.storage
    trial_id = storage.get_trial_id_from_number(study._study_id, number)
    return load_stored_checkpoint(storage, trial_id)


__all__ = ["TrialState", "TuneResult", "get_checkpoint", "report", "tune"]
