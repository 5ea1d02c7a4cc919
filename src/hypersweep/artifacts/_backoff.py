"""``Backoff``: retry an artifact store's calls with exponential waits (Optuna's name)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import BinaryIO, TypeVar

from ..storage.checkpoints import CheckpointNotFoundError
from ._stores import ArtifactStore

_logger = logging.getLogger("hypersweep.artifacts")
_T = TypeVar("_T")


class Backoff:
    """Wrap an artifact store so that ``open_reader``/``write``/``remove`` is tried up to
    ``max_retries`` times in all (Optuna's count), waiting ``min_delay * multiplier**k``
    seconds (at most ``max_delay``) after failure ``k + 1``. A missing artifact is not
    retried. A ``write`` is retried with the body rewound to where it started (a body that
    cannot seek is not retried).

    >>> import io, tempfile
    >>> import hypersweep as hs
    >>> store = Backoff(hs.artifacts.FileSystemArtifactStore(tempfile.mkdtemp()), min_delay=0.01)
    >>> store.write("a-model", io.BytesIO(b"weights"))
    >>> store.open_reader("a-model").read()
    b'weights'
    """

    def __init__(
        self,
        backend: ArtifactStore,
        *,
        max_retries: int = 10,
        multiplier: float = 2,
        min_delay: float = 0.1,
        max_delay: float = 30,
    ) -> None:
        if not isinstance(backend, ArtifactStore):
            raise TypeError(
                "backend must be an artifact store (open_reader, write and remove methods), "
                f"got {type(backend).__name__}."
            )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 1:
            raise ValueError(f"max_retries must be an int >= 1, got {max_retries!r}.")
        if not 0 <= min_delay <= max_delay or multiplier < 1:
            raise ValueError(
                "need 0 <= min_delay <= max_delay and multiplier >= 1, got "
                f"min_delay={min_delay!r}, max_delay={max_delay!r}, multiplier={multiplier!r}."
            )
        self._backend = backend
        self._max_retries = max_retries
        self._multiplier = multiplier
        self._min_delay = min_delay
        self._max_delay = max_delay

    def _retry(
        self, what: str, call: Callable[[], _T], before_retry: Callable[[], None] | None
    ) -> _T:
        for attempt in range(self._max_retries):
            try:
                return call()
            except CheckpointNotFoundError:
                raise
            except Exception as exc:
                if attempt == self._max_retries - 1 or before_retry is None:
                    raise
                delay = min(self._max_delay, self._min_delay * self._multiplier**attempt)
                _logger.warning("%s failed (%s); retrying in %.2g s.", what, exc, delay)
                time.sleep(delay)
                before_retry()
        raise AssertionError("unreachable")  # pragma: no cover

    def open_reader(self, artifact_id: str) -> BinaryIO:
        return self._retry(
            f"open_reader({artifact_id!r})",
            lambda: self._backend.open_reader(artifact_id),
            lambda: None,
        )

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        rewind: Callable[[], None] | None = None
        if content_body.seekable():
            start = content_body.tell()

            def rewind() -> None:
                content_body.seek(start)

        self._retry(
            f"write({artifact_id!r})",
            lambda: self._backend.write(artifact_id, content_body),
            rewind,
        )

    def remove(self, artifact_id: str) -> None:
        self._retry(
            f"remove({artifact_id!r})", lambda: self._backend.remove(artifact_id), lambda: None
        )
