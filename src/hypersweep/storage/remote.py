"""Serving a storage to workers on other processes or machines: the storage protocol is the
wire.

A study kept in memory (or in a SQLite file only the driver's machine can open) can still
run its trials on a cluster: :class:`StorageServer` answers the calls of the
:class:`~hypersweep.storage.Storage` protocol from a thread of the driver's process, and each
worker talks to it through a :class:`RemoteStorage`, a storage like any other. The driver's
storage stays the only copy, so compare-and-set state, promotions, leases and checkpoints
work as they do in one process.

The connection is :mod:`multiprocessing.connection` (pickled calls over TCP, authenticated
with a random key that travels inside the pickled :class:`RemoteStorage`); one thread per
worker connection. A call raises in the worker what it raised in the driver.

>>> from hypersweep.storage import InMemoryStorage
>>> from hypersweep.trial import StudyDirection
>>> with StorageServer(InMemoryStorage()) as server:
...     remote = server.client()
...     study_id = remote.create_new_study([StudyDirection.MINIMIZE], "served")
...     remote.get_study_name(study_id)
'served'
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
from collections.abc import Callable, Container
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

from .._internal.logging import get_logger
from ..trial import FrozenTrial, TrialState
from .base import Storage

_logger = get_logger("storage.remote")

#: The protocol's methods a worker may call (everything a study and its roles use).
_METHODS = frozenset(
    name
    for name, value in vars(Storage).items()
    if callable(value) and not name.startswith("_") and name != "close"
)
#: Attributes a worker's copy takes from the served storage.
_ATTRIBUTES = (
    "heartbeat_interval",
    "grace_period",
    "failed_trial_callback",
    "checkpoint_store",
    "checkpoint_threshold",
)


#: The call that reads a study's trials, sending each finished trial to a client only once.
_ALL_TRIALS = "_all_trials_delta"


def _delta(
    storage: Storage, sent: set[int], study_id: int, states: Container[TrialState] | None = None
) -> list[FrozenTrial | int]:
    """``get_all_trials`` for a client that keeps the finished trials it was sent: those go
    as their ``trial_id`` only."""
    out: list[FrozenTrial | int] = []
    for trial in storage.get_all_trials(study_id, states):
        if trial.trial_id in sent:
            out.append(trial.trial_id)
            continue
        if trial.state.is_finished():
            sent.add(trial.trial_id)
        out.append(trial)
    return out


def _advertised_host() -> str:
    """The address other machines reach this one at (loopback when there is no network)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))  # no packet is sent
            return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"


