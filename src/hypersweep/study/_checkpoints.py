"""Checkpoints: encoding the objective's state and keeping it in the study's storage.

Bytes are stored as they are, anything else pickled. A trial's checkpoint is stored under
:data:`hypersweep.trial.keys.CHECKPOINT`; its step (the last step it includes) is the trial
system attribute ``checkpoint_step``. Which checkpoint a continuation loads is a lineage
rule (:func:`hypersweep.trial.lineage.checkpoint_source`).

Large checkpoints: when the storage has a ``checkpoint_store`` and an encoded checkpoint is
larger than its ``checkpoint_threshold`` bytes, the encoded bytes go to the store and the
storage keeps a *reference record*: ``b"\\x02"`` followed by ASCII JSON
``{"ref": <the store's reference>, "size": <bytes>, "store": <where the store is>}``
(``store`` is for messages only: a reader follows ``ref`` in its own configured store).
Every stored value starts with one byte saying what it is:

====== ==================================================
prefix the rest
====== ==================================================
``00`` the checkpoint's bytes, as given (``_RAW``)
``01`` the pickled state (``_PICKLED``)
``02`` a reference record (``_STORED``); the blob in the store is ``00``/``01`` + data
====== ==================================================

Replacing a checkpoint deletes the blob the old record pointed to (after the new record is
written); :func:`delete_stored_checkpoint` deletes the record, then the blob.
"""

from __future__ import annotations

import json
import pickle
from typing import Any

from .._internal.logging import get_logger
from ..storage import Storage
from ..storage.checkpoints import CheckpointNotFoundError, CheckpointStore
from ..trial import keys

_RAW, _PICKLED, _STORED = b"\x00", b"\x01", b"\x02"
_logger = get_logger("study.checkpoints")


def encode_checkpoint(state: Any) -> bytes:
    """Bytes are kept as they are; anything else is pickled."""
    if isinstance(state, (bytes, bytearray, memoryview)):
        return _RAW + bytes(state)
    return _PICKLED + pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def decode_checkpoint(data: bytes) -> Any:
    """The state :func:`encode_checkpoint` encoded."""
    if data[:1] == _RAW:
        return data[1:]
    if data[:1] == _PICKLED:
        return pickle.loads(data[1:])  # blobs this study's own workers wrote
    if data[:1] == _STORED:
        raise ValueError(
            "This is a reference to a checkpoint kept in a checkpoint store; "
            "load_stored_checkpoint() follows it."
        )
    raise ValueError("This checkpoint was not written by Trial.save_checkpoint().")


def encode_reference(reference: str, size: int, store: CheckpointStore) -> bytes:
    """The record kept in the storage for a checkpoint of ``size`` bytes kept in ``store``.

    >>> from hypersweep.storage.checkpoints import LocalCheckpointStore
    >>> encode_reference("trial-3-checkpoint-ab", 5, LocalCheckpointStore("/ckpt"))
    b'\\x02{"ref":"trial-3-checkpoint-ab","size":5,"store":"/ckpt"}'
    """
    record = {"ref": reference, "size": int(size), "store": store.location}
    return _STORED + json.dumps(record, separators=(",", ":")).encode("ascii")


def decode_reference(data: bytes | None) -> dict[str, Any] | None:
    """The reference record in ``data``, or ``None`` if ``data`` holds the checkpoint itself.

    >>> decode_reference(b'\\x02{"ref":"r","size":5,"store":"/ckpt"}')["ref"]
    'r'
    >>> decode_reference(b"\\x00raw") is None
    True
    """
    if data is None or data[:1] != _STORED:
        return None
    try:
        record = json.loads(data[1:].decode("ascii"))
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("ref"), str):
        raise ValueError(f"A checkpoint reference record is unreadable: {data[:200]!r}")
    return record


