"""Journal storage (file and Redis): conformance, replay, torn records, write-behind, URLs."""

from __future__ import annotations

import itertools
import json
import pickle
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.space import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersweep.storage import get_storage
from hypersweep.storage.journal import (
    JournalFileBackend,
    JournalStorage,
    journal_storage_from_url,
)
from hypersweep.testing import check_storage

from ..conftest import IN_CI

REDIS = "redis://127.0.0.1:6379/0"
MIN = (hs.StudyDirection.MINIMIZE,)
ROOT = Path(__file__).resolve().parents[2]


def redis_prefix() -> Iterator[str]:
    """A fresh key prefix on the test Redis (its keys are deleted afterwards)."""
    try:
        import redis
    except ImportError:
        if IN_CI:
            raise
        pytest.skip("redis-py is not installed (install the 'redis' extra); skipped outside CI")
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        if IN_CI:
            raise AssertionError(f"CI must provide Redis at {REDIS}: {exc}") from exc
        pytest.skip(f"Redis at {REDIS} is not reachable here ({exc}); CI runs this test")
    prefix = f"hs-test-{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def prefix() -> Iterator[str]:
    yield from redis_prefix()


@pytest.fixture(params=["file", "redis"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A journal storage URL on an empty log, in a file and in Redis."""
    if request.param == "file":
        yield f"journal://{tmp_path}/study.log"
    else:
        for prefix in redis_prefix():
            yield f"{REDIS}?prefix={prefix}"


def _trial_fields(trial: hs.FrozenTrial) -> tuple[Any, ...]:
    return (
        trial.number,
        trial.trial_id,
        trial.state,
        trial.values,
        dict(trial.params),
        dict(trial.distributions),
        dict(trial.user_attrs),
        dict(trial.system_attrs),
        dict(trial.intermediate_values),
        trial.datetime_start,
        trial.datetime_complete,
        trial.fail_reason,
    )


def _objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    n = trial.suggest_int("n", 1, 64, log=True)
    k = trial.suggest_categorical("k", ["a", "b", None])
    trial.set_user_attr("k_is_none", k is None)
    for step in range(3):
        trial.report(x * x + step, step)
    return x * x + n


# -- conformance -------------------------------------------------------------------------------
def test_conformance_file(tmp_path: Path) -> None:
    count = itertools.count()
    check_storage(lambda: JournalStorage(JournalFileBackend(tmp_path / f"{next(count)}.log")))


def test_conformance_redis(prefix: str) -> None:
    count = itertools.count()
    check_storage(lambda: journal_storage_from_url(f"{REDIS}?prefix={prefix}-{next(count)}"))


# -- the public API, reopening, replay -----------------------------------------------------------
def test_a_study_reopens_with_the_same_trials(url: str) -> None:
    study = hs.create_study(storage=url, study_name="s", sampler=hs.samplers.RandomSampler(seed=1))
    study.enqueue_trial({"x": 1.5})
    study.optimize(_objective, n_trials=12)
    study.set_user_attr("owner", "me")
    before = [_trial_fields(t) for t in study.trials]
    assert len(before) == 12 and study.trials[0].params["x"] == 1.5
    study.storage.close()

    again = hs.load_study(study_name="s", storage=url)
    assert [_trial_fields(t) for t in again.trials] == before
    assert again.user_attrs == {"owner": "me"}
    assert again.best_trial.number == study.best_trial.number

    script = (
        "import json, hypersweep as hs\n"
        f"s = hs.load_study(study_name='s', storage={url!r})\n"
        "print(json.dumps([[t.number, t.state.name, t.values, t.params, "
        "str(t.datetime_complete)] for t in s.trials]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    expected = [[f[0], f[2].name, list(f[3]), f[4], str(f[10])] for f in before]
    assert json.loads(out.stdout) == json.loads(json.dumps(expected))


def test_every_replica_derives_identical_records(tmp_path: Path) -> None:
    path = tmp_path / "s.log"
    a = JournalStorage(JournalFileBackend(path))
    b = JournalStorage(JournalFileBackend(path))
    study_a = hs.create_study(storage=a, study_name="s")
    study_b = hs.load_study(study_name="s", storage=b)
    study_b.enqueue_trial({"x": 0.25})
    study_a.optimize(_objective, n_trials=5)
    study_b.optimize(_objective, n_trials=5)
    study_a.optimize(_objective, n_trials=5)
    assert [_trial_fields(t) for t in a.get_all_trials(0)] == [
        _trial_fields(t) for t in b.get_all_trials(0)
    ]
    fresh = JournalStorage(JournalFileBackend(path))
    assert [_trial_fields(t) for t in fresh.get_all_trials(0)] == [
        _trial_fields(t) for t in a.get_all_trials(0)
    ]
    assert a.get_all_studies() == fresh.get_all_studies()


def test_two_storages_interleaving_writes_agree(url: str) -> None:
    a, b = get_storage(url), get_storage(url)
    sid = a.create_new_study(MIN, "s")
    assert b.get_study_id_from_name("s") == sid
    numbers = []
    ids = []
    for i in range(10):
        storage = (a, b)[i % 2]
        trial = storage.create_new_trial(sid)
        numbers.append(trial.number)
        ids.append(trial.trial_id)
    assert numbers == list(range(10)) and len(set(ids)) == 10
    a.enqueue_trial(sid, {"x": 0.5})
    assert b.enqueue_trial(sid, {"x": 0.5}, skip_if_exists=True) is None
    popped = b.pop_waiting_trial(sid)
    assert popped is not None and popped.number == 10
    assert a.pop_waiting_trial(sid) is None
    # The queued trial runs in b; its params are buffered there: a must not enqueue it again.
    b.set_trial_param(popped.trial_id, "x", 0.5, FloatDistribution(0, 1))
    assert a.enqueue_trial(sid, {"x": 0.5}, skip_if_exists=True) is None
    # A finish is compare-and-set across storages.
    target = ids[3]
    assert a.finish_trial(target, hs.TrialState.COMPLETE, [1.0])
    assert not b.finish_trial(target, hs.TrialState.FAIL)
    assert b.get_trial(target).values == [1.0]
    # A budget shared by both is exact.
    started = [s.start_trial(sid, max_trials=14) for s in (a, b, a, b, a, b)]
    assert [t.number if t else None for t in started] == [11, 12, 13, None, None, None]
    b.flush()
    assert [_trial_fields(t) for t in a.get_all_trials(sid)] == [
        _trial_fields(t) for t in b.get_all_trials(sid)
    ]


# -- write-behind --------------------------------------------------------------------------------
def test_buffered_writes_are_seen_here_at_once_and_elsewhere_after_a_flush(url: str) -> None:
    a, b = get_storage(url), get_storage(url)
    sid = a.create_new_study(MIN, "s")
    trial = a.create_new_trial(sid)
    a.set_trial_param(trial.trial_id, "x", 0.5, FloatDistribution(0, 1))
    a.set_trial_user_attr(trial.trial_id, "u", 1)
    a.set_trial_system_attr(trial.trial_id, "y", [2])
    mine = a.get_trial(trial.trial_id)
    assert mine.params == {"x": 0.5} and mine.user_attrs == {"u": 1}
    assert mine.system_attrs == {"y": [2]}
    assert a.get_all_trials(sid)[0].params == {"x": 0.5}
    assert b.get_trial(trial.trial_id).params == {}
    a.flush()
    theirs = b.get_trial(trial.trial_id)
    assert theirs.params == {"x": 0.5} and theirs.user_attrs == {"u": 1}
    # A report carries the buffered writes with it (schedulers elsewhere read both).
    a.set_trial_param(trial.trial_id, "n", 3.0, IntDistribution(1, 5))
    a.set_trial_intermediate_value(trial.trial_id, 0, (0.7,))
    theirs = b.get_trial(trial.trial_id)
    assert theirs.params == {"x": 0.5, "n": 3} and theirs.intermediate_values == {0: 0.7}
    # A conflicting kind of distribution fails at once, against buffered names too.
    other = a.create_new_trial(sid)
    a.set_trial_param(other.trial_id, "k", 0.0, CategoricalDistribution(("p", "q")))
    with pytest.raises(ValueError, match="'k'"):
        a.set_trial_param(trial.trial_id, "k", 1.0, FloatDistribution(0, 1))
    with pytest.raises(TypeError, match="JSON"):
        a.set_trial_user_attr(trial.trial_id, "bad", object())
    # The finish carries the rest.
    assert a.finish_trial(other.trial_id, hs.TrialState.COMPLETE, [0.0])
    assert b.get_trial(other.trial_id).params == {"k": "p"}


def test_a_trial_failed_elsewhere_drops_its_buffered_writes(tmp_path: Path) -> None:
    path = tmp_path / "s.log"
    a = JournalStorage(JournalFileBackend(path))
    b = JournalStorage(JournalFileBackend(path))
    sid = a.create_new_study(MIN, "s")
    trial = a.create_new_trial(sid)
    a.set_trial_param(trial.trial_id, "x", 0.5, FloatDistribution(0, 1))
    time.sleep(0.3)
    assert b.fail_stale_trials(sid, grace_seconds=0.2) == [0]
    assert not a.finish_trial(trial.trial_id, hs.TrialState.COMPLETE, [1.0])
    for storage in (a, b, JournalStorage(JournalFileBackend(path))):
        got = storage.get_trial(trial.trial_id)
        assert got.state is hs.TrialState.FAIL and got.params == {}
        assert "no heartbeat" in (got.fail_reason or "")
    # Nothing stale: nothing is appended.
    size = path.stat().st_size
    assert a.fail_stale_trials(sid, grace_seconds=0.2) == []
    assert path.stat().st_size == size


# -- the file: torn records, blobs, locking -------------------------------------------------------
def _filled_log(path: Path, n: int) -> None:
    study = hs.create_study(storage=f"journal://{path}", study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=n)
    study.storage.close()


def test_a_torn_last_record_is_ignored_then_removed(tmp_path: Path) -> None:
    path = tmp_path / "s.log"
    _filled_log(path, 5)
    data = path.read_bytes()
    last = data.rstrip(b"\n").rfind(b"\n") + 1  # the finish of trial 4
    torn = data[: last + (len(data) - last) // 2]
    path.write_bytes(torn)

    reader = get_storage(f"journal://{path}")
    trials = reader.get_all_trials(0)
    assert [t.state for t in trials] == [hs.TrialState.COMPLETE] * 4 + [hs.TrialState.RUNNING]
    assert path.read_bytes() == torn  # a reader takes no lock and changes nothing

    writer = get_storage(f"journal://{path}")
    new = writer.create_new_trial(0)
    assert new.number == 5
    assert writer.finish_trial(trials[4].trial_id, hs.TrialState.FAIL, fail_reason="crashed")
    text = path.read_bytes()
    assert text.endswith(b"\n") and text.startswith(data[:last])
    assert all(json.loads(line) for line in text.splitlines())  # the torn bytes are gone
    again = get_storage(f"journal://{path}").get_all_trials(0)
    assert [t.number for t in again] == list(range(6))
    assert again[4].fail_reason == "crashed"
    assert reader.get_n_trials(0) == 6  # the lock-free reader catches up past the cut


def test_a_record_being_written_is_read_once_complete(tmp_path: Path) -> None:
    path = tmp_path / "s.log"
    _filled_log(path, 1)
    reader = get_storage(f"journal://{path}")
    line = json.dumps({"o": "ct", "s": 0, "t": 1.0}).encode()
    with path.open("ab") as fh:  # a writer half-way through its record
        fh.write(line[:10])
    assert reader.get_n_trials(0) == 1
    with path.open("ab") as fh:
        fh.write(line[10:] + b"\n")
    assert reader.get_n_trials(0) == 2


def test_replay_reads_a_long_log_in_pieces(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from hypersweep.storage.journal import file, redis

    study = hs.create_study(storage=url, study_name="s")
    study.optimize(_objective, n_trials=5)
    whole = [_trial_fields(t) for t in get_storage(url).get_all_trials(0)]
    monkeypatch.setattr(file, "_CHUNK", 7)  # records span many reads
    monkeypatch.setattr(redis, "_PIECE", 3)
    assert [_trial_fields(t) for t in get_storage(url).get_all_trials(0)] == whole


def test_an_unreadable_record_in_the_middle_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "s.log"
    _filled_log(path, 2)
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(2, b"{not json\n")
    path.write_bytes(b"".join(lines))
    reopened = get_storage(f"journal://{path}")
    assert [t.state for t in reopened.get_all_trials(0)] == [hs.TrialState.COMPLETE] * 2


def test_large_blobs_live_beside_the_log(tmp_path: Path) -> None:
    path = tmp_path / "s.log"
    storage = get_storage(f"journal://{path}")
    sid = storage.create_new_study(MIN, "s")
    trial = storage.create_new_trial(sid)
    big = bytes(range(256)) * 8192  # 2 MiB
    storage.save_checkpoint(trial.trial_id, "model", big)
    assert storage.compare_and_set_study_state(sid, "cma", big[::-1], 0)
    storage.save_checkpoint(trial.trial_id, "small", b"tiny")
    assert path.stat().st_size < 4096  # references, not the bytes
    assert len(list(Path(f"{path}.blobs").iterdir())) == 2
    other = get_storage(f"journal://{path}")
    assert other.load_checkpoint(trial.trial_id, "model") == big
    assert other.load_checkpoint(trial.trial_id, "small") == b"tiny"
    state = other.get_study_state(sid, "cma")
    assert state is not None and state.version == 1 and state.data == big[::-1]


def test_pickled_storage_reopens_the_same_log(url: str) -> None:
    storage = get_storage(url, heartbeat_interval=1.0, grace_period=5.0)
    sid = storage.create_new_study(MIN, "s")
    trial = storage.create_new_trial(sid)
    storage.set_trial_param(trial.trial_id, "x", 0.5, FloatDistribution(0, 1))
    copy = pickle.loads(pickle.dumps(storage))  # pickling flushes the buffered writes
    assert isinstance(copy, JournalStorage) and copy is not storage
    assert copy.get_trial(trial.trial_id).params == {"x": 0.5}
    assert (copy.heartbeat_interval, copy.grace_period) == (1.0, 5.0)
    assert copy.create_new_trial(sid).number == 1
    assert storage.get_n_trials(sid) == 2


# -- URLs and errors -----------------------------------------------------------------------------
def test_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = get_storage(f"journal://{tmp_path}/a.log", grace_period=30, heartbeat_interval=3)
    assert isinstance(storage, JournalStorage) and storage.shared_across_processes
    assert (storage.heartbeat_interval, storage.grace_period) == (3.0, 30.0)
    assert storage.failed_trial_callback is None
    default = get_storage(f"journal://{tmp_path}/b.log")
    assert (default.heartbeat_interval, default.grace_period) == (10.0, 60.0)
    durable = get_storage(f"journal://{tmp_path}/c.log", fsync=True)
    assert isinstance(durable, JournalStorage)
    assert isinstance(durable.backend, JournalFileBackend) and durable.backend.fsync
    durable.create_new_study(MIN, "d")
    monkeypatch.chdir(tmp_path)
    relative = get_storage("journal://sub.log")
    relative.create_new_study(MIN, "r")
    assert (tmp_path / "sub.log").exists()
    for bad in ("journal:x.log", "journal://", "journal:///dir/"):
        with pytest.raises(ValueError, match="journal://"):
            get_storage(bad)
    with pytest.raises(ValueError, match="names no host"):
        get_storage("redis:///0")
    with pytest.raises(ValueError, match="prefix"):
        get_storage("redis://127.0.0.1:6379/0?prefix=")
    with pytest.raises(TypeError, match="Unknown option"):
        get_storage(f"journal://{tmp_path}/a.log", heartbeat=3)
    with pytest.raises(ValueError, match="grace_period"):
        get_storage(f"journal://{tmp_path}/a.log", heartbeat_interval=5, grace_period=5)
    with pytest.raises(OSError, match="Cannot open the journal file"):
        get_storage(f"journal://{tmp_path}/missing/dir/a.log")


def test_unreachable_redis_names_the_url() -> None:
    pytest.importorskip("redis")
    with pytest.raises(ConnectionError, match=r"127\.0\.0\.1:1/0") as info:
        get_storage("redis://:secret@127.0.0.1:1/0")
    assert "secret" not in str(info.value)


def test_missing_redis_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError, match=r"hypersweep\[redis\]"):
        get_storage(f"{REDIS}?prefix=unused")


def test_redis_prefixes_keep_logs_apart(prefix: str) -> None:
    a = get_storage(f"{REDIS}?prefix={prefix}-a")
    b = get_storage(f"{REDIS}?prefix={prefix}-b")
    a.create_new_study(MIN, "only-in-a")
    assert [s.study_name for s in a.get_all_studies()] == ["only-in-a"]
    assert b.get_all_studies() == []
