"""Conformance suite for storage backends."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .._internal.exceptions import (
    DuplicatedStudyError,
    StudyNotFoundError,
    TrialNotFoundError,
    UpdateFinishedTrialError,
)
from ..space import CategoricalDistribution, FloatDistribution, IntDistribution
from ..storage import Storage
from ..trial import StudyDirection, TrialState, create_trial
from ._assert import expect

MIN = (StudyDirection.MINIMIZE,)


def _raises(exc: type[BaseException], fn: Callable[[], object], what: str) -> None:
    try:
        fn()
    except exc:
        return
    raise AssertionError(f"{what} must raise {exc.__name__}")


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
    storage.set_trial_user_attr(t0.trial_id, "u", [1, "two"])
    storage.set_trial_system_attr(t0.trial_id, "s", {"a": 1})
    got = storage.get_trial(t0.trial_id)
    expect(got.params == {"x": 0.25, "k": None, "n": 7}, f"params round-trip, got {got.params}")
    expect(type(got.params["n"]) is int, "int params come back as int")
    expect(got.distributions == {"x": x, "k": k, "n": n}, "distributions round-trip")
    expect(got.intermediate_values[0] == 1.5, "intermediate values round-trip")
    iv3 = got.intermediate_values[3]
    expect(iv3 != iv3, "a NaN intermediate value stays NaN")
    expect(got.user_attrs == {"u": [1, "two"]}, "trial user attrs")
    expect(got.system_attrs.get("s") == {"a": 1}, "trial system attrs")
    _raises(
        ValueError,
        lambda: storage.set_trial_param(t1.trial_id, "x", 1.0, IntDistribution(0, 3)),
        "another kind of distribution for a known name",
    )
    expect(storage.finish_trial(t0.trial_id, TrialState.COMPLETE, [0.5]), "finish a RUNNING trial")
    expect(not storage.finish_trial(t0.trial_id, TrialState.FAIL), "finish is compare-and-set")
    done = storage.get_trial(t0.trial_id)
    expect(done.state is TrialState.COMPLETE and done.values == (0.5,), "finished state/values")
    expect(done.datetime_complete is not None, "datetime_complete is set")
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
        value=2.0, params={"x": 0.5}, distributions={"x": x}, intermediate_values={1: 3.0}
    )
    added = storage.create_new_trial(study, template=template)
    expect(added.number == 2 and added.state is TrialState.COMPLETE, "a trial from a template")
    expect(storage.get_trial(added.trial_id).intermediate_values == {1: 3.0}, "template reports")

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
    expect(popped.system_attrs.get("fixed_params") == {"x": 0.1}, "the oldest waiting first")
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


def check_storage(factory: Callable[[], Storage]) -> None:
    """Check a backend built by ``factory()`` (an empty storage) against the storage protocol.

    Covers studies, trials, parameters and reports round-tripping, compare-and-set finishing,
    the queue of enqueued trials (popped exactly once under concurrency), leases, versioned
    study state and checkpoints.
    """
    for part in (_studies, _trials, _queue, _leases, _state_and_checkpoints):
        storage = factory()
        try:
            part(storage)
        finally:
            storage.close()
