"""Checkpoint retention: the rules on hand-built records, and runs that delete as they go."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.schedulers.asha import ASHAScheduler
from hypersweep.storage import Storage, get_storage
from hypersweep.study._retention import unneeded_checkpoints
from hypersweep.trial import FrozenTrial, TrialState, keys
from hypersweep.trial.lineage import checkpoint_source

RUNNING, WAITING = TrialState.RUNNING, TrialState.WAITING
COMPLETE, PRUNED, FAIL = TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL


def rec(number: int, state: TrialState, **attrs: Any) -> FrozenTrial:
    """A record; ``ckpt=step`` gives it its own checkpoint, other keywords are system attrs."""
    system = {k: v for k, v in attrs.items() if k != "ckpt"}
    if "ckpt" in attrs:
        system[keys.CHECKPOINT_STEP] = attrs["ckpt"]
    return FrozenTrial(number=number, state=state, system_attrs=system)


def paused(number: int, at: int, **attrs: Any) -> FrozenTrial:
    return rec(number, PRUNED, paused_at=at, **({"ckpt": at} | attrs))


def cont(number: int, state: TrialState, of: int, step: int, **attrs: Any) -> FrozenTrial:
    """A plain continuation of ``of`` from its checkpoint at ``step``."""
    return rec(number, state, resume_from=of, resume_step=step, checkpoint_of=of, **attrs)


# -- the rules ---------------------------------------------------------------------------------


def test_complete_records_keep_their_checkpoint_or_the_one_they_resumed_from() -> None:
    trials = [
        rec(0, COMPLETE, ckpt=9),
        paused(1, 9),
        cont(2, COMPLETE, 1, 9),  # nothing left to train: no checkpoint of its own
    ]
    assert unneeded_checkpoints(trials) == []


def test_a_paused_record_is_kept_until_a_continuation_replaces_it() -> None:
    assert unneeded_checkpoints([paused(0, 4)]) == []
    # continued by a running record, even after it saved its own: a retry may need it
    assert unneeded_checkpoints([paused(0, 4), cont(1, RUNNING, 0, 4, ckpt=6)]) == []
    # continued, and the continuation paused (or completed) with its own checkpoint
    assert unneeded_checkpoints([paused(0, 4), cont(1, PRUNED, 0, 4, paused_at=8, ckpt=8)]) == [0]
    assert unneeded_checkpoints([paused(0, 4), cont(1, COMPLETE, 0, 4, ckpt=12)]) == [0]


def test_a_paused_record_without_a_checkpoint_of_its_own_keeps_the_one_it_loaded() -> None:
    trials = [
        paused(0, 4),
        cont(1, PRUNED, 0, 4, paused_at=8),  # paused again without saving
    ]
    assert unneeded_checkpoints(trials) == []


def test_the_checkpoint_source_of_a_running_or_waiting_record_is_kept() -> None:
    trials = [
        paused(0, 4),
        cont(1, PRUNED, 0, 4, paused_at=8, ckpt=8),
        paused(2, 4),
        cont(3, PRUNED, 2, 4, paused_at=8, ckpt=8),
        # a running clone of trial 1 that has not saved yet: loads trial 1's checkpoint
        rec(4, RUNNING, resume_from=3, resume_step=8, checkpoint_of=1, lineage_parent=1),
    ]
    assert unneeded_checkpoints(trials) == [0, 2, 3]  # 3: the clone took its place
    # a WAITING record (a retry not started yet) loads trial 1's too, but does not count as
    # 3's continuation yet: 3 still heads its member and may be promoted or cloned
    waiting = [*trials[:4], rec(4, WAITING, resume_from=3, resume_step=8, checkpoint_of=1)]
    assert unneeded_checkpoints(waiting) == [0, 2]


def test_records_pruned_for_good_and_failed_fresh_trials_go() -> None:
    trials = [rec(0, PRUNED, ckpt=3), rec(1, FAIL, ckpt=2), rec(2, RUNNING, ckpt=5)]
    assert unneeded_checkpoints(trials) == [0, 1]  # a running record's own is never deleted


def test_a_failed_continuation_keeps_its_checkpoints_until_a_retry_replaces_it() -> None:
    failed = cont(1, FAIL, 0, 4, ckpt=6)
    assert unneeded_checkpoints([paused(0, 4), failed]) == []
    retry = cont(2, WAITING, 0, 4, retried_from=1)
    assert unneeded_checkpoints([paused(0, 4), failed, retry]) == [1]
    # a started retry that loads the failed record's own checkpoint (retry_template's
    # fallback when the state at resume_step lives on only there): that one stays
    pinned = rec(2, RUNNING, resume_from=0, resume_step=6, checkpoint_of=1, retried_from=1)
    assert unneeded_checkpoints([paused(0, 4), failed, pinned]) == [0]


def test_a_synchronous_round_keeps_each_member_s_record_of_the_round() -> None:
    trials = [
        paused(0, 3),  # member A paused at step 3 in round 1 ...
        paused(1, 4),  # ... B and C at step 4
        paused(2, 4),  # C: not continued yet, so round 1 is still open
        cont(3, PRUNED, 0, 3, paused_at=7, ckpt=7),  # A, round 2
        cont(4, PRUNED, 1, 4, paused_at=8, ckpt=8),  # B, round 2
        rec(5, PRUNED, ckpt=6),  # pruned for good at step 6
    ]
    # asynchronous PBT clones only the latest records: A's and B's round-1 records can go
    assert unneeded_checkpoints(trials) == [0, 1, 5]
    # C's clone in round 1 picks a round-1 record (trial 0 or 1), at whatever step it
    # paused; every checkpoint at or after step 4, where C waits, stays too
    assert unneeded_checkpoints(trials, synch_rounds=True) == []
    round_two = [*trials[:5], cont(6, PRUNED, 2, 4, paused_at=8, ckpt=8)]
    assert unneeded_checkpoints(round_two, synch_rounds=True) == [0, 1, 2]


def test_asynchronous_pbt_keeps_what_a_clone_may_compare_at() -> None:
    trials = [
        paused(0, 4),  # member A paused at 4, continued by 3
        paused(1, 4),  # member B waits at 4
        paused(2, 2),  # member C paused at 2, continued by 4
        cont(3, PRUNED, 0, 4, paused_at=8, ckpt=8),  # A at 8
        cont(4, PRUNED, 2, 2, paused_at=3, ckpt=3),  # C at 3, continued by 5
        cont(5, PRUNED, 4, 3, paused_at=9, ckpt=9),  # C at 9
    ]
    # B waits at 4: a clone of B sees A at 4 (record 0) and C at 3 (record 4), which stay
    assert unneeded_checkpoints(trials) == [0, 2, 4]
    assert unneeded_checkpoints(trials, recent=True) == [2]
    # once B goes on (record 6, running from step 4), the lowest step is still 4
    running = [*trials, cont(6, TrialState.RUNNING, 1, 4)]
    assert unneeded_checkpoints(running, recent=True) == [2]


def test_a_retried_continuation_counts_in_place_of_the_failed_one() -> None:
    trials = [
        paused(0, 4),
        paused(1, 4),
        cont(2, PRUNED, 0, 4, paused_at=8, ckpt=8),
        cont(3, FAIL, 1, 4),  # its worker died ...
        cont(4, WAITING, 1, 4, retried_from=3),  # ... and it was enqueued again
    ]
    # member B still waits at round 1 (its retry has not started): its record stays
    assert unneeded_checkpoints(trials, synch_rounds=True) == []
    assert unneeded_checkpoints(trials) == [0]


# -- runs ----------------------------------------------------------------------------------------


def _stored(storage: Storage, trials: list[FrozenTrial]) -> set[int]:
    return {t.number for t in trials if storage.load_checkpoint(t.trial_id, keys.CHECKPOINT)}


def _with_checkpoint(trials: list[FrozenTrial]) -> set[int]:
    return {t.number for t in trials if keys.CHECKPOINT_STEP in t.system_attrs}


def _blobs(db: Path) -> int:
    folder = Path(f"{db}.checkpoints")
    return len(os.listdir(folder)) if folder.exists() else 0


def _sqlite(tmp_path: Path) -> tuple[Path, Storage]:
    db = tmp_path / "study.db"
    return db, get_storage(f"sqlite:///{db}", checkpoint_threshold=0)  # every one a blob


def _gain(lr: float) -> float:
    return 1.0 / (1.0 + abs(lr - 0.01) * 100)


def _train(config: dict[str, Any]) -> None:
    state = hs.get_checkpoint()
    accuracy, done = (state["acc"], state["step"]) if state else (0.0, 0)
    for step in range(done + 1, 17):
        accuracy += _gain(config["lr"])
        hs.report(acc=accuracy, checkpoint={"acc": accuracy, "step": step})


def _pbt(storage: Storage, retention: str = "needed", synch: bool = False) -> hs.TuneResult:
    return hs.tune(
        _train,
        {"lr": hs.loguniform(1e-4, 1e-1)},
        metric="acc",
        mode="max",
        num_samples=4,
        scheduler=hs.schedulers.PBTScheduler(
            perturbation_interval=4,
            hyperparam_mutations={"lr": hs.loguniform(1e-4, 1e-1)},
            synch=synch,
            seed=0,
        ),
        sampler=hs.samplers.RandomSampler(seed=1),
        storage=storage,
        n_jobs=2,
        checkpoint_retention=retention,
    )


def _continuations_went_on_from_their_checkpoint(trials: list[FrozenTrial], gain: Any) -> int:
    """Each continuation's first own report follows from the value it resumed with (a
    continuation that restarted from scratch would not); returns how many were checked."""
    checked = 0
    for t in trials:
        step = t.system_attrs.get(keys.RESUME_STEP)
        if keys.RESUME_FROM not in t.system_attrs or step is None:
            continue
        if step + 1 not in t.intermediate_values:
            continue  # paused or completed with nothing left to train
        assert t.intermediate_values[step + 1] == pytest.approx(
            gain(t, t.intermediate_values[step])
        )
        checked += 1
    return checked


@pytest.mark.parametrize("synch", [False, True])
def test_pbt_keeps_only_the_checkpoints_still_needed(tmp_path: Path, synch: bool) -> None:
    db, storage = _sqlite(tmp_path)
    result = _pbt(storage, synch=synch)
    trials = result.trials
    assert not [t for t in trials if t.state is FAIL], [t.fail_reason for t in trials]
    stored = _stored(storage, trials)
    final = {checkpoint_source(t)[0] for t in trials if t.state is COMPLETE}
    assert stored == final  # after the run: the complete members' checkpoints
    assert stored == _with_checkpoint(trials) - set(unneeded_checkpoints(trials))
    assert len(_with_checkpoint(trials)) > len(stored), "nothing was deleted"
    assert _blobs(db) == len(stored)  # the blobs went with their records
    assert result.best_checkpoint["step"] == 16
    assert any(keys.LINEAGE_PARENT in t.system_attrs for t in trials), "no clone"
    checked = _continuations_went_on_from_their_checkpoint(
        trials, lambda t, before: before + _gain(t.params["lr"])
    )
    assert checked >= 4


def test_pbt_with_checkpoint_retention_all_keeps_every_checkpoint(tmp_path: Path) -> None:
    db, storage = _sqlite(tmp_path)
    trials = _pbt(storage, retention="all").trials
    assert _stored(storage, trials) == _with_checkpoint(trials)
    assert unneeded_checkpoints(trials)  # some could have gone
    assert _blobs(db) == len(_with_checkpoint(trials))


def _decay(config: dict[str, Any]) -> None:
    state = hs.get_checkpoint() or {"epoch": 0, "loss": 1.0}
    for epoch in range(state["epoch"] + 1, 10):
        state = {"epoch": epoch, "loss": state["loss"] * config["decay"]}
        hs.report({"loss": state["loss"]}, checkpoint=state)


def test_asha_with_pause_keeps_only_the_checkpoints_still_needed(tmp_path: Path) -> None:
    db, storage = _sqlite(tmp_path)
    result = hs.tune(
        _decay,
        {"decay": hs.uniform(0.5, 0.99)},
        metric="loss",
        num_samples=9,
        scheduler=ASHAScheduler(1, 9, 3, pause=True),
        sampler=hs.samplers.RandomSampler(seed=0),
        storage=storage,
    )
    trials = result.trials
    stored = _stored(storage, trials)
    continued = {
        t.system_attrs[keys.RESUME_FROM] for t in trials if keys.RESUME_FROM in t.system_attrs
    }
    waiting = {
        t.number
        for t in trials
        if t.system_attrs.get(keys.PAUSED_AT) is not None and t.number not in continued
    }
    final = {checkpoint_source(t)[0] for t in trials if t.state is COMPLETE}
    assert stored == final | waiting  # paused trials not promoted may still be
    assert stored == _with_checkpoint(trials) - set(unneeded_checkpoints(trials))
    assert continued and not continued & stored, "promoted trials kept their checkpoints"
    assert _blobs(db) == len(stored)
    assert result.best_checkpoint["epoch"] == 9
    checked = _continuations_went_on_from_their_checkpoint(
        trials, lambda t, before: before * t.params["decay"]
    )
    assert checked == len(continued)


def test_checkpoint_retention_must_be_needed_or_all() -> None:
    study = hs.create_study()
    with pytest.raises(ValueError, match="checkpoint_retention"):
        study.optimize(lambda t: 0.0, n_trials=1, checkpoint_retention="some")
    with pytest.raises(ValueError, match="checkpoint_retention"):
        hs.tune(lambda c: 0.0, {"x": 1}, metric="m", checkpoint_retention=None)  # type: ignore[arg-type]
