"""Large checkpoints in a checkpoint store; deleting checkpoints (record and blob)."""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.schedulers.asha import ASHAScheduler
from hypersweep.storage import InMemoryStorage, get_storage
from hypersweep.storage.checkpoints import (
    DEFAULT_CHECKPOINT_THRESHOLD,
    CheckpointNotFoundError,
    CheckpointStore,
    FsspecCheckpointStore,
    LocalCheckpointStore,
    open_checkpoint_store,
)
from hypersweep.storage.journal import JournalFileBackend, JournalStorage
from hypersweep.storage.sql import SQLStorage
from hypersweep.study._checkpoints import (
    decode_checkpoint,
    delete_stored_checkpoint,
    encode_checkpoint,
    load_stored_checkpoint,
    store_checkpoint,
)
from hypersweep.trial import keys

from . import _mp_objectives as mp
from .servers import MYSQL_URL, POSTGRES_URL, require_server, reset_database
from .test_journal import redis_prefix

MIN = (hs.StudyDirection.MINIMIZE,)
BIG = os.urandom(DEFAULT_CHECKPOINT_THRESHOLD + 1)  # the smallest checkpoint the store takes
SMALL = b"small state"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _raw(storage: hs.storages.Storage, trial_id: int) -> bytes | None:
    return storage.load_checkpoint(trial_id, keys.CHECKPOINT)


def _trial(storage: hs.storages.Storage) -> int:
    study = storage.create_new_study(MIN)
    return storage.create_new_trial(study).trial_id


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "study.db"


# -- a SQLite file: inline below the threshold, in <db>.checkpoints/ above it -----------------
def test_small_checkpoints_stay_in_the_database_and_big_ones_go_beside_it(db: Path) -> None:
    storage = get_storage(f"sqlite:///{db}")
    folder = Path(f"{db}.checkpoints")
    assert storage.checkpoint_store == LocalCheckpointStore(folder)
    assert storage.checkpoint_threshold == DEFAULT_CHECKPOINT_THRESHOLD == 1 << 20
    small_id, big_id = _trial(storage), _trial(storage)

    store_checkpoint(storage, small_id, encode_checkpoint(SMALL), 1)
    assert _raw(storage, small_id) == b"\x00" + SMALL
    assert not folder.exists()  # nothing large yet: no folder

    store_checkpoint(storage, big_id, encode_checkpoint(BIG), 2)
    record = _raw(storage, big_id)
    assert record is not None and record[:1] == b"\x02" and len(record) < 300
    (blob,) = _files(folder)
    assert blob.read_bytes() == b"\x00" + BIG
    assert storage.get_trial(big_id).system_attrs[keys.CHECKPOINT_STEP] == 2

    reopened = get_storage(f"sqlite:///{db}", create=False)  # another reader finds the blob
    assert load_stored_checkpoint(reopened, small_id) == SMALL
    assert load_stored_checkpoint(reopened, big_id) == BIG


def test_the_store_keeps_the_encoded_state_so_objects_round_trip(db: Path) -> None:
    storage = get_storage(f"sqlite:///{db}")
    tid = _trial(storage)
    state = {"weights": BIG, "epoch": 3}
    store_checkpoint(storage, tid, encode_checkpoint(state), 3)
    assert load_stored_checkpoint(storage, tid) == state
    with pytest.raises(ValueError, match="load_stored_checkpoint"):
        decode_checkpoint(_raw(storage, tid) or b"")


def test_replacing_a_big_checkpoint_deletes_the_blob_it_replaced(db: Path) -> None:
    storage = get_storage(f"sqlite:///{db}")
    folder = Path(f"{db}.checkpoints")
    tid = _trial(storage)
    store_checkpoint(storage, tid, encode_checkpoint(BIG), 1)
    (first,) = _files(folder)
    store_checkpoint(storage, tid, encode_checkpoint(BIG[::-1]), 2)
    (second,) = _files(folder)
    assert second != first
    assert load_stored_checkpoint(storage, tid) == BIG[::-1]
    store_checkpoint(storage, tid, encode_checkpoint(SMALL), 3)  # now small: inline again
    assert _files(folder) == []
    assert load_stored_checkpoint(storage, tid) == SMALL


