"""The live trial handle an objective receives: ``suggest_*``, ``report``, ``should_prune``."""

from __future__ import annotations

import datetime as _dt
import json
import numbers
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..schedulers import Action
from ..space import (
    CategoricalChoice,
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
)
from ..trial import BaseTrial, FrozenTrial, History, TrialState, keys
from ..trial.constraints import constraint_dict
from ..trial.lineage import checkpoint_source
from ._checkpoints import encode_checkpoint, load_stored_checkpoint, store_checkpoint
from ._values import convert_report

if TYPE_CHECKING:
    from ._core import StudyCore

PRUNE_REASON_ATTR = keys.PRUNE_REASON
_MAX_STATE_RETRIES = 1000


class Trial:
    """One evaluation of the objective; the objective asks it for parameter values.

    Created by ``Study.optimize`` or ``Study.ask``, never by hand.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> trial = study.ask()
    >>> x = trial.suggest_float("x", 0.0, 1.0)
    >>> k = trial.suggest_categorical("kernel", ["rbf", "poly"])
    >>> frozen = study.tell(trial, x)
    >>> sorted(frozen.params)
    ['kernel', 'x']
    """

    def __init__(self, core: StudyCore, frozen: FrozenTrial) -> None:
        self._core = core
        #: The study this trial belongs to.
        self.study = core.study
        self._trial_id = frozen.trial_id
        self.number = frozen.number
        self.datetime_start: _dt.datetime | None = frozen.datetime_start
        self._params: dict[str, Any] = dict(frozen.params)
        self._distributions: dict[str, Distribution] = dict(frozen.distributions)
        self._user_attrs: dict[str, Any] = dict(frozen.user_attrs)
        self._system_attrs: dict[str, Any] = dict(frozen.system_attrs)
        # A continuation of a paused trial starts with the reports it resumes after.
        self._intermediate: dict[int, Any] = dict(frozen.intermediate_values)
        self._paused = False
        self._fixed: dict[str, Any] = dict(self._system_attrs.get(keys.FIXED_PARAMS) or {})
        self._relative_space: dict[str, Distribution] = {}
        self._relative_params: dict[str, Any] = {}
        self._history: History | None = None
        self._rng: np.random.Generator = core.sampler.trial_rng(self.number)
        # What samplers and schedulers see: a frozen record sharing this trial's live dicts.
        self._view = FrozenTrial(
            number=self.number,
            state=TrialState.RUNNING,
            params=self._params,
            distributions=self._distributions,
            user_attrs=self._user_attrs,
            system_attrs=self._system_attrs,
            intermediate_values=self._intermediate,
            datetime_start=self.datetime_start,
            trial_id=self._trial_id,
        )

    # -- sampling -------------------------------------------------------------------------
    def _sampler_history(self) -> History:
        if self._history is None:
            self._history = self._core.history()
        return self._history

    def _start(self) -> None:
        """Run the sampler's trial-level hooks (called once by ``Study.ask``)."""
        core = self._core
        sampler = core.sampler
        history = self._sampler_history()
        with core.sampler_lock:
            if sampler.shared_state_key is None:
                attrs = sampler.start_trial(history, self._view, self._rng)
            else:
                attrs = self._start_shared(sampler.shared_state_key, history)
            for key, value in attrs.items():
                core.storage.set_trial_system_attr(self._trial_id, key, value)
                self._system_attrs[key] = value
            space = sampler.infer_relative_search_space(history, self._view)
            if space:
                self._relative_space = space
                self._relative_params = sampler.sample_relative(
                    history, self._view, space, self._rng
                )

    def _start_shared(self, key: str, history: History) -> Mapping[str, Any]:
        storage, study_id = self._core.storage, self._core.study_id
        for _ in range(_MAX_STATE_RETRIES):
            stored = storage.get_study_state(study_id, key)
            version = stored.version if stored else 0
            rng = self._core.sampler.trial_rng(self.number)  # the same draws on every retry
            attrs, new_state = self._core.sampler.start_trial_shared(
                history, self._view, rng, stored.data if stored else None
            )
            if new_state is None or storage.compare_and_set_study_state(
                study_id, key, new_state, version
            ):
                return attrs
        raise RuntimeError(
            f"Could not update the sampler state {key!r}: other workers kept writing first "
            f"({_MAX_STATE_RETRIES} attempts)."
        )

    def _suggest(self, name: str, dist: Distribution) -> Any:
        params = self._params
        if name in params:
            old = self._distributions[name]
            if old != dist:
                raise ValueError(
                    f"Parameter {name!r} was already suggested in this trial with {old}; "
                    f"suggesting it again with {dist} is not allowed. Use one distribution "
                    "per name, or another name."
                )
            return params[name]
        if not isinstance(name, str):
            raise TypeError(f"Parameter names must be str, got {type(name).__name__} {name!r}.")
        if name in self._fixed:
            value = self._fixed[name]
            if not dist.contains(value):
                if isinstance(dist, CategoricalDistribution):
                    raise ValueError(
                        f"Enqueued value {value!r} of {name!r} is not one of {dist.choices}."
                    )
                warnings.warn(
                    f"Enqueued value {value!r} of {name!r} is outside {dist}; it is used as given.",
                    stacklevel=3,
                )
        elif dist.single():
            value = dist.from_unit_scalar(0.5)
        elif name in self._relative_params and self._relative_space.get(name) == dist:
            value = self._relative_params[name]
        else:
            core = self._core
            with core.sampler_lock:
                value = core.sampler.sample_independent(
                    self._sampler_history(), self._view, name, dist, self._rng
                )
        internal = dist.to_internal(value)
        self._core.storage.set_trial_param(self._trial_id, name, internal, dist)
        value = dist.to_external(internal)
        params[name] = value
        self._distributions[name] = dist
        return value

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """A real value in ``[low, high]``; ``log=True`` for scale-like parameters, ``step`` for
        a grid of values ``low, low + step, ..., high``."""
        return self._suggest(name, FloatDistribution(low, high, log=log, step=step))  # type: ignore[no-any-return]

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """An integer in ``[low, high]`` (both included), every ``step``-th or log-scaled."""
        return self._suggest(name, IntDistribution(low, high, log=log, step=step))  # type: ignore[no-any-return]

    def suggest_categorical(self, name: str, choices: Sequence[CategoricalChoice]) -> Any:
        """One of ``choices`` (``None``, ``bool``, ``int``, ``float`` or ``str`` values)."""
        return self._suggest(name, CategoricalDistribution(choices))  # type: ignore[arg-type]

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        """Same as ``suggest_float(name, low, high)`` (older define-by-run spelling)."""
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        """Same as ``suggest_float(name, low, high, log=True)`` (older spelling)."""
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        """Same as ``suggest_float(name, low, high, step=q)`` (older spelling)."""
        return self.suggest_float(name, low, high, step=q)

    # -- scheduling -----------------------------------------------------------------------
    def report(self, value: float | Sequence[float], step: int) -> None:
        """Report an intermediate value at ``step`` (one value per objective).

        A step reported twice keeps its first value, with a warning.
        """
        if isinstance(step, bool) or not isinstance(step, numbers.Integral):
            raise TypeError(f"step must be an int, got {type(step).__name__} {step!r}.")
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}.")
        step = int(step)
        n_objectives = len(self._core.directions)
        values = convert_report(value, n_objectives)
        if step in self._intermediate:
            warnings.warn(
                f"Step {step} of trial {self.number} was already reported; the new value is "
                "ignored.",
                stacklevel=2,
            )
            return
        self._core.storage.set_trial_intermediate_value(self._trial_id, step, values)
        self._intermediate[step] = values[0] if n_objectives == 1 else values

    def should_prune(self) -> bool:
        """Whether the study's scheduler wants this trial stopped now.

        The objective should then ``raise hypersweep.TrialPruned()``. That is also the
        answer when the scheduler *pauses* the trial (:attr:`paused` is then true): save a
        checkpoint first (:meth:`save_checkpoint`) so that the trial can resume from it.
        """
        decision = self._core.scheduler.decide(self._core.history(), self._view)
        if decision.action is Action.PRUNE or decision.action is Action.PAUSE:
            if decision.action is Action.PAUSE and not self._paused:
                self.set_system_attr(keys.PAUSED_AT, self._view.last_step)
                self._paused = True
            if decision.reason:
                self.set_system_attr(PRUNE_REASON_ATTR, decision.reason)
            return True
        return False

    # -- pause and resume -----------------------------------------------------------------
    @property
    def paused(self) -> bool:
        """Whether :meth:`should_prune` paused this trial: it may resume from its checkpoint."""
        return self._paused

    @property
    def resume_step(self) -> int | None:
        """The last step already done when this trial continues a paused one (the step of
        the checkpoint :meth:`load_checkpoint` returns); ``None`` for a fresh start."""
        step = self._system_attrs.get(keys.RESUME_STEP)
        return None if step is None else int(step)

    def save_checkpoint(self, state: Any) -> None:
        """Store the objective's state (bytes as they are, anything else pickled) so that
        a continuation of this trial can resume from it; a later save replaces it."""
        self._store_checkpoint(encode_checkpoint(state), self._view.last_step)

    def _store_checkpoint(self, data: bytes, step: int | None) -> None:
        """Store an encoded checkpoint taken at ``step`` (the last step it includes)."""
        store_checkpoint(self._core.storage, self._trial_id, data, step)
        self._system_attrs[keys.CHECKPOINT_STEP] = step

    def load_checkpoint(self) -> Any:
        """The state saved by this trial, else by the trial it resumes; ``None`` if none."""
        number, _ = checkpoint_source(self._view)
        if number is None:
            return None
        core = self._core
        trial_id = (
            self._trial_id
            if number == self.number
            else core.storage.get_trial_id_from_number(core.study_id, number)
        )
        state = load_stored_checkpoint(core.storage, trial_id)
        if state is None and number != self.number:
            # The record says trial `number` saved one: never restart silently from scratch.
            raise RuntimeError(
                f"Trial {self.number} continues from the checkpoint of trial {number}, which "
                "the storage no longer holds (deleted by hand, or by checkpoint_retention). "
                "Run with checkpoint_retention='all' to keep every checkpoint."
            )
        return state

    # -- attributes -----------------------------------------------------------------------
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to this trial."""
        _check_json(key, value)
        self._core.storage.set_trial_user_attr(self._trial_id, key, value)
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value for the library's own use."""
        _check_json(key, value)
        self._core.storage.set_trial_system_attr(self._trial_id, key, value)
        self._system_attrs[key] = value

    def set_constraint(self, key: str, value: float) -> None:
        """Record a constraint value named ``key`` (feasible when every value is ``<= 0``):
        ``Study.best_trial`` then keeps to feasible trials, as with ``constraints_func``.
        A second value for the same ``key`` is ignored with a warning (as Optuna)."""
        if not isinstance(key, str):
            raise TypeError(f"A constraint's key must be a str, got {key!r}.")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"A constraint's value must be a float, got {value!r}.") from None
        if number != number:
            raise ValueError(f"The constraint {key!r} is NaN; give a float (<= 0: satisfied).")
        attr = f"{keys.CONSTRAINTS}:{key}"
        if attr in self._system_attrs:
            warnings.warn(
                f"The constraint {key!r} is already set; the new value is ignored.",
                UserWarning,
                stacklevel=2,
            )
            return
        self.set_system_attr(attr, number)

    @property
    def constraints(self) -> dict[str, float]:
        """The constraint values set so far, by name."""
        return constraint_dict(self._system_attrs)

    @property
    def params(self) -> dict[str, Any]:
        """The parameters suggested so far."""
        return dict(self._params)

    @property
    def distributions(self) -> dict[str, Distribution]:
        """The distributions of the parameters suggested so far."""
        return dict(self._distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        """The user attributes set so far."""
        return dict(self._user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        """The system attributes set so far."""
        return dict(self._system_attrs)

    @property
    def relative_params(self) -> dict[str, Any]:
        """The values the sampler chose jointly for this trial."""
        return dict(self._relative_params)

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, params={self._params})"


def _check_json(key: str, value: Any) -> None:
    if not isinstance(key, str):
        raise TypeError(f"Attribute keys must be str, got {type(key).__name__} {key!r}.")
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Attribute {key!r} must be JSON-serialisable so that every storage can keep it; "
            f"got {type(value).__name__}. Convert it (e.g. to a list, str or float)."
        ) from exc


BaseTrial.register(Trial)