def store_checkpoint(
    storage: Storage, trial_id: int, data: bytes, step: int | None, *, key: str = keys.CHECKPOINT
) -> None:
    """Store an encoded checkpoint of ``trial_id`` taken at ``step`` (the last step it
    includes); a later one replaces it (and its blob in the checkpoint store)."""
    store = storage.checkpoint_store
    threshold = storage.checkpoint_threshold
    previous = None if store is None else decode_reference(storage.load_checkpoint(trial_id, key))
    if store is not None and threshold is not None and len(data) > threshold:
        reference = store.put(f"trial-{trial_id}-{key}", data)
        try:
            storage.save_checkpoint(trial_id, key, encode_reference(reference, len(data), store))
        except BaseException:
            store.delete(reference)  # no record points to it: leave no orphan
            raise
    else:
        storage.save_checkpoint(trial_id, key, data)
    try:
        storage.set_trial_system_attr(trial_id, keys.CHECKPOINT_STEP, step)
    finally:
        if previous is not None:
            _delete_blob(store, previous)


def _delete_blob(store: CheckpointStore | None, record: dict[str, Any]) -> None:
    if store is None:
        _logger.warning(
            "The checkpoint blob %r in %s is no longer referenced, but this storage has no "
            "checkpoint_store to delete it from.",
            record["ref"],
            record.get("store"),
        )
        return
    store.delete(record["ref"])


def _fetch(storage: Storage, trial_id: int, key: str, data: bytes) -> bytes | None:
    """The encoded checkpoint a reference record points to (``None`` if it was deleted)."""
    for attempt in range(2):
        record = decode_reference(data)
        if record is None:
            return data  # replaced by an inline checkpoint meanwhile
        store = storage.checkpoint_store
        if store is None:
            raise CheckpointNotFoundError(
                f"The checkpoint of trial id {trial_id} is kept in the checkpoint store "
                f"{record.get('store')!r} as {record['ref']!r}, but this storage has no "
                "checkpoint_store: open it with get_storage(url, checkpoint_store=...)."
            )
        try:
            blob = store.get(record["ref"])
        except CheckpointNotFoundError as exc:
            again = storage.load_checkpoint(trial_id, key)
            if again is None:
                return None  # deleted while we read it
            if attempt == 0 and again != data:
                data = again  # replaced while we read it: follow the new record
                continue
            where = record.get("store")
            hint = "" if where == store.location else f" (it was written to {where!r})"
            raise CheckpointNotFoundError(f"{exc}{hint}") from None
        if len(blob) != record.get("size", len(blob)):
            raise ValueError(
                f"The checkpoint {record['ref']!r} in {store.location} has {len(blob)} bytes, "
                f"{record['size']} were written: the file is truncated or was replaced."
            )
        return blob
    raise AssertionError("unreachable")  # pragma: no cover


def load_stored_checkpoint(storage: Storage, trial_id: int, *, key: str = keys.CHECKPOINT) -> Any:
    """The decoded checkpoint stored for ``trial_id`` (``None`` if none), following a
    reference into the storage's checkpoint store."""
    data = storage.load_checkpoint(trial_id, key)
    if data is not None and data[:1] == _STORED:
        data = _fetch(storage, trial_id, key, data)
    return None if data is None else decode_checkpoint(data)


def delete_stored_checkpoint(
    storage: Storage, trial_id: int, *, key: str = keys.CHECKPOINT
) -> None:
    """Delete the checkpoint of ``trial_id``: the record in the storage, then its blob in
    the checkpoint store. Idempotent: deleting one that is not there does nothing.

    The trial keeps its ``checkpoint_step`` attribute (a finished trial is immutable);
    loading its checkpoint gives ``None`` from now on. Without a checkpoint store only the
    record is deleted (and nothing is read: the checkpoint may be large).
    """
    store = storage.checkpoint_store
    record = None if store is None else decode_reference(storage.load_checkpoint(trial_id, key))
    storage.delete_checkpoint(trial_id, key)
    if record is not None:
        _delete_blob(store, record)
