"""SQL storage on SQLAlchemy 2 Core: SQLite (the embedded default), PostgreSQL, MySQL."""

from __future__ import annotations

import os
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..._internal.exceptions import (
    DuplicatedStudyError,
    StudyNotFoundError,
    TrialNotFoundError,
    UpdateFinishedTrialError,
)
from ...space import Distribution, check_compatible, distribution_to_json
from ...trial import FrozenTrial, StudyDirection, TrialState
from ..base import STARTED_STATES, Storage, StudyInfo, VersionedState
from ..checkpoints import DEFAULT_CHECKPOINT_THRESHOLD, CheckpointStore, LocalCheckpointStore
from ..memory import FIXED_PARAMS_ATTR
from . import schema as t
from ._cache import StudyCache
from ._records import (
    DistributionCache,
    LiveTrial,
    build_trial,
    dumps,
    loads,
    to_datetime,
    values_to_json,
)
from .engine import (
    connection_error,
    create_engine,
    read_transaction,
    safe_url,
    sqlite_file,
    write_transaction,
)
from .migrate import ensure_schema, require_sqlite_storage

_FINISHED = [s.value for s in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)]


class _NotRunning(Exception):
    """Internal: roll back a write that found the trial no longer RUNNING."""


def _release(engine: sa.Engine, pid: int) -> None:
    """Close the pooled connections (run when a storage is collected or Python exits).

    On SQLite the last connection to close moves the write-ahead log into the .db file and
    removes ``-wal``/``-shm``. A forked child leaves its parent's connections alone.
    """
    if os.getpid() == pid:
        engine.dispose()