def test_deleting_removes_the_record_and_the_file(db: Path) -> None:
    storage = get_storage(f"sqlite:///{db}")
    folder = Path(f"{db}.checkpoints")
    big_id, small_id = _trial(storage), _trial(storage)
    store_checkpoint(storage, big_id, encode_checkpoint(BIG), 1)
    store_checkpoint(storage, small_id, encode_checkpoint(SMALL), 1)
    assert len(_files(folder)) == 1

    delete_stored_checkpoint(storage, big_id)
    assert _raw(storage, big_id) is None
    assert _files(folder) == []
    assert load_stored_checkpoint(storage, big_id) is None
    assert load_stored_checkpoint(storage, small_id) == SMALL  # the other one stays

    delete_stored_checkpoint(storage, big_id)  # idempotent
    delete_stored_checkpoint(storage, small_id)
    assert load_stored_checkpoint(storage, small_id) is None


def test_threshold_none_keeps_everything_inline_and_zero_sends_everything(tmp_path: Path) -> None:
    inline = get_storage(f"sqlite:///{tmp_path}/a.db", checkpoint_threshold=None)
    tid = _trial(inline)
    store_checkpoint(inline, tid, encode_checkpoint(BIG), 1)
    assert _raw(inline, tid) == b"\x00" + BIG
    assert not Path(f"{tmp_path}/a.db.checkpoints").exists()

    eager = get_storage(f"sqlite:///{tmp_path}/b.db", checkpoint_threshold=0)
    tid = _trial(eager)
    store_checkpoint(eager, tid, encode_checkpoint(b"x"), 1)
    assert (_raw(eager, tid) or b"")[:1] == b"\x02"
    assert load_stored_checkpoint(eager, tid) == b"x"


