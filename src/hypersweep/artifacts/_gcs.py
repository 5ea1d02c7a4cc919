"""An artifact (and checkpoint) store on a Google Cloud Storage bucket."""

from __future__ import annotations

import pickle
from typing import Any

from .._internal.optional import import_optional
from ..storage.checkpoints import CheckpointNotFoundError, CheckpointStore, _check_reference
from ._stores import _BlobArtifacts


def _default_client() -> Any:
    storage = import_optional("google.cloud.storage", "gcs", "GCSArtifactStore")
    return storage.Client()


def _pickles(obj: Any) -> bool:
    try:
        pickle.dumps(obj)
    except Exception:
        return False
    return True


class GCSArtifactStore(_BlobArtifacts, CheckpointStore):
    """Artifacts (and checkpoints) as blobs of a Google Cloud Storage bucket (Optuna's
    ``GCSArtifactStore(bucket_name, client=None)``).

    Only ``client.bucket(name).blob(key)`` with the blob's ``upload_from_string``,
    ``download_as_bytes`` and ``delete`` are used, so a test double works as well as
    ``google.cloud.storage.Client()`` (the default, ``pip install 'hypersweep[gcs]'``).

    >>> class Blob:
    ...     def __init__(self, objects, key): self.objects, self.key = objects, key
    ...     def upload_from_string(self, data): self.objects[self.key] = bytes(data)
    ...     def download_as_bytes(self): return self.objects[self.key]
    ...     def delete(self): del self.objects[self.key]
    >>> class Bucket:
    ...     def __init__(self): self.objects = {}
    ...     def blob(self, key): return Blob(self.objects, key)
    >>> class Client:
    ...     def __init__(self): self.buckets = {}
    ...     def bucket(self, name): return self.buckets.setdefault(name, Bucket())
    >>> store = GCSArtifactStore("my-bucket", client=Client())
    >>> store.get(store.put("trial-0-model", b"weights"))
    b'weights'
    """

    def __init__(self, bucket_name: str, client: Any = None) -> None:
        if not isinstance(bucket_name, str) or not bucket_name:
            raise ValueError(f"bucket_name must be a non-empty str, got {bucket_name!r}.")
        self.bucket_name = bucket_name
        self._given_client = client is not None
        self.client = client if client is not None else _default_client()
        if not callable(getattr(self.client, "bucket", None)):
            raise TypeError("client must have a bucket() method (a google.cloud.storage Client).")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if not self._given_client or not _pickles(self.client):
            # made anew where the store is unpickled (a google.cloud.storage Client does not
            # pickle; process workers get a default client from their own credentials)
            state["client"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if self.client is None:
            self.client = _default_client()

    @property
    def location(self) -> str:
        return f"gs://{self.bucket_name}"

    def _blob(self, reference: str) -> Any:
        _check_reference(reference)
        return self.client.bucket(self.bucket_name).blob(reference)

    def put(self, name: str, data: bytes) -> str:
        reference = self.new_reference(name)
        self.put_at(reference, data)
        return reference

    def put_at(self, reference: str, data: bytes) -> None:
        self._blob(reference).upload_from_string(bytes(data))

    def get(self, reference: str) -> bytes:
        try:
            return bytes(self._blob(reference).download_as_bytes())
        except Exception as exc:
            if type(exc).__name__ in ("NotFound", "KeyError"):
                raise CheckpointNotFoundError(
                    f"No blob {reference!r} in the bucket {self.bucket_name!r}."
                ) from exc
            raise

    def delete(self, reference: str) -> None:
        try:
            self._blob(reference).delete()
        except Exception as exc:
            if type(exc).__name__ not in ("NotFound", "KeyError"):
                raise

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GCSArtifactStore) and other.bucket_name == self.bucket_name

    def __hash__(self) -> int:
        return hash(("gs", self.bucket_name))
