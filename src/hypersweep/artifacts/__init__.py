"""Files attached to trials and studies (model weights, plots): ``hs.artifacts``.

Optuna's ``optuna.artifacts`` API: :func:`upload_artifact`, :func:`download_artifact`,
:func:`get_all_artifact_meta`, :class:`ArtifactMeta`, and two stores,
:class:`FileSystemArtifactStore` (a directory), :class:`Boto3ArtifactStore` (an S3
bucket) and :class:`GCSArtifactStore` (a Google Cloud Storage bucket), and :class:`Backoff`
to retry a store's calls. The stores are checkpoint stores too: one directory or bucket can
keep a study's checkpoints and its artifacts (see :mod:`hypersweep.storage.checkpoints`).

>>> import os, tempfile
>>> import hypersweep as hs
>>> folder = tempfile.mkdtemp()
>>> store = hs.artifacts.FileSystemArtifactStore(os.path.join(folder, "artifacts"))
>>> study = hs.create_study()
>>> with open(os.path.join(folder, "notes.txt"), "w") as fh:
...     _ = fh.write("hello")
>>> artifact_id = hs.artifacts.upload_artifact(
...     artifact_store=store, file_path=os.path.join(folder, "notes.txt"), study_or_trial=study)
>>> hs.artifacts.download_artifact(
...     artifact_store=store, artifact_id=artifact_id, file_path=os.path.join(folder, "copy.txt"))
>>> open(os.path.join(folder, "copy.txt")).read()
'hello'
"""

from __future__ import annotations

from . import exceptions
from ._api import ArtifactMeta, download_artifact, get_all_artifact_meta, upload_artifact
from ._backoff import Backoff
from ._gcs import GCSArtifactStore
from ._stores import ArtifactStore, Boto3ArtifactStore, FileSystemArtifactStore

__all__ = [
    "ArtifactMeta",
    "ArtifactStore",
    "Backoff",
    "Boto3ArtifactStore",
    "FileSystemArtifactStore",
    "GCSArtifactStore",
    "download_artifact",
    "exceptions",
    "get_all_artifact_meta",
    "upload_artifact",
]