def test_an_explicit_store_replaces_the_default_and_travels_with_the_storage(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "elsewhere"
    storage = SQLStorage(f"sqlite:///{tmp_path}/s.db", checkpoint_store=str(folder))
    assert storage.checkpoint_store == LocalCheckpointStore(folder)
    copy = pickle.loads(pickle.dumps(storage))  # what a process worker gets
    assert copy.checkpoint_store == LocalCheckpointStore(folder)
    assert copy.checkpoint_threshold == storage.checkpoint_threshold
    tid = _trial(copy)
    store_checkpoint(copy, tid, encode_checkpoint(BIG), 1)
    assert len(_files(folder)) == 1
    assert not Path(f"{tmp_path}/s.db.checkpoints").exists()
    assert load_stored_checkpoint(storage, tid) == BIG


# -- through a study ----------------------------------------------------------------------------
def test_trial_save_and_load_checkpoint_small_and_big(db: Path) -> None:
    study = hs.create_study(storage=f"sqlite:///{db}", study_name="s")
    trial = study.ask()
    trial.report(1.0, 1)
    trial.save_checkpoint(SMALL)
    assert trial.load_checkpoint() == SMALL
    trial.report(0.5, 2)
    trial.save_checkpoint({"model": BIG})
    assert trial.load_checkpoint() == {"model": BIG}
    assert len(_files(Path(f"{db}.checkpoints"))) == 1
    study.tell(trial, 0.5)
    loaded = hs.load_study(study_name="s", storage=f"sqlite:///{db}")
    tid = loaded.storage.get_trial_id_from_number(loaded._study_id, 0)
    assert load_stored_checkpoint(loaded.storage, tid) == {"model": BIG}


def _trainable(resumed: list[int]) -> Any:
    def train(config: dict[str, Any]) -> None:
        state = hs.get_checkpoint()
        if state is not None:
            assert state["weights"] == mp.big_pad(config["x"])  # its own, whole
            resumed.append(state["epoch"])
        epoch = -1 if state is None else state["epoch"]
        for epoch in range(epoch + 1, 9):  # noqa: B020 - goes on after the checkpoint's epoch
            hs.report(
                {"loss": config["x"] / (epoch + 1)},
                checkpoint={"epoch": epoch, "weights": mp.big_pad(config["x"])},
            )

    return train


def test_tune_with_a_pausing_asha_resumes_from_big_checkpoints(db: Path) -> None:
    resumed: list[int] = []
    result = hs.tune(
        _trainable(resumed),
        {"x": hs.uniform(0, 1)},
        metric="loss",
        num_samples=9,
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=ASHAScheduler(1, 9, 3, pause=True),
        storage=f"sqlite:///{db}",
    )
    assert resumed, "nothing was resumed"
    assert result.best_checkpoint["epoch"] == 8
    assert result.best_checkpoint["weights"] == mp.big_pad(result.best_config["x"])
    storage = result.study.storage
    records = [_raw(storage, t.trial_id) for t in storage.get_all_trials(result.study._study_id)]
    stored = [r for r in records if r is not None]
    assert stored and all(r[:1] == b"\x02" and len(r) < 300 for r in stored)
    assert len(_files(Path(f"{db}.checkpoints"))) == len(stored)  # one file per record

    hs.delete_study(study_name=result.study.study_name, storage=f"sqlite:///{db}")
    assert _files(Path(f"{db}.checkpoints")) == []  # the study's blobs went with it


# -- process workers --------------------------------------------------------------------------
def test_process_workers_load_big_checkpoints_another_process_wrote(tmp_path: Path) -> None:
    folder = tmp_path / "ckpts"
    storage = SQLStorage(f"sqlite:///{tmp_path}/p.db", checkpoint_store=folder)
    study = hs.create_study(
        storage=storage,
        sampler=hs.samplers.RandomSampler(seed=1),
        scheduler=ASHAScheduler(1, mp.CURVE_STEPS, 3, pause=True),
    )
    for _ in range(3):  # three configurations paused at step 1 by this process
        trial = study.ask()
        with pytest.raises(hs.TrialPruned):
            mp.resumable_big(trial)
        study.tell(trial, state=hs.TrialState.PRUNED)
    assert len(_files(folder)) == 3

    study.optimize(
        mp.resumable_big,
        n_trials=6,
        n_jobs=2,
        executor="processes",
        catch=(),
        checkpoint_retention="all",  # read below, also those of continued trials
    )
    trials = study.trials
    here = os.getpid()
    workers = {t.user_attrs["pid"] for t in trials if t.user_attrs.get("pid") != here}
    assert workers, "no trial ran in a worker process"
    from_here = [
        t
        for t in trials
        if t.user_attrs.get("checkpoint_pid") == here and t.user_attrs["pid"] != here
    ]
    assert from_here, "no worker resumed from a checkpoint this process wrote"
    from_workers = [t for t in trials if t.user_attrs.get("checkpoint_pid") not in (None, here)]
    for t in study.get_trials(states=(hs.TrialState.COMPLETE,)):
        assert dict(t.intermediate_values) == pytest.approx(mp.straight_curve(t.params["x"]))
    # This process loads what the workers wrote (when they paused configurations).
    paused_by_workers = [
        t for t in trials if "paused_at" in t.system_attrs and t.user_attrs["pid"] != here
    ]
    for t in paused_by_workers:
        state = load_stored_checkpoint(storage, t.trial_id)
        assert state["pid"] != here and state["pad"] == mp.big_pad(t.params["x"])
    assert paused_by_workers or from_workers
    assert not Path(f"{tmp_path}/p.db.checkpoints").exists()  # the workers used the same store


# -- journal: the deletion is in the log --------------------------------------------------------
@pytest.fixture(params=["file", "redis"])
def journal_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "file":
        yield f"journal://{tmp_path}/study.log"
    else:
        for prefix in redis_prefix():
            yield f"redis://127.0.0.1:6379/0?prefix={prefix}"


def test_journal_deletion_is_replayed_by_every_reader(journal_url: str, tmp_path: Path) -> None:
    store = tmp_path / "journal-ckpts"
    writer = get_storage(journal_url, checkpoint_store=store)
    reader = get_storage(journal_url, checkpoint_store=store)
    big_id, small_id = _trial(writer), _trial(writer)
    store_checkpoint(writer, big_id, encode_checkpoint(BIG), 1)
    store_checkpoint(writer, small_id, encode_checkpoint(SMALL), 1)
    assert load_stored_checkpoint(reader, big_id) == BIG
    assert load_stored_checkpoint(reader, small_id) == SMALL

    delete_stored_checkpoint(writer, big_id)
    delete_stored_checkpoint(reader, small_id)
    assert _files(store) == []
    for storage in (writer, reader, get_storage(journal_url, checkpoint_store=store)):
        assert load_stored_checkpoint(storage, big_id) is None  # the last one replays it all
        assert load_stored_checkpoint(storage, small_id) is None
    lines_before = _journal_length(writer)
    delete_stored_checkpoint(writer, big_id)  # nothing there: nothing appended
    assert _journal_length(writer) == lines_before


def _journal_length(storage: Any) -> int:
    records, _ = storage.backend.read(0)
    return len(records)


def test_a_journal_file_keeps_big_checkpoints_beside_the_log(tmp_path: Path) -> None:
    path = tmp_path / "s.log"
    storage = JournalStorage(JournalFileBackend(path))
    assert storage.checkpoint_store == LocalCheckpointStore(f"{path}.checkpoints")
    tid = _trial(storage)
    store_checkpoint(storage, tid, encode_checkpoint(BIG), 1)
    assert len(_files(Path(f"{path}.checkpoints"))) == 1
    assert path.stat().st_size < 4096
    copy = pickle.loads(pickle.dumps(storage))
    assert copy.checkpoint_store == storage.checkpoint_store
    assert load_stored_checkpoint(copy, tid) == BIG
    delete_stored_checkpoint(copy, tid)
    assert _files(Path(f"{path}.checkpoints")) == []


# -- servers: no default store (workers elsewhere could not reach one); one can be given ------
@pytest.mark.parametrize("url", [POSTGRES_URL, MYSQL_URL], ids=["postgresql", "mysql"])
def test_server_storages_keep_checkpoints_inline_unless_given_a_store(
    url: str, tmp_path: Path
) -> None:
    require_server(url)
    reset_database(url)
    inline = get_storage(url)
    try:
        assert inline.checkpoint_store is None
        tid = _trial(inline)
        store_checkpoint(inline, tid, encode_checkpoint(BIG), 1)
        assert _raw(inline, tid) == b"\x00" + BIG
        delete_stored_checkpoint(inline, tid)
        assert _raw(inline, tid) is None
    finally:
        inline.close()
    folder = tmp_path / "shared"
    storage = get_storage(url, checkpoint_store=str(folder))
    try:
        tid = _trial(storage)
        store_checkpoint(storage, tid, encode_checkpoint(BIG), 1)
        assert (_raw(storage, tid) or b"")[:1] == b"\x02"
        assert load_stored_checkpoint(pickle.loads(pickle.dumps(storage)), tid) == BIG
        delete_stored_checkpoint(storage, tid)
        assert _files(folder) == []
    finally:
        storage.close()
        reset_database(url)


# -- memory, options, errors --------------------------------------------------------------------
def test_in_memory_storage_takes_a_store_and_get_storage_passes_it(tmp_path: Path) -> None:
    assert InMemoryStorage().checkpoint_store is None
    storage = get_storage(None, checkpoint_store=tmp_path, checkpoint_threshold=10)
    assert isinstance(storage, InMemoryStorage)
    assert storage.checkpoint_store == LocalCheckpointStore(tmp_path)
    assert storage.checkpoint_threshold == 10
    study = hs.create_study(storage=storage)
    trial = study.ask()
    trial.save_checkpoint(b"more than ten bytes")
    assert trial.load_checkpoint() == b"more than ten bytes"
    assert len(_files(tmp_path)) == 1


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="checkpoint_threshold"):
        InMemoryStorage(checkpoint_threshold=-1)
    with pytest.raises(TypeError, match="checkpoint_store"):
        InMemoryStorage(checkpoint_store=123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="checkpoint_store"):
        get_storage("journal:///tmp/x.log", checkpoint_store=123)


