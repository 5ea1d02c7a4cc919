"""Upload, download and list the artifacts (files) attached to trials and studies.

An artifact's metadata (:class:`ArtifactMeta`) is a JSON string in a system attribute of the
trial or study, under ``"artifacts:<artifact_id>"`` (the key Optuna uses, so studies copied
between the two libraries keep their artifacts' records); the file itself is in the
artifact store.
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .._internal.exceptions import UpdateFinishedTrialError
from ..storage import Storage, get_storage
from ..storage.checkpoints import CheckpointStore
from ..study import Study
from ..study._trial import Trial
from ..trial import FrozenTrial, keys
from ._stores import ArtifactStore

DEFAULT_MIME_TYPE = "application/octet-stream"

StudyOrTrial = Study | Trial | FrozenTrial


@dataclass
class ArtifactMeta:
    """What is known of one artifact: its id, file name, MIME type and content encoding.

    >>> ArtifactMeta("abc", "model.pt", "application/octet-stream", None).filename
    'model.pt'
    """

    artifact_id: str
    filename: str
    mimetype: str
    encoding: str | None


def _storage_of(study_or_trial: Any, storage: Storage | str | None) -> Storage:
    if storage is not None:
        return get_storage(storage, create=False) if isinstance(storage, str) else storage
    if isinstance(study_or_trial, Trial):
        return study_or_trial.study.storage
    if isinstance(study_or_trial, Study):
        return study_or_trial.storage
    if isinstance(study_or_trial, FrozenTrial):
        raise ValueError(
            "A FrozenTrial does not know its storage: pass storage= (e.g. study.storage)."
        )
    raise TypeError(
        "study_or_trial must be a Study, Trial or FrozenTrial, got "
        f"{type(study_or_trial).__name__}."
    )


def _trial_id(study_or_trial: Trial | FrozenTrial) -> int:
    trial_id = (
        study_or_trial._trial_id if isinstance(study_or_trial, Trial) else study_or_trial.trial_id
    )
    if trial_id < 0:
        raise ValueError("This FrozenTrial is not stored in a study (it has no trial id).")
    return trial_id


def upload_artifact(
    *,
    artifact_store: ArtifactStore,
    file_path: str | os.PathLike[str],
    study_or_trial: StudyOrTrial,
    storage: Storage | str | None = None,
    mimetype: str | None = None,
    encoding: str | None = None,
) -> str:
    """Copy the file at ``file_path`` into ``artifact_store``, attach it to a trial (a live
    ``Trial`` inside the objective, or a ``FrozenTrial`` with ``storage=``) or to a study,
    and return its id. ``mimetype``/``encoding`` default to guesses from the file name.

    With a hypersweep store (:class:`FileSystemArtifactStore`, :class:`Boto3ArtifactStore`)
    the id is the blob's reference in the store; with any other store following the
    artifact protocol it is a new UUID.
    """
    if not isinstance(artifact_store, ArtifactStore):
        raise TypeError(
            "artifact_store must have write(), open_reader() and remove() (e.g. "
            f"hs.artifacts.FileSystemArtifactStore), got {type(artifact_store).__name__}."
        )
    backend = _storage_of(study_or_trial, storage)
    if isinstance(study_or_trial, FrozenTrial):
        state = backend.get_trial(_trial_id(study_or_trial)).state
        if state.is_finished():  # checked before the file is copied: no orphan blob
            raise UpdateFinishedTrialError(
                f"Trial {study_or_trial.number} is {state.name}: artifacts are attached to "
                "running trials (upload from the objective) or to the study."
            )
    path = os.fspath(file_path)
    filename = os.path.basename(path)
    guessed_type, guessed_encoding = mimetypes.guess_type(filename)
    if isinstance(artifact_store, CheckpointStore):
        with open(path, "rb") as fh:
            artifact_id = artifact_store.put(filename, fh.read())
    else:
        artifact_id = str(uuid.uuid4())
        with open(path, "rb") as fh:
            artifact_store.write(artifact_id, fh)
    meta = ArtifactMeta(
        artifact_id=artifact_id,
        filename=filename,
        mimetype=mimetype or guessed_type or DEFAULT_MIME_TYPE,
        encoding=encoding or guessed_encoding,
    )
    record = json.dumps(asdict(meta))
    key = keys.ARTIFACT_PREFIX + artifact_id
    if isinstance(study_or_trial, Study):
        backend.set_study_system_attr(study_or_trial._study_id, key, record)
    elif isinstance(study_or_trial, Trial):
        study_or_trial.set_system_attr(key, record)
    else:
        backend.set_trial_system_attr(_trial_id(study_or_trial), key, record)
    return artifact_id


def download_artifact(
    *, artifact_store: ArtifactStore, artifact_id: str, file_path: str | os.PathLike[str]
) -> None:
    """Write the artifact ``artifact_id`` to ``file_path`` (``FileExistsError`` if that file
    exists; ``ArtifactNotFound`` if the store has no such artifact)."""
    path = os.fspath(file_path)
    if os.path.exists(path):
        raise FileExistsError(f"File already exists: {path} (download to a new path).")
    reader = artifact_store.open_reader(artifact_id)
    try:
        with open(path, "xb") as writer:
            shutil.copyfileobj(reader, writer)
    finally:
        reader.close()


def get_all_artifact_meta(
    study_or_trial: StudyOrTrial, *, storage: Storage | str | None = None
) -> list[ArtifactMeta]:
    """The metadata of every artifact attached to a study or trial, in upload order (a
    ``FrozenTrial`` without ``storage`` answers from its own system attributes)."""
    if isinstance(study_or_trial, FrozenTrial) and storage is None:
        attrs: Mapping[str, Any] = study_or_trial.system_attrs
    else:
        backend = _storage_of(study_or_trial, storage)
        if isinstance(study_or_trial, Study):
            attrs = backend.get_study_system_attrs(study_or_trial._study_id)
        else:
            attrs = backend.get_trial(_trial_id(study_or_trial)).system_attrs
    return [
        ArtifactMeta(**json.loads(value))
        for key, value in attrs.items()
        if key.startswith(keys.ARTIFACT_PREFIX)
    ]
