"""``RDBStorage``: the SQL storage under Optuna's name and arguments."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..storage.sql import SQLStorage


class RDBStorage(SQLStorage):
    """:class:`~hypersweep.storage.sql.SQLStorage` with Optuna's ``RDBStorage`` signature.

    ``url`` and ``engine_kwargs`` mean the same; ``skip_compatibility_check`` and
    ``skip_table_creation`` are accepted (the schema is created or migrated on open);
    ``heartbeat_stale_trial_callback`` is another name of ``failed_trial_callback``.
    Heartbeats default to every 10 s, as for every persistent hypersweep storage (Optuna:
    none); pass ``heartbeat_interval=None`` to turn them off.

    >>> import os, tempfile
    >>> import hypersweep as hs
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "study.db")
    >>> storage = hs.storages.RDBStorage(url, engine_kwargs={"pool_pre_ping": True})
    >>> study = hs.create_study(storage=storage, study_name="s")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    >>> len(hs.load_study(study_name="s", storage=url).trials)
    2
    """

    def __init__(
        self,
        url: str,
        engine_kwargs: Mapping[str, Any] | None = None,
        skip_compatibility_check: bool = False,
        *,
        heartbeat_interval: float | None = 10.0,
        grace_period: float | None = 60.0,
        heartbeat_stale_trial_callback: Callable[..., None] | None = None,
        failed_trial_callback: Callable[..., None] | None = None,
        skip_table_creation: bool = False,
        **options: Any,
    ) -> None:
        if heartbeat_stale_trial_callback is not None and failed_trial_callback is not None:
            raise ValueError(
                "Pass failed_trial_callback or heartbeat_stale_trial_callback, not both."
            )
        super().__init__(
            url,
            heartbeat_interval=heartbeat_interval,
            grace_period=grace_period,
            failed_trial_callback=failed_trial_callback or heartbeat_stale_trial_callback,
            engine_kwargs=engine_kwargs,
            **options,
        )