class SQLStorage(Storage):
    """Studies in a relational database, shared by any number of processes and machines.

    ``sqlite:///path.db`` (WAL mode, a busy timeout and ``BEGIN IMMEDIATE`` writes: many
    processes on one file without "database is locked"), ``postgresql://user@host/db``
    (psycopg 3) or ``mysql+pymysql://user@host/db``. Trial numbers are assigned under a
    lock on the study row; enqueued trials are popped exactly once; finishing a trial is a
    compare-and-set. A running trial's parameters and user attributes are written together
    at its next report, heartbeat or finish (other processes see them then); system
    attributes, reports and state changes are written at once. Finished trials are cached,
    so reading a large study costs only what changed since the last read.

    ``create=False`` opens an existing storage only: a SQLite file that does not exist or
    holds no hypersweep tables is refused (``StorageError`` naming the path) instead of being
    created (``load_study`` and the read-only commands open storages this way). On SQLite
    the write-ahead log is moved into the .db file at the end of ``optimize``, by
    :meth:`checkpoint` and :meth:`close`, and when the last connection closes (the storage is
    collected or Python exits), so a copy of the .db file alone holds the study then.

    Checkpoints larger than ``checkpoint_threshold`` bytes (1 MiB) go to ``checkpoint_store``
    (a :class:`~hypersweep.storage.checkpoints.CheckpointStore`, a directory or an fsspec
    URL); the table keeps a small reference. A SQLite file's default store is the folder
    ``<path>.db.checkpoints/`` beside it; on servers there is none unless given (checkpoints
    stay in the database), since workers on other machines must reach the store too.

    >>> import hypersweep as hs, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "study.db")
    >>> study = hs.create_study(storage=f"sqlite:///{path}", study_name="demo")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> len(hs.load_study(study_name="demo", storage=f"sqlite:///{path}").trials)
    3
    """

    shared_across_processes = True

    def __init__(
        self,
        url: str,
        *,
        create: bool = True,
        heartbeat_interval: float | None = 10.0,
        grace_period: float | None = 60.0,
        failed_trial_callback: Callable[..., None] | None = None,
        engine_kwargs: Mapping[str, Any] | None = None,
        checkpoint_store: CheckpointStore | str | os.PathLike[str] | None = None,
        checkpoint_threshold: int | None = DEFAULT_CHECKPOINT_THRESHOLD,
    ) -> None:
        self._configure_leases(heartbeat_interval, grace_period, failed_trial_callback)
        self.url = url
        self._create = create
        self._engine_kwargs = dict(engine_kwargs or {})
        self._sqlite_path = sqlite_file(url, create=create)
        sqlite_path = self._sqlite_path
        self._configure_checkpoints(
            checkpoint_store,
            checkpoint_threshold,
            None
            if sqlite_path is None
            else lambda: LocalCheckpointStore(sqlite_path + ".checkpoints"),
        )
        if self._sqlite_path is not None and not create:
            require_sqlite_storage(self._sqlite_path)
        self._engine = create_engine(url, **self._engine_kwargs)
        try:
            ensure_schema(self._engine, create=create)
        except DBAPIError as exc:
            self._engine.dispose()
            raise connection_error(url, exc) from exc
        weakref.finalize(self, _release, self._engine, os.getpid())
        self._lock = threading.RLock()
        self._live: dict[int, LiveTrial] = {}
        self._caches: dict[int, StudyCache] = {}
        self._finished: dict[int, FrozenTrial] = {}
        self._dists = DistributionCache()

    def __getstate__(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "create": self._create,
            "heartbeat_interval": self.heartbeat_interval,
            "grace_period": self.grace_period,
            "failed_trial_callback": self.failed_trial_callback,
            "engine_kwargs": self._engine_kwargs,
            "checkpoint_store": self.checkpoint_store,
            "checkpoint_threshold": self.checkpoint_threshold,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        url = state.pop("url")
        self.__init__(url, **state)  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"SQLStorage({safe_url(self.url)!r})"

    def close(self) -> None:
        self.checkpoint()
        self._engine.dispose()

    def checkpoint(self) -> None:
        """Flush, then on SQLite copy the write-ahead log into the .db file.

        A PASSIVE checkpoint: it never waits for, blocks or disturbs other processes using
        the database; what they have not committed yet stays in the log.
        """
        self.flush()
        path = self._sqlite_path
        if path is None or not os.path.exists(path):  # never re-create a removed file
            return
        with self._engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    # -- helpers ----------------------------------------------------------------------------
    def _cache(self, study_id: int) -> StudyCache:
        cache = self._caches.get(study_id)
        if cache is None:
            cache = self._caches[study_id] = StudyCache(self.get_study_directions(study_id))
        return cache

    def _lock_study(self, conn: Connection, study_id: int) -> Any:
        row = conn.execute(
            sa.select(t.studies.c.next_number, t.studies.c.n_started, t.studies.c.n_waiting)
            .where(t.studies.c.study_id == study_id)
            .with_for_update()
        ).one_or_none()
        if row is None:
            raise StudyNotFoundError(f"No study with id {study_id}.")
        return row

    def _bump(
        self, conn: Connection, study_id: int, created: int, started: int, waiting: int
    ) -> None:
        s = t.studies.c
        conn.execute(
            sa.update(t.studies)
            .where(s.study_id == study_id)
            .values(
                next_number=s.next_number + created,
                n_started=s.n_started + started,
                n_waiting=s.n_waiting + waiting,
            )
        )

    @staticmethod
    def _set_attrs(
        conn: Connection,
        table: sa.Table,
        id_column: str,
        owner: int,
        kind: str,
        attrs: Mapping[str, Any],
    ) -> None:
        if not attrs:
            return
        c = table.c
        conn.execute(
            sa.delete(table).where(c[id_column] == owner, c.kind == kind, c.key.in_(list(attrs)))
        )
        conn.execute(
            sa.insert(table),
            [
                {id_column: owner, "kind": kind, "key": k, "value": dumps(v)}
                for k, v in attrs.items()
            ],
        )

    def _write_pending(self, conn: Connection, live: LiveTrial) -> None:
        if live.pending_params:
            conn.execute(
                sa.insert(t.trial_params),
                [
                    {"trial_id": live.trial_id, "name": n, "internal": v, "distribution": d}
                    for n, (v, d) in live.pending_params.items()
                ],
            )
        self._set_attrs(conn, t.trial_attrs, "trial_id", live.trial_id, "user", live.pending_user)
        live.clear_pending()

    def _load_trials(self, conn: Connection, condition: Any, single: bool) -> list[FrozenTrial]:
        rows = conn.execute(sa.select(t.trials).where(condition)).all()
        if not rows:
            return []
        ids = sa.select(t.trials.c.trial_id).where(condition).scalar_subquery()
        children: dict[int, tuple[list[Any], list[Any], list[Any]]] = {
            r.trial_id: ([], [], []) for r in rows
        }
        for i, table in enumerate((t.trial_params, t.trial_attrs, t.trial_reports)):
            for child in conn.execute(sa.select(table).where(table.c.trial_id.in_(ids))):
                # Under READ COMMITTED a trial committed between the two statements shows up
                # here only; it is read in full next time (its number is above those seen).
                rows_of_trial = children.get(child.trial_id)
                if rows_of_trial is not None:
                    rows_of_trial[i].append(child)
        return [build_trial(r, *children[r.trial_id], single, self._dists) for r in rows]

    def _live_for_update(self, trial_id: int) -> LiveTrial | None:
        live = self._live.get(trial_id)
        if live is None and trial_id in self._finished:
            trial = self._finished[trial_id]
            raise UpdateFinishedTrialError(
                f"Trial {trial.number} is {trial.state.name}; only a RUNNING trial can be changed."
            )
        return live

    def _require_running(
        self, conn: Connection, trial_id: int, allow_waiting: bool = False
    ) -> None:
        state = conn.execute(
            sa.select(t.trials.c.state).where(t.trials.c.trial_id == trial_id)
        ).scalar_one_or_none()
        if state is None:
            raise TrialNotFoundError(f"No trial with id {trial_id}.")
        ok = {TrialState.RUNNING.value} | ({TrialState.WAITING.value} if allow_waiting else set())
        if state not in ok:
            raise UpdateFinishedTrialError(
                f"Trial id {trial_id} is {TrialState(state).name}; only a RUNNING trial can be "
                "changed."
            )

    # -- studies ----------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        name = study_name if study_name is not None else f"no-name-{uuid.uuid4()}"
        try:
            with write_transaction(self._engine) as conn:
                result = conn.execute(
                    sa.insert(t.studies).values(
                        study_name=name,
                        directions=dumps([d.name for d in directions]),
                        created_at=time.time(),
                        next_number=0,
                        n_started=0,
                        n_waiting=0,
                    )
                )
                return int(result.inserted_primary_key[0])  # type: ignore[index]
        except IntegrityError:
            raise DuplicatedStudyError(
                f"A study named {name!r} already exists; pick another name or pass "
                "load_if_exists=True."
            ) from None

    def delete_study(self, study_id: int) -> None:
        with self._lock, write_transaction(self._engine) as conn:
            self._lock_study(conn, study_id)
            trial_ids = sa.select(t.trials.c.trial_id).where(t.trials.c.study_id == study_id)
            for table in (t.trial_checkpoints, t.trial_reports, t.trial_attrs, t.trial_params):
                conn.execute(sa.delete(table).where(table.c.trial_id.in_(trial_ids)))
            for table in (t.trials, t.study_params, t.study_attrs, t.study_state, t.studies):
                conn.execute(sa.delete(table).where(table.c.study_id == study_id))
            self._caches.pop(study_id, None)
            self._live = {k: v for k, v in self._live.items() if v.study_id != study_id}

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._engine.connect() as conn:
            study_id = conn.execute(
                sa.select(t.studies.c.study_id).where(t.studies.c.study_name == study_name)
            ).scalar_one_or_none()
        if study_id is None:
            raise StudyNotFoundError(f"No study named {study_name!r}.")
        return int(study_id)

    def _study_row(self, study_id: int) -> Any:
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(t.studies).where(t.studies.c.study_id == study_id)
            ).one_or_none()
        if row is None:
            raise StudyNotFoundError(f"No study with id {study_id}.")
        return row

    def get_study_name(self, study_id: int) -> str:
        return str(self._study_row(study_id).study_name)

    def get_study_directions(self, study_id: int) -> tuple[StudyDirection, ...]:
        cache = self._caches.get(study_id)
        if cache is not None:
            return cache.directions
        return tuple(StudyDirection[d] for d in loads(self._study_row(study_id).directions))

    def get_all_studies(self) -> list[StudyInfo]:
        with read_transaction(self._engine) as conn:
            rows = conn.execute(sa.select(t.studies).order_by(t.studies.c.study_id)).all()
            attrs = conn.execute(sa.select(t.study_attrs)).all()
        by_study: dict[int, dict[str, dict[str, Any]]] = {}
        for a in attrs:
            by_study.setdefault(a.study_id, {"user": {}, "system": {}})[a.kind][a.key] = loads(
                a.value
            )
        return [
            StudyInfo(
                study_id=r.study_id,
                study_name=r.study_name,
                directions=tuple(StudyDirection[d] for d in loads(r.directions)),
                n_trials=r.next_number,
                user_attrs=by_study.get(r.study_id, {}).get("user", {}),
                system_attrs=by_study.get(r.study_id, {}).get("system", {}),
                datetime_start=to_datetime(r.created_at),
            )
            for r in rows
        ]

    def _set_study_attr(self, study_id: int, kind: str, key: str, value: Any) -> None:
        with write_transaction(self._engine) as conn:
            self._lock_study(conn, study_id)
            self._set_attrs(conn, t.study_attrs, "study_id", study_id, kind, {key: value})

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(study_id, "user", key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(study_id, "system", key, value)

    def _study_attrs(self, study_id: int, kind: str) -> dict[str, Any]:
        self._study_row(study_id)
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.study_attrs.c.key, t.study_attrs.c.value).where(
                    t.study_attrs.c.study_id == study_id, t.study_attrs.c.kind == kind
                )
            ).all()
        return {r.key: loads(r.value) for r in rows}

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._study_attrs(study_id, "user")

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._study_attrs(study_id, "system")

    # -- starting trials --------------------------------------------------------------------
    def _new_live(self, trial_id: int, study_id: int, number: int, now: float) -> LiveTrial:
        single = len(self._cache(study_id).directions) == 1
        live = LiveTrial(trial_id, study_id, number, single, now)
        self._live[trial_id] = live
        return live

    def _insert_trial(
        self, conn: Connection, study_id: int, number: int, state: TrialState, now: float | None
    ) -> int:
        result = conn.execute(
            sa.insert(t.trials).values(
                study_id=study_id,
                number=number,
                state=state.value,
                datetime_start=now,
                heartbeat=now,
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def _pop(
        self, conn: Connection, study_id: int, counters: Any, now: float
    ) -> FrozenTrial | None:
        if counters.n_waiting <= 0:
            return None
        c = t.trials.c
        trial_id = conn.execute(
            sa.select(c.trial_id)
            .where(c.study_id == study_id, c.state == TrialState.WAITING.value)
            .order_by(c.number)
            .limit(1)
        ).scalar_one_or_none()
        if trial_id is None:
            return None
        conn.execute(
            sa.update(t.trials)
            .where(c.trial_id == trial_id, c.state == TrialState.WAITING.value)
            .values(state=TrialState.RUNNING.value, datetime_start=now, heartbeat=now)
        )
        self._bump(conn, study_id, 0, 1, -1)
        single = len(self._cache(study_id).directions) == 1
        (frozen,) = self._load_trials(conn, c.trial_id == trial_id, single)
        live = self._new_live(trial_id, study_id, frozen.number, now)
        live.user_attrs.update(frozen.user_attrs)
        live.system_attrs.update(frozen.system_attrs)
        # A record enqueued from a template (a retried continuation) has them already.
        live.params.update(frozen.params)
        live.distributions.update(frozen.distributions)
        for step, value in frozen.intermediate_values.items():
            live.intermediate[step] = (float(value),) if single else tuple(value)
        return live.snapshot()

    def start_trial(self, study_id: int, max_trials: int | None = None) -> FrozenTrial | None:
        with self._lock:
            self._cache(study_id)
            with write_transaction(self._engine) as conn:
                counters = self._lock_study(conn, study_id)
                if max_trials is not None and counters.n_started >= max_trials:
                    return None
                now = time.time()
                popped = self._pop(conn, study_id, counters, now)
                if popped is not None:
                    return popped
                trial_id = self._insert_trial(
                    conn, study_id, counters.next_number, TrialState.RUNNING, now
                )
                self._bump(conn, study_id, 1, 1, 0)
            return self._new_live(trial_id, study_id, counters.next_number, now).snapshot()

    def pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        with self._lock:
            self._cache(study_id)
            with write_transaction(self._engine) as conn:
                counters = self._lock_study(conn, study_id)
                return self._pop(conn, study_id, counters, time.time())

    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        if template is None:
            with self._lock:
                self._cache(study_id)
                with write_transaction(self._engine) as conn:
                    counters = self._lock_study(conn, study_id)
                    now = time.time()
                    trial_id = self._insert_trial(
                        conn, study_id, counters.next_number, TrialState.RUNNING, now
                    )
                    self._bump(conn, study_id, 1, 1, 0)
                return self._new_live(trial_id, study_id, counters.next_number, now).snapshot()
        return self._create_from_template(study_id, template)

    def _create_from_template(self, study_id: int, template: FrozenTrial) -> FrozenTrial:
        with self._lock:
            cache = self._cache(study_id)
            for name, dist in template.distributions.items():
                self._check_param(study_id, name, dist)
            single = len(cache.directions) == 1
            with write_transaction(self._engine) as conn:
                counters = self._lock_study(conn, study_id)
                waiting = template.state is TrialState.WAITING
                result = conn.execute(
                    sa.insert(t.trials).values(
                        study_id=study_id,
                        number=counters.next_number,
                        state=template.state.value,
                        values_json=values_to_json(template.values),
                        fail_reason=template.fail_reason,
                        datetime_start=_ts(template.datetime_start),
                        datetime_complete=_ts(template.datetime_complete),
                        heartbeat=time.time(),
                    )
                )
                trial_id = int(result.inserted_primary_key[0])  # type: ignore[index]
                if template.params:
                    conn.execute(
                        sa.insert(t.trial_params),
                        [
                            {
                                "trial_id": trial_id,
                                "name": name,
                                "internal": dist.to_internal(template.params[name]),
                                "distribution": distribution_to_json(dist),
                            }
                            for name, dist in template.distributions.items()
                        ],
                    )
                for kind, attrs in (
                    ("user", template.user_attrs),
                    ("system", template.system_attrs),
                ):
                    self._set_attrs(conn, t.trial_attrs, "trial_id", trial_id, kind, attrs)
                if template.intermediate_values:
                    conn.execute(
                        sa.insert(t.trial_reports),
                        [
                            {
                                "trial_id": trial_id,
                                "step": int(s),
                                "values_json": dumps([v] if single else list(v)),
                            }
                            for s, v in template.intermediate_values.items()
                        ],
                    )
                self._bump(conn, study_id, 1, 0 if waiting else 1, 1 if waiting else 0)
                (frozen,) = self._load_trials(conn, t.trials.c.trial_id == trial_id, single)
            return frozen

    def enqueue_trial(
        self,
        study_id: int,
        params: Mapping[str, Any],
        user_attrs: Mapping[str, Any] | None = None,
        skip_if_exists: bool = False,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> int | None:
        params = dict(params)
        with self._lock:
            single = len(self._cache(study_id).directions) == 1
            with write_transaction(self._engine) as conn:
                counters = self._lock_study(conn, study_id)
                if skip_if_exists and self._params_exist(conn, study_id, params, single):
                    return None
                trial_id = self._insert_trial(
                    conn, study_id, counters.next_number, TrialState.WAITING, None
                )
                system = {**(system_attrs or {}), FIXED_PARAMS_ATTR: params}
                self._set_attrs(conn, t.trial_attrs, "trial_id", trial_id, "system", system)
                self._set_attrs(conn, t.trial_attrs, "trial_id", trial_id, "user", user_attrs or {})
                self._bump(conn, study_id, 1, 0, 1)
            return trial_id

    def _params_exist(
        self, conn: Connection, study_id: int, params: dict[str, Any], single: bool
    ) -> bool:
        for live in self._live.values():
            if live.study_id == study_id and params in (
                live.params,
                live.system_attrs.get(FIXED_PARAMS_ATTR),
            ):
                return True
        c = t.trials.c
        waiting_or_done = sa.and_(c.study_id == study_id, c.state != TrialState.FAIL.value)
        for trial in self._load_trials(conn, waiting_or_done, single):
            if trial.system_attrs.get(FIXED_PARAMS_ATTR) == params or dict(trial.params) == params:
                return True
        return False

    # -- writing to a running trial ------------------------------------------------------------
    def _check_param(self, study_id: int, name: str, dist: Distribution) -> None:
        known = self._cache(study_id).param_dists
        old = known.get(name)
        if old is None:
            old = self._register_param(study_id, name, dist)
            known[name] = old
        if old is not dist and old != dist:
            check_compatible(name, old, dist)

    def _register_param(self, study_id: int, name: str, dist: Distribution) -> Distribution:
        """The study's distribution of ``name``: the stored one, or ``dist`` stored now."""
        c = t.study_params.c
        query = sa.select(c.distribution).where(c.study_id == study_id, c.name == name)
        for _ in range(3):
            with self._engine.connect() as conn:
                stored = conn.execute(query).scalar_one_or_none()
            if stored is not None:
                return self._dists.get(stored)
            try:
                with write_transaction(self._engine) as conn:
                    conn.execute(
                        sa.insert(t.study_params).values(
                            study_id=study_id, name=name, distribution=distribution_to_json(dist)
                        )
                    )
                return dist
            except IntegrityError:
                continue  # another worker registered it first: read theirs
        raise RuntimeError(f"Could not register parameter {name!r} of study {study_id}.")

    def set_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: Distribution
    ) -> None:
        with self._lock:
            live = self._live_for_update(trial_id)
            if live is None:
                self._write_to_stored_trial(trial_id, name, internal_value, distribution)
                return
            self._check_param(live.study_id, name, distribution)
            live.params[name] = distribution.to_external(internal_value)
            live.distributions[name] = distribution
            live.pending_params[name] = (float(internal_value), distribution_to_json(distribution))

    def _write_to_stored_trial(
        self, trial_id: int, name: str, internal_value: float, distribution: Distribution
    ) -> None:
        with write_transaction(self._engine) as conn:
            self._require_running(conn, trial_id)
            study_id = conn.execute(
                sa.select(t.trials.c.study_id).where(t.trials.c.trial_id == trial_id)
            ).scalar_one()
        self._check_param(study_id, name, distribution)
        with write_transaction(self._engine) as conn:
            self._require_running(conn, trial_id)
            conn.execute(
                sa.insert(t.trial_params).values(
                    trial_id=trial_id,
                    name=name,
                    internal=float(internal_value),
                    distribution=distribution_to_json(distribution),
                )
            )

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, values: tuple[float, ...]
    ) -> None:
        with self._lock:
            live = self._live_for_update(trial_id)
            with write_transaction(self._engine) as conn:
                guard = conn.execute(
                    sa.update(t.trials)
                    .where(
                        t.trials.c.trial_id == trial_id,
                        t.trials.c.state == TrialState.RUNNING.value,
                    )
                    .values(heartbeat=time.time())
                )
                if guard.rowcount != 1:
                    self._require_running(conn, trial_id)
                conn.execute(
                    sa.delete(t.trial_reports).where(
                        t.trial_reports.c.trial_id == trial_id, t.trial_reports.c.step == step
                    )
                )
                conn.execute(
                    sa.insert(t.trial_reports).values(
                        trial_id=trial_id, step=int(step), values_json=dumps(list(values))
                    )
                )
                if live is not None:
                    self._write_pending(conn, live)
            if live is not None:
                live.intermediate[int(step)] = tuple(values)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            live = self._live_for_update(trial_id)
            if live is not None:
                live.user_attrs[key] = value
                live.pending_user[key] = value
                return
            with write_transaction(self._engine) as conn:
                self._require_running(conn, trial_id)
                self._set_attrs(conn, t.trial_attrs, "trial_id", trial_id, "user", {key: value})

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            live = self._live_for_update(trial_id)
            with write_transaction(self._engine) as conn:
                self._require_running(conn, trial_id, allow_waiting=True)
                self._set_attrs(conn, t.trial_attrs, "trial_id", trial_id, "system", {key: value})
            if live is not None:
                live.system_attrs[key] = value

    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
    ) -> bool:
        if not state.is_finished():
            raise ValueError(f"finish_trial needs a finished state, got {state.name}.")
        with self._lock:
            live = self._live.get(trial_id)
            now = time.time()
            values_tuple = None if values is None else tuple(float(v) for v in values)
            try:
                with write_transaction(self._engine) as conn:
                    done = conn.execute(
                        sa.update(t.trials)
                        .where(
                            t.trials.c.trial_id == trial_id,
                            t.trials.c.state == TrialState.RUNNING.value,
                        )
                        .values(
                            state=state.value,
                            values_json=values_to_json(values_tuple),
                            fail_reason=fail_reason,
                            datetime_complete=now,
                        )
                    )
                    if done.rowcount != 1:
                        raise _NotRunning
                    if live is not None:
                        self._write_pending(conn, live)
            except _NotRunning:
                self._live.pop(trial_id, None)
                return False
            if live is not None:
                del self._live[trial_id]
                frozen = live.snapshot(state, values_tuple, now, fail_reason)
                self._finished[trial_id] = frozen
            return True

    # -- reading ----------------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            live = self._live.get(trial_id)
            if live is not None:
                return live.snapshot()
            frozen = self._finished.get(trial_id)
            if frozen is not None:
                return frozen
            with read_transaction(self._engine) as conn:
                study_id = conn.execute(
                    sa.select(t.trials.c.study_id).where(t.trials.c.trial_id == trial_id)
                ).scalar_one_or_none()
                if study_id is None:
                    raise TrialNotFoundError(f"No trial with id {trial_id}.")
                single = len(self._cache(study_id).directions) == 1
                (frozen,) = self._load_trials(conn, t.trials.c.trial_id == trial_id, single)
            if frozen.state.is_finished():
                self._finished[trial_id] = frozen
            return frozen

    def get_trial_id_from_number(self, study_id: int, number: int) -> int:
        with self._engine.connect() as conn:
            trial_id = conn.execute(
                sa.select(t.trials.c.trial_id).where(
                    t.trials.c.study_id == study_id, t.trials.c.number == number
                )
            ).scalar_one_or_none()
        if trial_id is None:
            raise TrialNotFoundError(f"No trial number {number} in this study.")
        return int(trial_id)

    def get_all_trials(
        self, study_id: int, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        with self._lock:
            cache = self._cache(study_id)
            c = t.trials.c
            # New trials by a range on the (study_id, number) index, plus the few that were
            # unfinished at the last read by primary key: never a scan of the whole study.
            changed = sa.or_(
                sa.and_(c.study_id == study_id, c.number > cache.max_number),
                c.trial_id.in_(sorted(cache.unfinished_ids)),
            )
            with read_transaction(self._engine) as conn:
                fresh = self._load_trials(conn, changed, len(cache.directions) == 1)
            finished, unfinished = [], []
            for trial in fresh:
                cache.max_number = max(cache.max_number, trial.number)
                if trial.state.is_finished():
                    finished.append(trial)
                    self._finished.setdefault(trial.trial_id, trial)
                else:
                    live = self._live.get(trial.trial_id)
                    unfinished.append(live.snapshot() if live is not None else trial)
            cache.add_finished(finished)
            cache.unfinished_ids = {trial.trial_id for trial in unfinished}
            result = cache.merged(unfinished)
        if states is None:
            return result
        return [trial for trial in result if trial.state in states]

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        if states is None or states == STARTED_STATES:
            row = self._study_row(study_id)
            return int(row.next_number if states is None else row.n_started)
        wanted = [s.value for s in TrialState if s in states]
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(t.trials)
                    .where(t.trials.c.study_id == study_id, t.trials.c.state.in_(wanted))
                ).scalar_one()
            )

    # -- leases and buffered writes -----------------------------------------------------------
    def flush(self) -> None:
        with self._lock:
            pending = [live for live in self._live.values() if live.has_pending()]
            if not pending:
                return
            with write_transaction(self._engine) as conn:
                for live in pending:
                    self._write_pending(conn, live)

    def heartbeat(self, trial_id: int) -> None:
        with write_transaction(self._engine) as conn:
            conn.execute(
                sa.update(t.trials)
                .where(
                    t.trials.c.trial_id == trial_id, t.trials.c.state == TrialState.RUNNING.value
                )
                .values(heartbeat=time.time())
            )

    def fail_stale_trials(self, study_id: int, grace_seconds: float) -> list[int]:
        cutoff = time.time() - grace_seconds
        reason = f"no heartbeat for more than {grace_seconds:g} s (the worker stopped)"
        c = t.trials.c
        stale_condition = sa.and_(
            c.study_id == study_id, c.state == TrialState.RUNNING.value, c.heartbeat < cutoff
        )
        failed: list[int] = []
        with self._lock, write_transaction(self._engine) as conn:
            stale = conn.execute(sa.select(c.trial_id, c.number).where(stale_condition)).all()
            for row in stale:
                done = conn.execute(
                    sa.update(t.trials)
                    .where(stale_condition, c.trial_id == row.trial_id)
                    .values(
                        state=TrialState.FAIL.value,
                        fail_reason=reason,
                        datetime_complete=time.time(),
                    )
                )
                if done.rowcount == 1:
                    failed.append(int(row.number))
                    self._live.pop(int(row.trial_id), None)
        return sorted(failed)

    # -- study-level state and checkpoints ------------------------------------------------------
    def get_study_state(self, study_id: int, key: str) -> VersionedState | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(t.study_state.c.version, t.study_state.c.data).where(
                    t.study_state.c.study_id == study_id, t.study_state.c.key == key
                )
            ).one_or_none()
        if row is None:
            self._study_row(study_id)
            return None
        return VersionedState(int(row.version), bytes(row.data))

    def compare_and_set_study_state(
        self, study_id: int, key: str, data: bytes, expected_version: int
    ) -> bool:
        s = t.study_state.c
        try:
            with write_transaction(self._engine) as conn:
                if expected_version == 0:
                    conn.execute(
                        sa.insert(t.study_state).values(
                            study_id=study_id, key=key, version=1, data=bytes(data)
                        )
                    )
                    return True
                done = conn.execute(
                    sa.update(t.study_state)
                    .where(s.study_id == study_id, s.key == key, s.version == expected_version)
                    .values(version=expected_version + 1, data=bytes(data))
                )
                return bool(done.rowcount == 1)
        except IntegrityError:
            return False

    def save_checkpoint(self, trial_id: int, key: str, data: bytes) -> None:
        c = t.trial_checkpoints.c
        with write_transaction(self._engine) as conn:
            conn.execute(sa.delete(t.trial_checkpoints).where(c.trial_id == trial_id, c.key == key))
            conn.execute(
                sa.insert(t.trial_checkpoints).values(trial_id=trial_id, key=key, data=bytes(data))
            )

    def load_checkpoint(self, trial_id: int, key: str) -> bytes | None:
        c = t.trial_checkpoints.c
        with self._engine.connect() as conn:
            data = conn.execute(
                sa.select(c.data).where(c.trial_id == trial_id, c.key == key)
            ).scalar_one_or_none()
        return None if data is None else bytes(data)

    def delete_checkpoint(self, trial_id: int, key: str) -> None:
        c = t.trial_checkpoints.c
        with write_transaction(self._engine) as conn:
            conn.execute(sa.delete(t.trial_checkpoints).where(c.trial_id == trial_id, c.key == key))


def _ts(value: Any) -> float | None:
    return None if value is None else float(value.timestamp())
