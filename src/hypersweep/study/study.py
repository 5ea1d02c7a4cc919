"""The Study: composition root of space, sampler, scheduler, storage and executor."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._internal.spec import NotStorable, decode, encode
from ..algorithms import non_dominated_mask
from ..executors import Executor
from ..samplers import Sampler
from ..schedulers import Scheduler
from ..space import Distribution
from ..storage import Storage
from ..trial import FrozenTrial, History, StudyDirection, TrialState
from ..trial.constraints import feasible_only
from ..trial.lineage import schedule as lineage_schedule
from ._core import StudyCore
from ._lease import reap_stale_trials
from ._optimize import StudyFactory, run_optimize
from ._optuna_adapters import as_sampler, as_scheduler
from ._promotions import resume_promoted
from ._spec import SPEC_ATTR
from ._trial import Trial

#: The study system attribute that holds :meth:`Study.set_metric_names` (Optuna's key).
METRIC_NAMES_ATTR = "study:metric_names"

if TYPE_CHECKING:
    import pandas as pd

ObjectiveFn = Callable[[Trial], Any]
CallbackFn = Callable[["Study", FrozenTrial], None]


class Study:
    """A named optimisation: its trials live in a storage, its sampler proposes the next ones
    and its scheduler decides how long each runs.

    Create one with :func:`hypersweep.create_study` or :func:`hypersweep.load_study`.

    >>> import hypersweep as hs
    >>> study = hs.create_study(direction="minimize",
    ...                         sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2, n_trials=50)
    >>> round(study.best_params["x"])
    2
    """

    def __init__(
        self,
        study_name: str,
        storage: Storage,
        sampler: Sampler,
        scheduler: Scheduler,
    ) -> None:
        self.study_name = study_name
        self._core = StudyCore(self, study_name, storage, sampler, scheduler)

    @property
    def sampler(self) -> Sampler:
        """The sampler: which configuration to try next."""
        return self._core.sampler

    @sampler.setter
    def sampler(self, sampler: Sampler) -> None:
        sampler = as_sampler(sampler)
        sampler.check_directions(len(self._core.directions))
        self._core.sampler = sampler

    @property
    def scheduler(self) -> Scheduler:
        """The scheduler: how much budget each trial gets."""
        return self._core.scheduler

    @scheduler.setter
    def scheduler(self, scheduler: Scheduler) -> None:
        scheduler = as_scheduler(scheduler)
        scheduler.check_directions(len(self._core.directions))
        self._core.scheduler = scheduler

    # Optuna-style integrations read these two; hypersweep's own code uses the core.
    @property
    def _storage(self) -> Storage:
        return self._core.storage

    @property
    def _study_id(self) -> int:
        return self._core.study_id

    # -- identity ---------------------------------------------------------------------------
    @property
    def directions(self) -> list[StudyDirection]:
        """One direction per objective."""
        return list(self._core.directions)

    @property
    def direction(self) -> StudyDirection:
        """The direction of a single-objective study."""
        directions = self._core.directions
        if len(directions) != 1:
            raise RuntimeError(
                "This study has several objectives; use `directions` instead of `direction`."
            )
        return directions[0]

    @property
    def pruner(self) -> Scheduler:
        """The scheduler (``pruner`` is its define-by-run name)."""
        return self.scheduler

    @property
    def storage(self) -> Storage:
        """The storage this study lives in."""
        return self._core.storage

    def _history(self) -> History:
        return self._core.history()

    # -- trials -----------------------------------------------------------------------------
    @property
    def trials(self) -> list[FrozenTrial]:
        """All trials, ordered by number."""
        return self._core.storage.get_all_trials(self._core.study_id)

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """The trials, optionally only those whose state is in ``states``.

        Trials are immutable records, so ``deepcopy`` is accepted and has no effect.
        """
        return self._core.storage.get_all_trials(self._core.study_id, states)

    @property
    def best_trial(self) -> FrozenTrial:
        """The best COMPLETE trial of a single-objective study (in a constrained study, the
        best feasible one: ``ValueError`` while none is)."""
        if len(self._core.directions) != 1:
            raise RuntimeError(
                "A multi-objective study has no single best trial; use `best_trials` "
                "(the Pareto front)."
            )
        completed = self.get_trials(states=(TrialState.COMPLETE,))
        if not completed:
            raise ValueError("No trials are completed yet.")
        completed = feasible_only(completed)
        if not completed:
            raise ValueError("No feasible trials are completed yet.")
        key: Callable[[FrozenTrial], float] = lambda t: t.values[0]  # type: ignore[index]  # noqa: E731
        if self._core.directions[0] is StudyDirection.MAXIMIZE:
            return max(completed, key=key)
        return min(completed, key=key)

    @property
    def best_value(self) -> float:
        """The objective value of :attr:`best_trial`."""
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_params(self) -> dict[str, Any]:
        """The parameters of :attr:`best_trial`."""
        return dict(self.best_trial.params)

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The COMPLETE trials on the Pareto front (all trials tied for best in one objective);
        in a constrained study, the front of the feasible ones."""
        completed = feasible_only(self.get_trials(states=(TrialState.COMPLETE,)))
        if not completed:
            return []
        signs = np.array(
            [1.0 if d is StudyDirection.MINIMIZE else -1.0 for d in self._core.directions]
        )
        losses = np.array([t.values for t in completed], dtype=float) * signs
        mask = non_dominated_mask(losses)
        return [t for t, keep in zip(completed, mask, strict=False) if keep]

    # -- attributes -------------------------------------------------------------------------
    @property
    def user_attrs(self) -> dict[str, Any]:
        """The study's user attributes."""
        return self._core.storage.get_study_user_attrs(self._core.study_id)

    @property
    def system_attrs(self) -> dict[str, Any]:
        """The study's system attributes (without the stored sampler/scheduler specification)."""
        attrs = self._core.storage.get_study_system_attrs(self._core.study_id)
        attrs.pop(SPEC_ATTR, None)
        return attrs

    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the study."""
        self._core.storage.set_study_user_attr(self._core.study_id, key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value for the library's own use."""
        self._core.storage.set_study_system_attr(self._core.study_id, key, value)

    @property
    def metric_names(self) -> list[str] | None:
        """The objectives' names set by :meth:`set_metric_names` (``None`` until set)."""
        names = self._core.storage.get_study_system_attrs(self._core.study_id).get(
            METRIC_NAMES_ATTR
        )
        return None if names is None else list(names)

    def set_metric_names(self, metric_names: Sequence[str]) -> None:
        """Name the objectives (one name per direction): ``trials_dataframe`` labels the
        value columns with them (``values_accuracy``), as Optuna.

        >>> import hypersweep as hs
        >>> study = hs.create_study(directions=["minimize", "maximize"])
        >>> study.set_metric_names(["loss", "accuracy"])
        >>> study.metric_names
        ['loss', 'accuracy']
        """
        names = list(metric_names) if not isinstance(metric_names, str) else None
        if names is None or not all(isinstance(n, str) for n in names):
            raise TypeError(f"metric_names must be a list of str, got {metric_names!r}.")
        if len(names) != len(self.directions):
            raise ValueError(
                f"The study has {len(self.directions)} objective(s) but {len(names)} metric "
                f"names were given: {names!r}."
            )
        self._core.storage.set_study_system_attr(self._core.study_id, METRIC_NAMES_ATTR, names)

    # -- ask and tell ------------------------------------------------------------------------
    def ask(self, fixed_distributions: Mapping[str, Distribution] | None = None) -> Trial:
        """Start a trial (an enqueued one first) and return its handle.

        Parameters in ``fixed_distributions`` are suggested at once, so a caller that drives
        the loop itself can read them from ``trial.params``. With a scheduler that pauses
        trials, a promoted paused trial is resumed first (``trial.resume_step`` is set).
        """
        core = self._core
        trial = resume_promoted(core) or core.start_trial(None)
        assert trial is not None
        try:
            for name, dist in (fixed_distributions or {}).items():
                trial._suggest(name, dist)
        except BaseException as exc:
            core.fail_at_start(trial, exc)
            raise
        return trial

    def tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None = None,
        state: TrialState | None = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        """Finish a trial started by :meth:`ask` with its objective value(s) or a state.

        A value that is NaN, not a number, or of the wrong length fails the trial (with the
        reason recorded in ``fail_reason``) instead of raising. A PRUNED trial takes its last
        reported value.
        """
        trial_id, number = self._resolve_trial(trial)
        if state is None:
            if values is None:
                raise ValueError(
                    "tell() needs values, or state=TrialState.FAIL / PRUNED for a trial "
                    "without a result."
                )
            state = TrialState.COMPLETE
        if state not in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL):
            raise ValueError(f"tell() takes COMPLETE, PRUNED or FAIL, got {state.name}.")
        if state is TrialState.FAIL and values is not None:
            raise ValueError("A FAIL trial has no values; call tell(trial, state=FAIL).")
        return self._core.finish(trial_id, number, state, values, None, skip_if_finished)

    def _resolve_trial(self, trial: Trial | int) -> tuple[int, int]:
        if isinstance(trial, Trial):
            if trial.study is not self:
                raise ValueError(f"Trial {trial.number} belongs to another study.")
            return trial._trial_id, trial.number
        if isinstance(trial, bool) or not isinstance(trial, int):
            raise TypeError(f"tell() takes a Trial or a trial number, got {type(trial).__name__}.")
        return self._core.storage.get_trial_id_from_number(self._core.study_id, trial), trial

    # -- queue and import --------------------------------------------------------------------
    def enqueue_trial(
        self,
        params: Mapping[str, Any],
        user_attrs: Mapping[str, Any] | None = None,
        skip_if_exists: bool = False,
    ) -> None:
        """Queue a trial that will run with ``params`` before the sampler proposes any more.

        Parameters left out are sampled as usual. ``skip_if_exists=True`` does nothing when a
        waiting, running or complete trial already has exactly these params.
        """
        if not isinstance(params, Mapping):
            raise TypeError(f"params must be a dict, got {type(params).__name__}.")
        self._core.storage.enqueue_trial(self._core.study_id, params, user_attrs, skip_if_exists)

    def _enqueue_retry(self, params: Mapping[str, Any], system_attrs: Mapping[str, Any]) -> None:
        self._core.storage.enqueue_trial(self._core.study_id, params, None, False, system_attrs)

    def add_trial(self, trial: FrozenTrial) -> None:
        """Add a finished trial made elsewhere (see :func:`hypersweep.create_trial`)."""
        if not isinstance(trial, FrozenTrial):
            raise TypeError(f"add_trial takes a FrozenTrial, got {type(trial).__name__}.")
        if trial.state is TrialState.RUNNING:
            raise ValueError("add_trial takes finished or WAITING trials, not RUNNING ones.")
        if trial.values is not None and len(trial.values) != len(self._core.directions):
            raise ValueError(
                f"The trial has {len(trial.values)} values but the study has "
                f"{len(self._core.directions)} objectives."
            )
        self._core.storage.create_new_trial(self._core.study_id, template=trial)

    def add_trials(self, trials: Iterable[FrozenTrial]) -> None:
        """Add several finished trials."""
        for trial in trials:
            self.add_trial(trial)

    # -- running -----------------------------------------------------------------------------
    def optimize(
        self,
        func: ObjectiveFn,
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        catch: Iterable[type[Exception]] | type[Exception] = (Exception,),
        callbacks: Sequence[CallbackFn] | None = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
        *,
        executor: Executor | str | None = None,
        max_trials: int | None = None,
        max_initial_failures: int | None = 5,
        checkpoint_retention: str = "needed",
        resources: Mapping[str, float] | None = None,
    ) -> None:
        """Run trials of ``func`` until ``n_trials`` ran, ``timeout`` seconds passed,
        :meth:`stop` was called or the sampler is exhausted.

        An exception in ``func`` fails that trial with the reason recorded and the study goes
        on; exceptions whose type is not in ``catch`` are re-raised after the trial is
        recorded (``catch=()`` stops at the first one). The first failure of each call is
        logged with its traceback, later ones as one line. When the first
        ``max_initial_failures`` trials of the call (5 by default) all fail with the same
        exception type, the objective is taken to be broken: the call stops and re-raises
        that exception (``None`` turns this check off). A return value that is not a result
        (``None``, a string, the wrong number of values) counts as such a failure, with a
        ``ValueError``; a NaN result, a complete or a pruned trial among the first ones
        turns the check off for the rest of the call.

        ``n_jobs > 1`` runs that many workers: threads by default, or processes with
        ``executor="processes"`` (the storage must then be shared, e.g. SQLite, and the
        objective picklable), or on a Ray cluster with ``executor="ray"`` (or a
        :class:`~hypersweep.executors.RayExecutor`; as many workers as the cluster holds,
        ``n_jobs > 1`` caps them; a study in memory or SQLite is served to the workers by this
        process). ``resources={"cpu": 2, "gpu": 0.5}`` is what each trial asks for: Ray
        places it; the process executor pins each worker to its share of this machine's GPUs
        (``CUDA_VISIBLE_DEVICES``: with ``gpu=0.5``, two workers per GPU). ``max_trials``
        stops once the study holds that many started trials in all, counting every worker and
        earlier calls — an exact, study-wide budget.

        ``checkpoint_retention``: with a scheduler that pauses trials (ASHA or Hyperband with
        ``pause=True``, PBT, PB2), ``"needed"`` (the default) deletes a trial's checkpoint
        once nothing can load it any more: not a COMPLETE trial's, not a paused trial's
        that may still be continued or cloned, not the one a running trial (or a failed
        continuation, which a retry may run again) resumed from. Each worker checks after
        every trial it finishes. ``"all"`` keeps every checkpoint (to study them after the
        run, or for a scheduler of your own that clones older records). Other schedulers'
        checkpoints are always kept.
        """
        run_optimize(
            self._core,
            self._factory,
            func,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=catch,
            callbacks=callbacks,
            gc_after_trial=gc_after_trial,
            show_progress_bar=show_progress_bar,
            executor=executor,
            max_trials=max_trials,
            max_initial_failures=max_initial_failures,
            checkpoint_retention=checkpoint_retention,
            resources=resources,
        )

    def stop(self) -> None:
        """Finish the running trials and start no more (call it from an objective or callback)."""
        if not self._core.optimizing:
            raise RuntimeError(
                "Study.stop() only works while optimize() runs: call it from the objective "
                "or a callback."
            )
        self._core.stop_flag = True

    def pbt_schedule(self, trial: FrozenTrial | int) -> list[tuple[int, dict[str, Any]]]:
        """The hyperparameter schedule that trained ``trial``'s state: ``(step, params)``
        pairs, each set of parameters applying from its step on, following the checkpoint
        each record loaded (across pauses and population based training's clones).

        >>> import hypersweep as hs
        >>> study = hs.create_study()
        >>> study.optimize(lambda t: t.suggest_float("lr", 0.1, 0.2), n_trials=1)
        >>> [step for step, params in study.pbt_schedule(0)]
        [0]
        """
        number = trial.number if isinstance(trial, FrozenTrial) else trial
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"trial must be a FrozenTrial or a trial number, got {trial!r}.")
        return lineage_schedule(self.trials, number)

    def fail_stale_trials(self, grace_period: float | None = None) -> list[int]:
        """FAIL the RUNNING trials whose worker stopped heartbeating for ``grace_period``
        seconds (default: the storage's), run the storage's ``failed_trial_callback`` on
        each, and return their numbers. Workers do this by themselves while they run."""
        return reap_stale_trials(self._core, grace_period)

    def _factory(self) -> StudyFactory:
        """How a worker in another process rebuilds this study (see :class:`_PortableRole`)."""
        core = self._core
        return StudyFactory(
            _rebuild,
            self.study_name,
            core.storage,
            _PortableRole.of(core.sampler, "sampler"),
            _PortableRole.of(core.scheduler, "scheduler"),
        )

    def trials_dataframe(
        self,
        attrs: Sequence[str] = (
            "number",
            "value",
            "datetime_start",
            "datetime_complete",
            "duration",
            "params",
            "user_attrs",
            "system_attrs",
            "state",
        ),
        multi_index: bool = False,
    ) -> pd.DataFrame:
        """The trials as a pandas DataFrame (needs ``pip install 'hypersweep[pandas]'``)."""
        from ._dataframe import trials_dataframe

        return trials_dataframe(self, attrs, multi_index)

    def __repr__(self) -> str:
        return f"Study(name={self.study_name!r}, directions={self.directions})"


@dataclass(frozen=True)
class _PortableRole:
    """A sampler or scheduler on its way to another process: its specification (the one the
    study stores, so a worker rebuilds it exactly as ``load_study`` does), or the object
    itself, pickled, when it has none (arguments that are not JSON-able)."""

    spec: Any = None
    obj: Any = None

    @classmethod
    def of(cls, role: Any, where: str) -> _PortableRole:
        try:
            return cls(spec=encode(role, where))
        except NotStorable:
            return cls(obj=role)

    def rebuild(self) -> Any:
        return self.obj if self.spec is None else decode(self.spec)


def _rebuild(
    study_name: str, storage: Storage, sampler: _PortableRole, scheduler: _PortableRole
) -> StudyCore:
    """The core of study ``study_name`` rebuilt in a worker process (a ``StudyFactory``)."""
    return Study(study_name, storage, sampler.rebuild(), scheduler.rebuild())._core