class StorageServer:
    """Serve ``storage`` to :class:`RemoteStorage` clients until :meth:`close`.

    ``host`` is the interface to listen on (``"127.0.0.1"``: this machine only; ``"0.0.0.0"``:
    every interface, for workers on other machines) and ``port`` 0 picks a free one.

    >>> from hypersweep.storage import InMemoryStorage
    >>> server = StorageServer(InMemoryStorage())
    >>> server.client().get_all_studies()
    []
    >>> server.close()
    """

    def __init__(self, storage: Storage, host: str = "127.0.0.1", port: int = 0) -> None:
        if not isinstance(storage, Storage):
            raise TypeError(f"StorageServer serves a Storage, got {type(storage).__name__}.")
        self.storage = storage
        self._key = secrets.token_bytes(32)
        self._listener = Listener((host, port), backlog=128, authkey=self._key)
        bound_host, self.port = self._listener.address
        self.host = _advertised_host() if bound_host == "0.0.0.0" else bound_host
        self._closed = threading.Event()
        self._connections: list[Connection] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="storage-server", daemon=True)
        self._thread.start()

    def client(self) -> RemoteStorage:
        """A picklable storage that calls this server."""
        attributes = {name: getattr(self.storage, name, None) for name in _ATTRIBUTES}
        return RemoteStorage((self.host, self.port), self._key, attributes)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection = self._listener.accept()
            except Exception:  # closed, or a client that failed authentication
                if self._closed.is_set():
                    return
                continue
            with self._lock:
                self._connections.append(connection)
            threading.Thread(
                target=self._serve, args=(connection,), name="storage-client", daemon=True
            ).start()

    def _serve(self, connection: Connection) -> None:
        storage = self.storage
        sent: set[int] = set()  # finished trials this client has (they never change again)
        while not self._closed.is_set():
            try:
                name, args, kwargs = connection.recv()
            except (EOFError, OSError, TypeError):  # TypeError: close() closed it under us
                break
            try:
                if name == _ALL_TRIALS:
                    reply: tuple[bool, Any] = (True, _delta(storage, sent, *args, **kwargs))
                elif name not in _METHODS:
                    raise AttributeError(f"{name!r} is not a storage method that can be served.")
                else:
                    reply = (True, getattr(storage, name)(*args, **kwargs))
            except Exception as exc:
                reply = (False, exc)
            try:
                connection.send(reply)
            except (EOFError, OSError):
                break
            except Exception as exc:  # the result or the exception did not pickle
                connection.send((False, RuntimeError(f"{name}: reply not picklable: {exc!r}")))
        with contextlib.suppress(OSError):  # close() may have closed it already
            connection.close()

    def close(self) -> None:
        """Stop serving; the clients' next call raises ``ConnectionError``."""
        if self._closed.is_set():
            return
        self._closed.set()
        with contextlib.suppress(OSError):
            # Unblock accept(): connect once, the loop sees the flag and returns.
            Client((self.host, self.port), authkey=self._key).close()
        self._listener.close()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StorageServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RemoteStorage(Storage):
    """A storage whose every call is answered by a :class:`StorageServer` (made by
    :meth:`StorageServer.client`). One connection per process and thread that uses it;
    picklable, so it travels to the workers inside the study's factory.

    >>> from hypersweep.storage import InMemoryStorage
    >>> with StorageServer(InMemoryStorage()) as server:
    ...     isinstance(server.client(), Storage)
    True
    """

    shared_across_processes = True

    def __init__(
        self, address: tuple[str, int], key: bytes, attributes: dict[str, Any] | None = None
    ) -> None:
        self._address = address
        self._key = key
        self._attributes = dict(attributes or {})
        for name, value in self._attributes.items():
            setattr(self, name, value)
        self._local = threading.local()
        self._pid = os.getpid()

    def __getstate__(self) -> dict[str, Any]:
        return {"address": self._address, "key": self._key, "attributes": self._attributes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["address"], state["key"], state["attributes"])  # type: ignore[misc]

    def _connection(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None or self._pid != os.getpid():
            self._pid = os.getpid()
            connection = Client(self._address, authkey=self._key)
            self._local.connection = connection
            self._local.finished = {}  # a new connection: the server sends every trial again
        return connection

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        connection = self._connection()
        try:
            connection.send((name, args, kwargs))
            ok, value = connection.recv()
        except (EOFError, OSError) as exc:
            self._local.connection = None
            raise ConnectionError(
                f"The study's storage at {self._address[0]}:{self._address[1]} is gone "
                f"(the driver ended or stopped serving it): {exc}"
            ) from exc
        if not ok:
            raise value
        return value

    def get_all_trials(
        self, study_id: int, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """The trials of a study; finished ones cross the wire once per connection."""
        if states is not None:
            states = tuple(s for s in TrialState if s in states)
        self._connection()  # first: a new connection starts with an empty cache
        cache: dict[int, FrozenTrial] = self._local.__dict__.setdefault("finished", {})
        out = []
        for item in self._call(_ALL_TRIALS, study_id, states):
            if isinstance(item, int):
                out.append(cache[item])
            else:
                if item.state.is_finished():
                    cache[item.trial_id] = item
                out.append(item)
        return out

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def __repr__(self) -> str:
        return f"RemoteStorage({self._address[0]}:{self._address[1]})"


def _forwarder(name: str) -> Callable[..., Any]:
    def method(self: RemoteStorage, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__qualname__ = f"RemoteStorage.{name}"
    method.__doc__ = getattr(Storage, name).__doc__
    return method


for _name in sorted(_METHODS - set(vars(RemoteStorage))):
    setattr(RemoteStorage, _name, _forwarder(_name))

__all__ = ["RemoteStorage", "StorageServer"]
