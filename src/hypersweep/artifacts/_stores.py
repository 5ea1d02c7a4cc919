"""Artifact stores: the checkpoint stores' blob stores, with the artifact protocol on top.

An artifact store keeps files by id: ``write(artifact_id, body)``, ``open_reader(artifact_id)``
and ``remove(artifact_id)`` (the protocol Optuna's artifact stores follow, so a store written
for Optuna works here too). The stores below are also
:class:`~hypersweep.storage.checkpoints.CheckpointStore` subclasses, so one directory or
bucket can hold a study's checkpoints and its artifacts: pass the same store as a storage's
``checkpoint_store`` and ``hs.delete_study`` deletes the study's artifacts with it.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, runtime_checkable

from .._internal.optional import import_optional
from ..storage.checkpoints import (
    CheckpointNotFoundError,
    CheckpointStore,
    LocalCheckpointStore,
    _check_reference,
)


@runtime_checkable
class ArtifactStore(Protocol):
    """What :func:`~hypersweep.artifacts.upload_artifact` needs of a store."""

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """A binary file object reading the artifact (``ArtifactNotFound`` if absent)."""
        ...

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store everything ``content_body`` reads under ``artifact_id``."""
        ...

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact."""
        ...


class _BlobArtifacts:
    """The artifact protocol on a blob store's ``put_at`` / ``get`` / ``delete``."""

    if TYPE_CHECKING:  # provided by the CheckpointStore the class is mixed into

        def put_at(self, reference: str, data: bytes) -> None: ...
        def get(self, reference: str) -> bytes: ...
        def delete(self, reference: str) -> None: ...

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """The artifact as an in-memory binary file."""
        return io.BytesIO(self.get(artifact_id))

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store the bytes ``content_body`` reads under ``artifact_id``."""
        self.put_at(artifact_id, content_body.read())

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact; ``ArtifactNotFound`` if there is none (as Optuna's stores)."""
        self.get(artifact_id)  # raises when absent
        self.delete(artifact_id)


class FileSystemArtifactStore(_BlobArtifacts, LocalCheckpointStore):
    """Artifacts as files in ``base_path`` (the local checkpoint store's atomic writes).

    >>> import os, tempfile
    >>> import hypersweep as hs
    >>> folder = tempfile.mkdtemp()
    >>> store = hs.artifacts.FileSystemArtifactStore(folder)
    >>> path = os.path.join(folder, "model.txt")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("weights")
    >>> study = hs.create_study()
    >>> def objective(trial):
    ...     hs.artifacts.upload_artifact(
    ...         artifact_store=store, file_path=path, study_or_trial=trial)
    ...     return 0.0
    >>> study.optimize(objective, n_trials=1)
    >>> [meta.filename for meta in hs.artifacts.get_all_artifact_meta(study.trials[0])]
    ['model.txt']
    """

    def __init__(self, base_path: str | os.PathLike[str], *, fsync: bool = True) -> None:
        super().__init__(base_path, fsync=fsync)

    def __eq__(self, other: object) -> bool:
        return LocalCheckpointStore.__eq__(self, other)

    def __hash__(self) -> int:
        return LocalCheckpointStore.__hash__(self)


def _is_not_found(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code in ("NoSuchKey", "404") or status == 404
    return type(exc).__name__ in ("NoSuchKey", "KeyError")


class Boto3ArtifactStore(_BlobArtifacts, CheckpointStore):
    """Artifacts (and checkpoints) as objects of an S3 bucket, through a boto3 S3 client.

    Only the client's ``put_object``, ``get_object`` and ``delete_object`` are used, so any
    S3-compatible client works (MinIO, a test double). Without ``client``:
    ``boto3.client("s3")`` (``pip install 'hypersweep[boto3]'``). A pickled store (for
    process workers) makes its default client anew; a given client must itself pickle.

    >>> class MemoryS3:  # what a test might pass instead of boto3.client("s3")
    ...     def __init__(self): self.objects = {}
    ...     def put_object(self, Bucket, Key, Body): self.objects[Bucket, Key] = bytes(Body)
    ...     def get_object(self, Bucket, Key):
    ...         import io
    ...         return {"Body": io.BytesIO(self.objects[Bucket, Key])}
    ...     def delete_object(self, Bucket, Key): self.objects.pop((Bucket, Key), None)
    >>> store = Boto3ArtifactStore("my-bucket", client=MemoryS3())
    >>> store.get(store.put("trial-0-checkpoint", b"state"))
    b'state'
    """

    def __init__(self, bucket_name: str, client: Any = None) -> None:
        if not isinstance(bucket_name, str) or not bucket_name:
            raise ValueError(f"bucket_name must be a non-empty str, got {bucket_name!r}.")
        self.bucket = bucket_name
        self._default_client = client is None
        if client is None:
            boto3 = import_optional("boto3", "boto3", "Boto3ArtifactStore")
            client = boto3.client("s3")
        for method in ("put_object", "get_object", "delete_object"):
            if not callable(getattr(client, method, None)):
                raise TypeError(f"client must have a {method}() method (a boto3 S3 client).")
        self.client = client

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if self._default_client:
            state["client"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if self.client is None:
            self.client = import_optional("boto3", "boto3", "Boto3ArtifactStore").client("s3")

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}"

    def put(self, name: str, data: bytes) -> str:
        reference = self.new_reference(name)
        self.put_at(reference, data)
        return reference

    def put_at(self, reference: str, data: bytes) -> None:
        _check_reference(reference)
        self.client.put_object(Bucket=self.bucket, Key=reference, Body=bytes(data))

    def get(self, reference: str) -> bytes:
        _check_reference(reference)
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=reference)
        except Exception as exc:
            if _is_not_found(exc):
                raise CheckpointNotFoundError(
                    f"No object {reference!r} in the bucket {self.bucket!r}."
                ) from exc
            raise
        return bytes(obj["Body"].read())

    def delete(self, reference: str) -> None:
        _check_reference(reference)
        self.client.delete_object(Bucket=self.bucket, Key=reference)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Boto3ArtifactStore)
            and other.bucket == self.bucket
            and other.client is self.client
        )

    def __hash__(self) -> int:
        return hash(("s3", self.bucket))
