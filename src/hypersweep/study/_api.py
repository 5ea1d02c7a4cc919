"""Module-level functions: create, load, delete and list studies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._internal.exceptions import DuplicatedStudyError, StudyNotFoundError
from .._internal.logging import get_logger
from ..samplers import AutoSampler, Sampler, TPESampler
from ..schedulers import AutoScheduler, MedianScheduler, NopScheduler, Scheduler
from ..storage import Storage, StudyInfo, get_storage
from ..trial import StudyDirection, keys
from ._checkpoints import delete_stored_checkpoint
from ._optuna_adapters import check_roles
from ._spec import resolve_role, store_spec
from .study import Study

_logger = get_logger("study")


def _direction(value: str | StudyDirection) -> StudyDirection:
    if isinstance(value, StudyDirection):
        return value
    if isinstance(value, str) and value.lower() in ("minimize", "maximize"):
        return StudyDirection[value.upper()]
    raise ValueError(f"A direction must be 'minimize' or 'maximize', got {value!r}.")


def _directions(
    direction: str | StudyDirection | None,
    directions: Sequence[str | StudyDirection] | None,
) -> tuple[StudyDirection, ...]:
    if direction is not None and directions is not None:
        raise ValueError("Give either direction= or directions=, not both.")
    if directions is None:
        return (_direction(direction if direction is not None else "minimize"),)
    if isinstance(directions, str) or not isinstance(directions, Sequence) or not directions:
        raise ValueError(
            f"directions must be a non-empty list such as ['minimize', 'maximize'], "
            f"got {directions!r}."
        )
    return tuple(_direction(d) for d in directions)


def _scheduler(
    scheduler: Scheduler | str | None, pruner: Scheduler | str | None
) -> Scheduler | None:
    if scheduler is not None and pruner is not None and scheduler is not pruner:
        raise ValueError("Give either scheduler= or pruner= (its alias), not both.")
    given = scheduler or pruner
    if isinstance(given, str):
        if given != "auto":
            raise ValueError(
                f"A scheduler given by name must be 'auto', got {given!r}; pass a Scheduler "
                "object (e.g. hs.schedulers.ASHAScheduler(...)) for any other."
            )
        return AutoScheduler()
    return given


def _sampler(sampler: Sampler | str | None) -> Sampler | None:
    if isinstance(sampler, str):
        if sampler != "auto":
            raise ValueError(
                f"A sampler given by name must be 'auto', got {sampler!r}; pass a Sampler "
                "object (e.g. hs.samplers.TPESampler(seed=0)) for any other."
            )
        return AutoSampler()
    return sampler


def default_scheduler(n_objectives: int) -> Scheduler:
    """The scheduler of a study created without one: the median rule
    (``MedianScheduler()``: 5 startup trials, no warm-up, every step), as Optuna's
    ``create_study`` default ``MedianPruner()``, for one objective; ``NopScheduler()`` for
    several (the median rule compares one objective). ``hs.tune`` defaults to
    ``NopScheduler()`` instead (Ray Tune's FIFO: no early stopping).

    >>> type(default_scheduler(1)).__name__, type(default_scheduler(2)).__name__
    ('MedianScheduler', 'NopScheduler')
    """
    return MedianScheduler() if n_objectives == 1 else NopScheduler()


def _existing(
    name: str, backend: Storage, sampler: Sampler | None, scheduler: Scheduler | None
) -> Study:
    """An existing study with the given roles, or those stored with it (warning on a change)."""
    study_id = backend.get_study_id_from_name(name)
    return Study(
        name,
        backend,
        resolve_role(backend, study_id, "sampler", sampler, TPESampler),
        resolve_role(
            backend,
            study_id,
            "scheduler",
            scheduler,
            lambda: default_scheduler(len(backend.get_study_directions(study_id))),
        ),
    )


def create_study(
    *,
    storage: Storage | str | None = None,
    sampler: Sampler | str | None = None,
    pruner: Scheduler | str | None = None,
    study_name: str | None = None,
    direction: str | StudyDirection | None = None,
    load_if_exists: bool = False,
    directions: Sequence[str | StudyDirection] | None = None,
    scheduler: Scheduler | str | None = None,
) -> Study:
    """Create a study (or load it, with ``load_if_exists=True``).

    ``direction`` is ``"minimize"`` (default) or ``"maximize"``; ``directions`` gives one per
    objective for multi-objective studies. ``pruner`` is an alias of ``scheduler``;
    ``scheduler="auto"`` picks one from what the trials report
    (:class:`~hypersweep.schedulers.AutoScheduler`), ``sampler="auto"`` picks the searching
    method (:class:`~hypersweep.samplers.AutoSampler`).

    >>> import hypersweep as hs
    >>> study = hs.create_study(directions=["minimize", "maximize"])
    >>> [d.name for d in study.directions]
    ['MINIMIZE', 'MAXIMIZE']
    """
    dirs = _directions(direction, directions)
    sampler = _sampler(sampler)
    backend = get_storage(storage)
    given_scheduler = _scheduler(scheduler, pruner)
    # A TypeError or ValueError before anything is stored: a failed call leaves no study.
    check_roles(sampler, given_scheduler, len(dirs))
    try:
        study_id = backend.create_new_study(dirs, study_name)
    except DuplicatedStudyError:
        if not load_if_exists:
            raise
        assert study_name is not None
        stored = backend.get_study_directions(backend.get_study_id_from_name(study_name))
        if (direction is not None or directions is not None) and stored != dirs:
            raise ValueError(
                f"Study {study_name!r} exists with directions {[d.name for d in stored]}, "
                f"not {[d.name for d in dirs]}."
            ) from None
        return _existing(study_name, backend, sampler, given_scheduler)
    roles: dict[str, Any] = {
        "sampler": sampler or TPESampler(),
        "scheduler": given_scheduler or default_scheduler(len(dirs)),
    }
    store_spec(backend, study_id, roles)
    return Study(backend.get_study_name(study_id), backend, roles["sampler"], roles["scheduler"])


def load_study(
    *,
    study_name: str | None,
    storage: Storage | str,
    sampler: Sampler | str | None = None,
    pruner: Scheduler | str | None = None,
    scheduler: Scheduler | str | None = None,
) -> Study:
    """Load an existing study; ``study_name=None`` works when the storage holds exactly one."""
    backend = get_storage(storage, create=False)
    if study_name is None:
        names = [s.study_name for s in backend.get_all_studies()]
        if len(names) != 1:
            raise ValueError(
                f"study_name=None needs a storage with exactly one study; it has {len(names)}: "
                f"{names[:10]}."
            )
        study_name = names[0]
    try:
        backend.get_study_id_from_name(study_name)
    except StudyNotFoundError:
        known = [s.study_name for s in backend.get_all_studies()]
        raise StudyNotFoundError(
            f"No study named {study_name!r} in this storage (it has {known[:10]})."
        ) from None
    return _existing(study_name, backend, _sampler(sampler), _scheduler(scheduler, pruner))


def delete_study(*, study_name: str, storage: Storage | str) -> None:
    """Delete a study and all its trials, and the checkpoints and artifacts its trials kept
    in the storage's checkpoint store (a blob that cannot be deleted is logged and left)."""
    backend = get_storage(storage, create=False)
    study_id = backend.get_study_id_from_name(study_name)
    if backend.checkpoint_store is not None:
        for trial in backend.get_all_trials(study_id):
            if keys.CHECKPOINT_STEP not in trial.system_attrs:
                continue
            try:
                delete_stored_checkpoint(backend, trial.trial_id)
            except Exception as exc:  # the study goes anyway
                _logger.warning(
                    "Could not delete the checkpoint of trial %d: %s", trial.number, exc
                )
        _delete_artifacts(backend, study_id)
    backend.delete_study(study_id)


def _delete_artifacts(backend: Storage, study_id: int) -> None:
    """Delete the study's artifacts (``hs.artifacts``) kept in the storage's checkpoint
    store; artifacts in another store are left (the storage does not know it)."""
    store = backend.checkpoint_store
    assert store is not None
    records: list[Mapping[str, Any]] = [backend.get_study_system_attrs(study_id)]
    records += [trial.system_attrs for trial in backend.get_all_trials(study_id)]
    for attrs in records:
        for key in attrs:
            if not key.startswith(keys.ARTIFACT_PREFIX):
                continue
            try:
                store.delete(key[len(keys.ARTIFACT_PREFIX) :])
            except Exception as exc:  # the study goes anyway
                _logger.warning("Could not delete the artifact %s: %s", key, exc)


def get_all_study_names(storage: Storage | str) -> list[str]:
    """The names of the studies in ``storage``."""
    return [s.study_name for s in get_storage(storage, create=False).get_all_studies()]


def get_all_study_summaries(storage: Storage | str) -> list[StudyInfo]:
    """A summary (name, directions, trial count, attributes) of every study in ``storage``."""
    return get_storage(storage, create=False).get_all_studies()