def test_a_missing_blob_or_store_is_a_clear_error(tmp_path: Path) -> None:
    storage = InMemoryStorage(checkpoint_store=tmp_path)
    tid = _trial(storage)
    store_checkpoint(storage, tid, encode_checkpoint(BIG), 1)
    storage.checkpoint_store = None
    with pytest.raises(CheckpointNotFoundError, match="checkpoint_store"):
        load_stored_checkpoint(storage, tid)
    storage.checkpoint_store = LocalCheckpointStore(tmp_path)
    for blob in _files(tmp_path):
        blob.unlink()
    with pytest.raises(CheckpointNotFoundError, match="is not in"):
        load_stored_checkpoint(storage, tid)


def test_references_cannot_leave_the_store(tmp_path: Path) -> None:
    (tmp_path / "secret").write_bytes(b"no")
    store = LocalCheckpointStore(tmp_path / "store")
    for bad in ("../secret", "/etc/passwd", "", "a/../../secret", ".hidden"):
        with pytest.raises(ValueError, match="Invalid checkpoint reference"):
            store.get(bad)
        with pytest.raises(ValueError, match="Invalid checkpoint reference"):
            store.delete(bad)
    assert (tmp_path / "secret").exists()


def test_local_store_writes_atomically_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = LocalCheckpointStore(tmp_path)
    refs = [store.put("trial-1-checkpoint", bytes([i]) * 10) for i in range(3)]
    assert len(set(refs)) == 3  # never overwrites
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(refs)
    assert [store.get(r) for r in refs] == [bytes([i]) * 10 for i in range(3)]
    with pytest.raises(CheckpointNotFoundError):
        store.get("trial-1-checkpoint-missing")


