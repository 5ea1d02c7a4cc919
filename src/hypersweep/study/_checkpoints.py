"""Checkpoints: encoding the objective's state and keeping it in the study's storage.

Bytes are stored as they are, anything else pickled. A trial's checkpoint is stored under
:data:`hypersweep.trial.keys.CHECKPOINT`; its step (the last step it includes) is the trial
system attribute ``checkpoint_step``. Which checkpoint a continuation loads is a lineage
rule (:func:`hypersweep.trial.lineage.checkpoint_source`).
"""

from __future__ import annotations

import pickle
from typing import Any

from ..storage import Storage
from ..trial import keys

_RAW, _PICKLED = b"\x00", b"\x01"


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
    raise ValueError("This checkpoint was not written by Trial.save_checkpoint().")


def store_checkpoint(storage: Storage, trial_id: int, data: bytes, step: int | None) -> None:
    """Store an encoded checkpoint of ``trial_id`` taken at ``step`` (the last step it
    includes); a later one replaces it."""
    storage.save_checkpoint(trial_id, keys.CHECKPOINT, data)
    storage.set_trial_system_attr(trial_id, keys.CHECKPOINT_STEP, step)


def load_stored_checkpoint(storage: Storage, trial_id: int) -> Any:
    """The decoded checkpoint stored for ``trial_id`` (``None`` if none)."""
    data = storage.load_checkpoint(trial_id, keys.CHECKPOINT)
    return None if data is None else decode_checkpoint(data)
