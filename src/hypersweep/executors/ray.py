"""Run the workers on a Ray cluster (``pip install 'hypersweep[ray]'``)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from typing import Any

from .._internal.logging import get_logger
from .base import Executor, WorkerFn

#: Seconds the workers get to record their interrupted trials before they are killed.
INTERRUPT_GRACE_S = 10.0
_logger = get_logger("executors.ray")


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ImportError(
            "RayExecutor needs Ray: pip install 'hypersweep[ray]' (or pip install ray)."
        ) from exc
    return ray


def ray_options(resources: Mapping[str, float] | None) -> dict[str, Any]:
    """Ray task options for one worker asking for ``resources`` (one CPU by default).

    >>> ray_options({"cpu": 2, "gpu": 0.5, "accelerator": 1})
    {'num_cpus': 2.0, 'num_gpus': 0.5, 'resources': {'accelerator': 1.0}}
    """
    request = dict(resources or {})
    options: dict[str, Any] = {
        "num_cpus": float(request.pop("cpu", 1.0)),
        "num_gpus": float(request.pop("gpu", 0.0)),
    }
    if request:
        options["resources"] = {k: float(v) for k, v in request.items()}
    return options


def capacity(cluster: Mapping[str, float], resources: Mapping[str, float] | None) -> int:
    """How many workers asking for ``resources`` fit at once in ``cluster`` (Ray's
    ``cluster_resources()``: ``CPU``, ``GPU`` and custom names).

    >>> capacity({"CPU": 8.0, "GPU": 2.0}, {"cpu": 1, "gpu": 0.5})
    4
    """
    options = ray_options(resources)
    wanted = {
        "CPU": options["num_cpus"],
        "GPU": options["num_gpus"],
        **options.get("resources", {}),
    }
    fits = [
        math.floor(float(cluster.get(name, 0.0)) / amount + 1e-9)
        for name, amount in wanted.items()
        if amount > 0
    ]
    return min(fits) if fits else 1_000_000


class RayExecutor(Executor):
    """Run the workers as Ray tasks: each a long-lived worker running the study's loop, as
    many at once as the cluster holds for the per-trial ``resources`` (``n_jobs > 1`` caps
    that; ``RayExecutor(max_concurrent=k)`` too).

    ``address=None`` joins the Ray this process already started, else starts a local one
    (``init_kwargs`` go to ``ray.init``, e.g. ``num_cpus=2``); ``address="auto"`` or
    ``"ray://head:10001"`` joins a cluster. A study kept in memory or in a SQLite file is
    served to the workers by this process (``hypersweep.storage.remote``), so no database
    is needed; PostgreSQL, MySQL and journal storages are used by the workers directly.
    On several machines a large checkpoint needs a store every machine reaches (an fsspec
    URL). A worker whose process dies is started again by Ray (``max_retries``); its trial
    fails when its lease runs out (``heartbeat_interval``) and ``RetryFailedTrialCallback``
    runs it again. Ctrl-C on the driver interrupts every worker, which records its trial as
    interrupted.

    >>> import hypersweep as hs
    >>> study = hs.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4,
    ...                executor=hs.executors.RayExecutor(num_cpus=2))  # doctest: +SKIP
    """

    shares_memory = False
    spans_machines = True
    places_resources = True

    def __init__(
        self,
        address: str | None = None,
        *,
        max_concurrent: int | None = None,
        max_retries: int = 3,
        **init_kwargs: Any,
    ) -> None:
        if max_concurrent is not None and (
            isinstance(max_concurrent, bool)
            or not isinstance(max_concurrent, int)
            or max_concurrent < 1
        ):
            raise ValueError(f"max_concurrent must be an int >= 1 or None, got {max_concurrent!r}.")
        self.address = address
        self.max_concurrent = max_concurrent
        self.max_retries = max_retries
        self.init_kwargs = init_kwargs

    def start(self) -> Any:
        """Connect to (or start) Ray; returns the ``ray`` module."""
        ray = _ray()
        if not ray.is_initialized():
            kwargs = {"include_dashboard": False, "logging_level": "WARNING", **self.init_kwargs}
            ray.init(address=self.address, **kwargs)
        return ray

    def n_machines(self) -> int:
        """How many live nodes the cluster has."""
        ray = self.start()
        return sum(1 for node in ray.nodes() if node.get("Alive"))

    def dumps(self, obj: object) -> bytes:
        """Serialise as Ray does (cloudpickle: closures and lambdas travel too)."""
        from ray import cloudpickle

        dumps: Any = cloudpickle.dumps
        return bytes(dumps(obj))

    def workers_for(self, n_jobs: int, resources: Mapping[str, float] | None) -> int:
        """Workers to start: what the cluster holds for ``resources``, capped by
        ``max_concurrent`` and by ``n_jobs`` when it is above 1."""
        ray = self.start()
        cluster = ray.cluster_resources()
        fits = capacity(cluster, resources)
        if fits < 1:
            raise ValueError(
                f"No worker fits on this Ray cluster: each asks for {ray_options(resources)}, "
                f"the cluster has {dict(cluster)}. Lower resources= or add machines."
            )
        n = fits
        if n_jobs > 1:
            n = min(n, n_jobs)
        if self.max_concurrent is not None:
            n = min(n, self.max_concurrent)
        return n

    def run(
        self, worker: WorkerFn, n_workers: int, resources: Mapping[str, float] | None = None
    ) -> None:
        self._check_n_workers(n_workers)
        ray = self.start()
        task = ray.remote(_run_worker).options(
            max_retries=self.max_retries, retry_exceptions=False, **ray_options(resources)
        )
        refs = [task.remote(worker, index) for index in range(n_workers)]
        try:
            pending = list(refs)
            while pending:
                # A timeout, so that this thread returns to Python and Ctrl-C gets through.
                done, pending = ray.wait(pending, num_returns=1, timeout=0.2)
                for ref in done:
                    ray.get(ref)  # raises the worker's exception at once
        except BaseException:
            _stop(ray, refs)
            raise

    def __repr__(self) -> str:
        return f"RayExecutor(address={self.address!r}, max_concurrent={self.max_concurrent})"


def _run_worker(worker: WorkerFn, index: int) -> None:
    worker(index)


def _stop(ray: Any, refs: list[Any]) -> None:
    """Interrupt every worker (KeyboardInterrupt in the task: it records its trial), give
    them time, then kill the rest."""
    for ref in refs:
        with contextlib.suppress(Exception):  # already finished
            ray.cancel(ref, force=False)
    _, pending = ray.wait(refs, num_returns=len(refs), timeout=INTERRUPT_GRACE_S)
    for ref in pending:
        with contextlib.suppress(Exception):
            ray.cancel(ref, force=True)
    if pending:
        _logger.warning("%d Ray worker(s) did not stop in time and were killed.", len(pending))