def test_open_checkpoint_store_reads_paths_and_urls(tmp_path: Path) -> None:
    assert open_checkpoint_store(str(tmp_path)) == LocalCheckpointStore(tmp_path)
    assert open_checkpoint_store(tmp_path) == LocalCheckpointStore(tmp_path)
    assert open_checkpoint_store(f"file://{tmp_path}") == LocalCheckpointStore(tmp_path)
    store = LocalCheckpointStore(tmp_path)
    assert open_checkpoint_store(store) is store
    assert isinstance(store, CheckpointStore)


# -- fsspec -------------------------------------------------------------------------------------
def test_fsspec_memory_store(tmp_path: Path) -> None:
    pytest.importorskip("fsspec")
    store = open_checkpoint_store("memory://hs-test-checkpoints")
    assert isinstance(store, FsspecCheckpointStore)
    ref = store.put("trial-0-checkpoint", BIG)
    assert store.get(ref) == BIG
    copy = pickle.loads(pickle.dumps(store))  # reopens the URL
    assert copy == store and copy.get(ref) == BIG
    store.delete(ref)
    store.delete(ref)
    with pytest.raises(CheckpointNotFoundError):
        store.get(ref)

    storage = get_storage(f"sqlite:///{tmp_path}/f.db", checkpoint_store=store)
    study = hs.create_study(storage=storage)
    trial = study.ask()
    trial.save_checkpoint({"w": BIG})
    record = _raw(storage, trial._trial_id)
    assert record is not None and b"memory://" in record
    assert trial.load_checkpoint() == {"w": BIG}
    delete_stored_checkpoint(storage, trial._trial_id)
    assert store._fs.ls(store._root) == []


def test_fsspec_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsspec", None)
    with pytest.raises(ImportError, match=r"hypersweep\[fsspec\]"):
        FsspecCheckpointStore("s3://bucket/checkpoints")


def test_the_worker_command_sends_big_checkpoints_to_the_store_it_names(tmp_path: Path) -> None:
    from hypersweep.cli.main import main

    db, store = tmp_path / "study.db", tmp_path / "elsewhere"
    scheduler_args = '{"min_resource": 1, "max_resource": 9, "reduction_factor": 3, "pause": true}'
    args = ["worker", "tests.storage._mp_objectives:resumable_big", "--storage", f"sqlite:///{db}"]
    args += ["--study", "big", "--create", "--n-trials", "6", "--scheduler", "asha"]
    args += ["--scheduler-args", scheduler_args, "--checkpoint-store", str(store)]
    assert main(args) == 0
    assert _files(store), "no checkpoint went to the named store"
    assert _files(Path(f"{db}.checkpoints")) == []
    trials = hs.load_study(study_name="big", storage=f"sqlite:///{db}").trials
    assert any(keys.RESUME_FROM in t.system_attrs for t in trials), "nothing was resumed"
    assert not [t.fail_reason for t in trials if t.state is hs.TrialState.FAIL]
