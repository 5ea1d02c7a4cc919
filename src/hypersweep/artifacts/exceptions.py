"""Errors of the artifact stores.

>>> from hypersweep.artifacts.exceptions import ArtifactNotFound
>>> issubclass(ArtifactNotFound, FileNotFoundError)
True
"""

from __future__ import annotations

from ..storage.checkpoints import CheckpointNotFoundError

#: An artifact id names nothing in the store. Artifacts and checkpoints share their stores,
#: so this is the checkpoint stores' error (also a ``FileNotFoundError``).
ArtifactNotFound = CheckpointNotFoundError

__all__ = ["ArtifactNotFound"]
