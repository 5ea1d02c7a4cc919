"""An executor plugs in through its properties, without any change to the study loop."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

import pytest

import hypersweep as hs
from hypersweep.executors import EXECUTORS, Executor, WorkerFn, resolve_executor
from hypersweep.study.study import _PortableRole


def _objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -1, 1)
    return x * x


class RebuildingExecutor(Executor):
    """Runs each worker on its own copy of the work, unpickled: like a process or a remote
    machine would, but in threads, so the test is fast. It says it shares no memory."""

    shares_memory = False

    def __init__(self) -> None:
        self.seen_studies: list[object] = []

    def run(self, worker: WorkerFn, n_workers: int) -> None:
        self._check_n_workers(n_workers)
        payload = pickle.dumps(worker)
        errors: list[BaseException] = []

        def body(index: int) -> None:
            try:
                pickle.loads(payload)(index)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=body, args=(i,)) for i in range(n_workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]


def test_an_executor_that_shares_no_memory_gets_a_factory_and_an_exact_budget(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/p.db"
    study = hs.create_study(storage=url, sampler=hs.samplers.TPESampler(seed=0))
    study.optimize(_objective, n_trials=12, n_jobs=3, executor=RebuildingExecutor())
    assert len(study.trials) == 12
    assert all(t.state is hs.TrialState.COMPLETE for t in study.trials)


def test_an_executor_that_shares_no_memory_needs_a_shared_storage() -> None:
    study = hs.create_study()
    with pytest.raises(ValueError, match="cannot be shared by worker processes"):
        study.optimize(_objective, n_trials=2, executor=RebuildingExecutor())


def test_a_worker_elsewhere_rebuilds_the_sampler_from_its_stored_specification() -> None:
    role = _PortableRole.of(hs.samplers.TPESampler(seed=7, n_startup_trials=3), "sampler")
    assert role.spec is not None and role.obj is None
    rebuilt = role.rebuild()
    assert isinstance(rebuilt, hs.samplers.TPESampler) and rebuilt.seed == 7


class _Opaque:
    """Not JSON: a sampler holding it travels pickled."""


class HoldsOpaque(hs.samplers.RandomSampler):
    def __init__(self, thing: _Opaque, seed: int | None = None) -> None:
        super().__init__(seed)
        self.thing = thing


def test_a_sampler_without_a_specification_travels_pickled() -> None:
    role = _PortableRole.of(HoldsOpaque(_Opaque(), seed=1), "sampler")
    assert role.spec is None and isinstance(role.rebuild(), HoldsOpaque)


def test_executor_names_live_in_executors() -> None:
    assert set(EXECUTORS) == {"inline", "threads", "processes", "ray"}
    assert type(resolve_executor("threads", 1)).__name__ == "ThreadExecutor"
    with pytest.raises(ValueError, match="executor must be an Executor or one of"):
        resolve_executor("ray-ish", 2)


def test_the_shipped_executors_declare_their_properties() -> None:
    from hypersweep.executors import InlineExecutor, ProcessExecutor, ThreadExecutor
    from hypersweep.executors.simulated import SimulatedExecutor

    assert InlineExecutor.shares_memory and ThreadExecutor.shares_memory
    assert not ProcessExecutor.shares_memory
    assert SimulatedExecutor.has_clock and not ThreadExecutor.has_clock
