"""A storage served to other processes (``hypersweep.storage.remote``): the storage protocol
over the wire, errors raised where the call was made, finished trials sent once."""

from __future__ import annotations

import multiprocessing
import pickle

import pytest

import hypersweep as hs
from hypersweep.storage import InMemoryStorage
from hypersweep.storage.remote import RemoteStorage, StorageServer
from hypersweep.testing import check_storage
from hypersweep.trial import StudyDirection, TrialState

MIN = [StudyDirection.MINIMIZE]


def test_a_served_storage_passes_the_storage_conformance_suite() -> None:
    servers: list[StorageServer] = []

    def make() -> RemoteStorage:
        servers.append(StorageServer(InMemoryStorage()))
        return servers[-1].client()

    try:
        check_storage(make)
    finally:
        for server in servers:
            server.close()


def test_errors_cross_the_wire_with_their_type() -> None:
    with StorageServer(InMemoryStorage()) as server:
        remote = server.client()
        remote.create_new_study(MIN, "a")
        with pytest.raises(hs.DuplicatedStudyError):
            remote.create_new_study(MIN, "a")
        with pytest.raises(KeyError):
            remote.get_study_id_from_name("missing")
        with pytest.raises(AttributeError, match="not a storage method"):
            remote._call("__init__")


def test_finished_trials_are_sent_once_and_running_ones_every_time() -> None:
    storage = InMemoryStorage()
    with StorageServer(storage) as server:
        remote = server.client()
        study_id = remote.create_new_study(MIN, "s")
        done = remote.create_new_trial(study_id)
        remote.finish_trial(done.trial_id, TrialState.COMPLETE, (1.0,), None)
        running = remote.create_new_trial(study_id)
        first = remote.get_all_trials(study_id)
        remote.set_trial_intermediate_value(running.trial_id, 1, (0.5,))
        second = remote.get_all_trials(study_id)
        assert second[0] is first[0]  # the finished one came from the client's cache
        assert 1 in second[1].intermediate_values  # the running one is fresh
        assert 1 not in first[1].intermediate_values
        assert [t.number for t in remote.get_all_trials(study_id, (TrialState.RUNNING,))] == [1]
        assert second == storage.get_all_trials(study_id)


def _count_in_child(remote: RemoteStorage, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    study = hs.load_study(study_name="served", storage=remote)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    queue.put(len(study.trials))


def test_another_process_runs_trials_in_the_served_in_memory_study() -> None:
    storage = InMemoryStorage()
    study = hs.create_study(storage=storage, study_name="served")
    with StorageServer(storage) as server:
        remote = pickle.loads(pickle.dumps(server.client()))
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=_count_in_child, args=(remote, queue))
        child.start()
        assert queue.get(timeout=60) == 3
        child.join(timeout=30)
    assert len(study.trials) == 3 and all(t.state is TrialState.COMPLETE for t in study.trials)


def test_a_client_of_a_closed_server_says_the_storage_is_gone() -> None:
    server = StorageServer(InMemoryStorage())
    remote = server.client()
    remote.get_all_studies()
    server.close()
    with pytest.raises(ConnectionError, match="gone"):
        remote.get_all_studies()
