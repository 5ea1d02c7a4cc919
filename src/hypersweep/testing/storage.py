"""Conformance suite for storage backends."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from .._internal.exceptions import (
    DuplicatedStudyError,
    StudyNotFoundError,
    TrialNotFoundError,
    UpdateFinishedTrialError,
)
from ..space import CategoricalDistribution, FloatDistribution, IntDistribution
from ..storage import Storage
from ..trial import FrozenTrial, StudyDirection, TrialState, create_trial, keys
from ._assert import ConformanceError, expect

MIN = (StudyDirection.MINIMIZE,)


def _same(a: Any, b: Any) -> bool:
    """Equality in which NaN equals NaN (reports may be NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def _record(t: FrozenTrial) -> dict[str, Any]:
    """What a storage must keep of a trial, for comparisons."""
    return {
        "number": t.number,
        "state": t.state,
        "values": t.values,
        "params": dict(t.params),
        "distributions": dict(t.distributions),
        "user_attrs": dict(t.user_attrs),
        "system_attrs": dict(t.system_attrs),
        "intermediate_values": dict(t.intermediate_values),
        "fail_reason": t.fail_reason,
    }


def _check_listing(storage: Storage, study: int) -> None:
    """``get_all_trials`` returns the records ``get_trial`` returns, field by field."""
    for listed in storage.get_all_trials(study):
        single = _record(storage.get_trial(listed.trial_id))
        for key, value in _record(listed).items():
            expect(
                _same(value, single[key]),
                f"get_all_trials and get_trial disagree on the {key} of trial "
                f"{listed.number}: {value!r} vs {single[key]!r}",
            )


def _raises(exc: type[BaseException], fn: Callable[[], object], what: str) -> None:
    try:
        fn()
    except exc:
        return
    raise ConformanceError(f"{what} must raise {exc.__name__}")


def _studies(storage: Storage) -> None:
    a = storage.create_new_study(MIN, "a")
    b = storage.create_new_study((StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE), "b")
    unnamed = storage.create_new_study(MIN)
    expect(len({a, b, unnamed}) == 3, "study ids must be distinct")
    expect(storage.get_study_id_from_name("a") == a, "get_study_id_from_name")
    expect(storage.get_study_name(b) == "b", "get_study_name")
    expect(storage.get_study_name(unnamed), "an unnamed study gets a generated name")
    expect(
        storage.get_study_directions(b) == (StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE),
        "directions round-trip",
    )
    _raises(DuplicatedStudyError, lambda: storage.create_new_study(MIN, "a"), "a taken name")
    _raises(StudyNotFoundError, lambda: storage.get_study_id_from_name("nope"), "an unknown name")
    storage.set_study_user_attr(a, "k", {"nested": [1, 2]})
    storage.set_study_system_attr(a, "s", 3)
    expect(storage.get_study_user_attrs(a) == {"k": {"nested": [1, 2]}}, "study user attrs")
    expect(storage.get_study_system_attrs(a) == {"s": 3}, "study system attrs")
    names = [s.study_name for s in storage.get_all_studies()]
    expect({"a", "b"} <= set(names), f"get_all_studies lists every study, got {names}")
    storage.delete_study(b)
    _raises(StudyNotFoundError, lambda: storage.get_study_id_from_name("b"), "a deleted study")


def _trials(storage: Storage) -> None:
    study = storage.create_new_study(MIN, "trials")
    t0 = storage.create_new_trial(study)
    t1 = storage.create_new_trial(study)
    expect((t0.number, t1.number) == (0, 1), "trial numbers are 0, 1, ... per study")
    expect(t0.state is TrialState.RUNNING, "a new trial is RUNNING")
    x = FloatDistribution(0.0, 1.0)
    k = CategoricalDistribution(("a", "b", None))
    n = IntDistribution(1, 100, log=True)
    storage.set_trial_param(t0.trial_id, "x", 0.25, x)
    storage.set_trial_param(t0.trial_id, "k", 2.0, k)
    storage.set_trial_param(t0.trial_id, "n", 7.0, n)
    storage.set_trial_intermediate_value(t0.trial_id, 0, (1.5,))
    storage.set_trial_intermediate_value(t0.trial_id, 3, (float("nan"),))
    storage.set_trial_intermediate_value(t0.trial_id, 4, (-2.0,))
    storage.set_trial_user_attr(t0.trial_id, "u", [1, "two"])
    storage.set_trial_user_attr(t0.trial_id, "v", 1)
    storage.set_trial_user_attr(t0.trial_id, "v", {"k": None})
    storage.set_trial_system_attr(t0.trial_id, "s", {"a": 1})
    got = storage.get_trial(t0.trial_id)
    expect(got.params == {"x": 0.25, "k": None, "n": 7}, f"params round-trip, got {got.params}")
    expect(type(got.params["n"]) is int, "int params come back as int")
    expect(got.distributions == {"x": x, "k": k, "n": n}, "distributions round-trip")
    reports = {0: 1.5, 3: float("nan"), 4: -2.0}
    expect(
        _same(dict(got.intermediate_values), reports),
        f"intermediate values must round-trip (every step, NaN included): reported {reports}, "
        f"got {dict(got.intermediate_values)}",
    )
    user = {"u": [1, "two"], "v": {"k": None}}
    expect(
        got.user_attrs == user,
        f"trial user attrs must round-trip (a key set again takes its new value, the others "
        f"stay): set {user}, got {dict(got.user_attrs)}",
    )
    expect(got.system_attrs.get("s") == {"a": 1}, "trial system attrs")
    _raises(
        ValueError,
        lambda: storage.set_trial_param(t1.trial_id, "x", 1.0, IntDistribution(0, 3)),
        "another kind of distribution for a known name",
    )
    expect(storage.finish_trial(t0.trial_id, TrialState.COMPLETE, [0.5]), "finish a RUNNING trial")
    expect(
        not storage.finish_trial(t0.trial_id, TrialState.FAIL),
        "finish_trial must be a compare-and-set: finishing a trial that is already finished "
        "must return False (two workers must never both finish one trial)",
    )
    done = storage.get_trial(t0.trial_id)
    expect(
        done.state is TrialState.COMPLETE and list(done.values or ()) == [0.5],
        "finish_trial must be a compare-and-set: a trial finished COMPLETE with (0.5,) became "
        f"{done.state.name} with {done.values}",
    )
    expect(done.datetime_complete is not None, "datetime_complete is set")
    before, after = _record(got), _record(done)
    for key in ("params", "distributions", "user_attrs", "intermediate_values"):
        expect(
            _same(after[key], before[key]),
            f"finishing a trial must keep its {key}: {before[key]!r} became {after[key]!r}",
        )
    _raises(
        UpdateFinishedTrialError,
        lambda: storage.set_trial_param(t0.trial_id, "y", 0.1, x),
        "changing a finished trial",
    )
    storage.finish_trial(t1.trial_id, TrialState.FAIL, fail_reason="boom")
    expect(storage.get_trial(t1.trial_id).fail_reason == "boom", "fail_reason round-trips")
    expect(storage.get_trial_id_from_number(study, 1) == t1.trial_id, "trial id from number")
    _raises(TrialNotFoundError, lambda: storage.get_trial_id_from_number(study, 9), "bad number")
    complete = storage.get_all_trials(study, states=(TrialState.COMPLETE,))
    expect([t.number for t in complete] == [0], "get_all_trials filters by state")
    expect(storage.get_n_trials(study) == 2, "get_n_trials")
    expect(storage.get_n_trials(study, (TrialState.FAIL,)) == 1, "get_n_trials by state")

    template = create_trial(
        value=2.0,
        params={"x": 0.5},
        distributions={"x": x},
        intermediate_values={1: 3.0, 2: 2.5},
        user_attrs={"note": "added"},
        system_attrs={"origin": [1, 2]},
    )
    added = storage.create_new_trial(study, template=template)
    expect(added.number == 2 and added.state is TrialState.COMPLETE, "a trial from a template")
    copy = storage.get_trial(added.trial_id)
    expect(
        dict(copy.intermediate_values) == {1: 3.0, 2: 2.5},
        f"a trial from a template keeps its reports {{1: 3.0, 2: 2.5}}, got "
        f"{dict(copy.intermediate_values)}",
    )
    expect(
        dict(copy.user_attrs) == {"note": "added"},
        f"a trial from a template keeps its user attrs {{'note': 'added'}}, got "
        f"{dict(copy.user_attrs)}",
    )
    expect(copy.system_attrs.get("origin") == [1, 2], "a trial from a template: system attrs")
    expect(
        list(copy.values or ()) == [2.0] and copy.params == {"x": 0.5}, "a trial from a template"
    )
    _check_listing(storage, study)

    racing = storage.create_new_trial(study)
    wins: list[float] = []
    barrier = threading.Barrier(8)

    def finish(value: float) -> None:
        barrier.wait()
        if storage.finish_trial(racing.trial_id, TrialState.COMPLETE, [value]):
            wins.append(value)

    threads = [threading.Thread(target=finish, args=(float(i),)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    expect(
        len(wins) == 1,
        f"finish_trial must be a compare-and-set: {len(wins)} of 8 concurrent calls finished "
        "one trial",
    )
    final = storage.get_trial(racing.trial_id).values
    expect(list(final or ()) == [wins[0]], f"the winning finish_trial's values stay, got {final}")

    mo = storage.create_new_study((StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE), "mo")
    t = storage.create_new_trial(mo)
    storage.set_trial_intermediate_value(t.trial_id, 0, (1.0, 2.0))
    expect(storage.get_trial(t.trial_id).intermediate_values[0] == (1.0, 2.0), "MO reports")


def _queue(storage: Storage) -> None:
    study = storage.create_new_study(MIN, "queue")
    first = storage.enqueue_trial(study, {"x": 0.1}, {"tag": "a"})
    expect(first is not None, "enqueue returns an id")
    expect(storage.enqueue_trial(study, {"x": 0.1}, skip_if_exists=True) is None, "skip_if_exists")
    storage.enqueue_trial(study, {"x": 0.2})
    popped = storage.pop_waiting_trial(study)
    expect(popped is not None and popped.state is TrialState.RUNNING, "pop makes RUNNING")
    assert popped is not None
    expect(popped.system_attrs.get(keys.FIXED_PARAMS) == {"x": 0.1}, "the oldest waiting first")
    expect(popped.user_attrs == {"tag": "a"}, "enqueued user attrs")
    second = storage.pop_waiting_trial(study)
    expect(second is not None and second.number == 1, "then the next one")
    expect(storage.pop_waiting_trial(study) is None, "an empty queue gives None")

    for i in range(40):
        storage.enqueue_trial(study, {"x": float(i)})
    popped_ids: list[int] = []
    lock = threading.Lock()

    def drain() -> None:
        while True:
            trial = storage.pop_waiting_trial(study)
            if trial is None:
                return
            with lock:
                popped_ids.append(trial.trial_id)

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    expect(len(popped_ids) == 40 == len(set(popped_ids)), "each waiting trial pops exactly once")


def _leases(storage: Storage) -> None:
    study = storage.create_new_study(MIN, "leases")
    alive = storage.create_new_trial(study)
    stale = storage.create_new_trial(study)
    time.sleep(0.3)
    storage.heartbeat(alive.trial_id)
    failed = storage.fail_stale_trials(study, grace_seconds=0.2)
    expect(failed == [stale.number], f"only the stale trial fails, got {failed}")
    got = storage.get_trial(stale.trial_id)
    expect(got.state is TrialState.FAIL and got.fail_reason, "a stale trial is FAIL with a reason")
    expect(storage.get_trial(alive.trial_id).state is TrialState.RUNNING, "a live trial runs on")


def _state_and_checkpoints(storage: Storage) -> None:
    study = storage.create_new_study(MIN, "state")
    expect(storage.get_study_state(study, "cma") is None, "no state before the first write")
    big = bytes(range(256)) * 4096  # 1 MiB: no size limit may leak to the caller
    expect(storage.compare_and_set_study_state(study, "cma", big, 0), "first write at version 0")
    expect(not storage.compare_and_set_study_state(study, "cma", b"x", 0), "a stale version loses")
    state = storage.get_study_state(study, "cma")
    expect(state is not None and state.version == 1 and state.data == big, "state round-trips")
    expect(storage.compare_and_set_study_state(study, "cma", b"v2", 1), "write at version 1")
    trial = storage.create_new_trial(study)
    expect(storage.load_checkpoint(trial.trial_id, "model") is None, "no checkpoint yet")
    storage.save_checkpoint(trial.trial_id, "model", big)
    storage.save_checkpoint(trial.trial_id, "model", b"newer")
    expect(storage.load_checkpoint(trial.trial_id, "model") == b"newer", "checkpoint replaced")
    _deleting_checkpoints(storage, study)


def _deleting_checkpoints(storage: Storage, study: int) -> None:
    trial = storage.create_new_trial(study)
    tid = trial.trial_id
    storage.save_checkpoint(tid, "a", b"first")
    storage.save_checkpoint(tid, "b", b"second")
    storage.delete_checkpoint(tid, "a")
    expect(
        storage.load_checkpoint(tid, "a") is None,
        "delete_checkpoint removes the checkpoint: load_checkpoint must return None after it",
    )
    expect(
        storage.load_checkpoint(tid, "b") == b"second",
        "delete_checkpoint removes only the named key: the trial's other checkpoint must stay",
    )
    try:
        storage.delete_checkpoint(tid, "a")  # deleted already
        storage.delete_checkpoint(tid, "never-saved")
        storage.delete_checkpoint(tid + 10_000, "a")  # no such trial
    except Exception as exc:
        raise ConformanceError(
            "delete_checkpoint must be idempotent: deleting a checkpoint that is not there "
            f"(deleted already, never saved, of an unknown trial) must do nothing, got {exc!r}"
        ) from exc
    storage.save_checkpoint(tid, "a", b"again")
    expect(
        storage.load_checkpoint(tid, "a") == b"again",
        "a deleted checkpoint's key can be saved again",
    )
    storage.finish_trial(tid, TrialState.PRUNED)
    storage.delete_checkpoint(tid, "b")
    expect(
        storage.load_checkpoint(tid, "b") is None,
        "delete_checkpoint works on a finished trial (checkpoints of paused trials are deleted "
        "after they finish)",
    )
    expect(storage.load_checkpoint(tid, "a") == b"again", "the other checkpoint stays")


def check_storage(factory: Callable[[], Storage]) -> None:
    """Check a backend built by ``factory()`` (an empty storage) against the storage protocol.

    Covers studies; trials, parameters, every report (NaN included) and user/system
    attributes round-tripping, also through finishing, through trials created from a template
    and through ``get_all_trials`` (which must agree with ``get_trial`` field by field);
    compare-and-set finishing (a second finish returns ``False`` and changes nothing; of
    concurrent finishes exactly one wins); the queue of enqueued trials (popped exactly once
    under concurrency); leases; versioned study state; checkpoints: saving, replacing and
    deleting them (``delete_checkpoint`` is idempotent and works on finished trials).

    Raises :class:`~hypersweep.testing.ConformanceError` naming the broken rule.
    """
    for part in (_studies, _trials, _queue, _leases, _state_and_checkpoints):
        storage = factory()
        try:
            part(storage)
        finally:
            storage.close()
