"""A continuation whose worker died is retried from the same checkpoint: the retry record,
the schedulers' view of it, and a PBT study whose worker process is killed mid-trial."""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.schedulers import PBTScheduler
from hypersweep.storage import get_storage
from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState, keys
from hypersweep.trial.lineage import LineageTable, member_chains, retry_template

RUNNING, WAITING = TrialState.RUNNING, TrialState.WAITING
COMPLETE, PRUNED, FAIL = TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL
LINEAGE_KEYS = (
    keys.RESUME_FROM,
    keys.RESUME_STEP,
    keys.CHECKPOINT_OF,
    keys.LINEAGE,
    keys.LINEAGE_PARENT,
)
STEPS = 6
MARK_ENV = "HS_PBT_RETRY_MARK"
LR = hs.loguniform(1e-4, 1e-1)


# -- the retry record -------------------------------------------------------------------------


def _clone(number: int, state: TrialState, **attrs: Any) -> FrozenTrial:
    """A clone of trial 1 in place of the paused trial 2, from trial 1's checkpoint at 4."""
    system = {
        keys.RESUME_FROM: 2,
        keys.RESUME_STEP: 4,
        keys.CHECKPOINT_OF: 1,
        keys.LINEAGE_PARENT: 1,
        **attrs,
    }
    return FrozenTrial(
        number=number,
        state=state,
        params={"lr": 0.02},
        distributions={"lr": hs.loguniform(1e-4, 1e-1)},
        user_attrs={"note": "x"},
        system_attrs=system,
        intermediate_values={3: 1.0, 4: 2.0, 5: 2.5, 6: 3.0},
    )


def _source(step: int) -> FrozenTrial:
    return FrozenTrial(
        number=1,
        state=PRUNED,
        system_attrs={keys.PAUSED_AT: 4, keys.CHECKPOINT_STEP: step},
    )


def test_a_retry_goes_on_from_the_checkpoint_the_failed_continuation_loaded() -> None:
    failed = _clone(7, FAIL, **{keys.PAUSED_AT: None})
    retry = retry_template(failed, _source(4), {keys.RETRIED_FROM: 7})
    assert retry.state is WAITING and retry.number == -1
    assert {k: retry.system_attrs[k] for k in LINEAGE_KEYS if k in retry.system_attrs} == {
        keys.RESUME_FROM: 2,
        keys.RESUME_STEP: 4,
        keys.CHECKPOINT_OF: 1,
        keys.LINEAGE_PARENT: 1,
    }
    assert retry.system_attrs[keys.RETRIED_FROM] == 7
    assert keys.PAUSED_AT not in retry.system_attrs
    assert dict(retry.intermediate_values) == {3: 1.0, 4: 2.0}  # its own reports are redone
    assert retry.params == {"lr": 0.02} and retry.user_attrs == {"note": "x"}


def test_a_retry_loads_the_failed_record_s_copy_when_its_source_saved_again() -> None:
    # trial 1 was running when it was cloned: the clone got its own copy (step 4)
    pinned = _clone(7, FAIL, **{keys.CHECKPOINT_STEP: 4})
    retry = retry_template(pinned, _source(9), {})
    assert retry.system_attrs[keys.CHECKPOINT_OF] == 7
    assert retry.system_attrs[keys.RESUME_STEP] == 4
    # ... and the copy was replaced by a later save: go on from that one
    saved = _clone(7, FAIL, **{keys.CHECKPOINT_STEP: 6})
    retry = retry_template(saved, _source(9), {})
    assert (retry.system_attrs[keys.CHECKPOINT_OF], retry.system_attrs[keys.RESUME_STEP]) == (7, 6)
    assert dict(retry.intermediate_values) == {3: 1.0, 4: 2.0, 5: 2.5, 6: 3.0}
    # while the source still holds the state at step 4, that one is loaded
    retry = retry_template(saved, _source(4), {})
    assert (retry.system_attrs[keys.CHECKPOINT_OF], retry.system_attrs[keys.RESUME_STEP]) == (1, 4)


@pytest.mark.parametrize("backend", ["memory", "journal", "sqlite"])
def test_a_retry_starts_with_its_parameters_and_reports(backend: str, tmp_path: Path) -> None:
    url = {"memory": None, "journal": f"journal://{tmp_path}/j.log"}.get(
        backend, f"sqlite:///{tmp_path}/s.db"
    )
    study = hs.create_study(storage=url)
    study.add_trial(retry_template(_clone(0, FAIL), _source(4), {keys.RETRIED_FROM: 0}))
    popped = study.storage.pop_waiting_trial(study._study_id)
    assert popped is not None and popped.state is RUNNING
    assert popped.params == {"lr": 0.02} and dict(popped.intermediate_values) == {3: 1.0, 4: 2.0}
    assert study.storage.get_trial(popped.trial_id).params == {"lr": 0.02}


# -- the schedulers' view ----------------------------------------------------------------------


def _rec(number: int, state: TrialState, value: float, **attrs: Any) -> FrozenTrial:
    last = int(attrs.get(keys.PAUSED_AT) or attrs.get(keys.RESUME_STEP) or 4)
    return FrozenTrial(
        number=number,
        state=state,
        params={"lr": 0.01 * (number + 1)},
        distributions={"lr": LR},
        system_attrs={keys.CHECKPOINT_STEP: last, **attrs},
        intermediate_values={s: value * s for s in range(1, last + 1)},
    )


def _round_two_with_member_c_retried(retry_state: TrialState) -> list[FrozenTrial]:
    plain = {keys.RESUME_STEP: 4}
    return [
        _rec(0, PRUNED, 1.0, paused_at=4),
        _rec(1, PRUNED, 2.0, paused_at=4),
        _rec(2, PRUNED, 3.0, paused_at=4),
        _rec(3, PRUNED, 1.0, paused_at=8, resume_from=0, checkpoint_of=0, lineage=0, **plain),
        _rec(4, PRUNED, 2.0, paused_at=8, resume_from=1, checkpoint_of=1, lineage=1, **plain),
        FrozenTrial(  # member C's continuation: its worker died at step 5
            number=5,
            state=FAIL,
            params={"lr": 0.03},
            distributions={"lr": LR},
            system_attrs={keys.RESUME_FROM: 2, keys.CHECKPOINT_OF: 2, keys.LINEAGE: 2, **plain},
            intermediate_values={s: 3.0 * s for s in range(1, 6)},
        ),
        FrozenTrial(
            number=6,
            state=retry_state,
            params={"lr": 0.03},
            distributions={"lr": LR},
            system_attrs={
                keys.RESUME_FROM: 2,
                keys.CHECKPOINT_OF: 2,
                keys.LINEAGE: 2,
                keys.RETRIED_FROM: 5,
                **plain,
            },
            intermediate_values={s: 3.0 * s for s in range(1, 5)},
        ),
    ]


@pytest.mark.parametrize("retry_state", [WAITING, RUNNING])
def test_a_synchronous_round_waits_for_the_retried_member(retry_state: TrialState) -> None:
    trials = _round_two_with_member_c_retried(retry_state)
    chains = [[t.number for t in chain] for chain in member_chains(trials)]
    assert chains == [[0, 3], [1, 4], [2] if retry_state is WAITING else [2, 6]]
    pbt = PBTScheduler(4, {"lr": LR}, synch=True, seed=0)
    history = History([StudyDirection.MAXIMIZE], trials)
    # member C has not reached round 2: A and B wait; while its retry waits to start,
    # C's paused record heads the member (its promotion was claimed already)
    promoted = [p.trial_number for p in pbt.promotions(history)]
    assert promoted == ([2] if retry_state is WAITING else [])


def test_a_rung_lineage_follows_the_retry_not_the_failed_record() -> None:
    trials = _round_two_with_member_c_retried(RUNNING)
    table = LineageTable(History([StudyDirection.MAXIMIZE], trials), None)
    lin = table.lineages[2]
    assert lin.numbers == (2, 6) and lin.steps == (1, 2, 3, 4)


# -- a worker process killed mid-trial -----------------------------------------------------------


def _gain(lr: float) -> float:
    return 1.0 / (1.0 + abs(math.log10(lr / 0.01)))


def member(trial: hs.Trial) -> float:
    """Checkpoints every step; in the victim process the first clone hangs until killed."""
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    state = trial.load_checkpoint()
    accuracy, done = (state["acc"], state["step"]) if state else (0.0, 0)
    trial.set_user_attr("loaded_step", done)
    mark = os.environ.get(MARK_ENV)
    if mark and keys.LINEAGE_PARENT in trial.system_attrs and not os.path.exists(mark):
        Path(mark).write_text(str(os.getpid()))
        time.sleep(120)
    for step in range(done + 1, STEPS + 1):
        accuracy += _gain(lr)
        trial.report(accuracy, step)
        trial.save_checkpoint({"acc": accuracy, "step": step})
        if trial.should_prune():
            raise hs.TrialPruned()
    return accuracy


def _scheduler() -> PBTScheduler:
    return PBTScheduler(2, {"lr": LR}, synch=True, seed=0)


def _victim(url: str, mark: str) -> None:
    """A worker with short leases that trains the population until the first clone hangs."""
    os.environ[MARK_ENV] = mark
    storage = get_storage(url, heartbeat_interval=0.2, grace_period=1.0)
    study = hs.load_study(study_name="pbt", storage=storage)  # the stored sampler, scheduler
    study.optimize(member, n_trials=3)


def test_a_killed_worker_s_pbt_member_is_retried_from_its_checkpoint(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pbt.db"
    hs.create_study(
        storage=url,
        study_name="pbt",
        direction="maximize",
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=_scheduler(),
    )
    mark = tmp_path / "hanging"
    victim = multiprocessing.get_context("spawn").Process(target=_victim, args=(url, str(mark)))
    victim.start()
    storage = get_storage(
        url,
        heartbeat_interval=0.2,
        grace_period=1.0,
        failed_trial_callback=hs.RetryFailedTrialCallback(max_retry=1),
    )
    study = hs.load_study(study_name="pbt", storage=storage)
    deadline = time.monotonic() + 120
    while not mark.exists():
        assert victim.is_alive() and time.monotonic() < deadline, "no clone ever hung"
        time.sleep(0.05)
    victim.kill()  # SIGKILL: the clone stays RUNNING, with no heartbeat any more
    victim.join(timeout=30)
    while not study.fail_stale_trials():
        assert time.monotonic() < deadline, "the dead worker's trial was never failed"
        time.sleep(0.1)

    trials = study.trials
    (dead,) = [t for t in trials if t.state is FAIL]
    assert "no heartbeat" in (dead.fail_reason or "")
    assert keys.LINEAGE_PARENT in dead.system_attrs
    retry = trials[-1]
    assert retry.state is WAITING and retry.system_attrs[keys.RETRIED_FROM] == dead.number
    for key in LINEAGE_KEYS:
        assert retry.system_attrs.get(key) == dead.system_attrs.get(key), key
    assert retry.params == dead.params

    study.optimize(member, n_trials=0)  # no new members: the retry and the rest of the run

    trials = study.trials
    assert not [t for t in trials if t.state in (RUNNING, WAITING)]
    assert [t.number for t in trials if t.state is FAIL] == [dead.number]
    rerun = trials[retry.number]
    step = int(rerun.system_attrs[keys.RESUME_STEP])
    assert rerun.user_attrs["loaded_step"] == step  # it loaded the checkpoint at resume_step
    assert min(s for s in rerun.intermediate_values if s > step) == step + 1
    expected = rerun.intermediate_values[step] + _gain(rerun.params["lr"])
    assert rerun.intermediate_values[step + 1] == pytest.approx(expected)
    chains = member_chains(trials)
    assert len(chains) == 3, "a member was lost or split"
    assert any(retry.number in [t.number for t in chain] for chain in chains)
    for chain in chains:
        assert chain[-1].state is COMPLETE and max(chain[-1].intermediate_values) == STEPS
    resumed = [
        t.system_attrs[keys.RESUME_FROM]
        for t in trials
        if keys.RESUME_FROM in t.system_attrs and t.number != dead.number
    ]
    assert len(resumed) == len(set(resumed)), "a paused record was continued twice"


# -- Ctrl-C in the middle of a continuation ---------------------------------------------------


class _CtrlCOnce:
    """A PBT objective that raises KeyboardInterrupt once, in the first continuation."""

    def __init__(self) -> None:
        self.fired = False

    def __call__(self, trial: hs.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        state = trial.load_checkpoint() or {"acc": 0.0, "step": 0}
        if state["step"] and not self.fired:
            self.fired = True
            raise KeyboardInterrupt
        acc = state["acc"]
        for step in range(state["step"] + 1, STEPS + 1):
            acc += 1.0 / (1.0 + abs(math.log10(lr) + 2.0))
            trial.report(acc, step)
            trial.save_checkpoint({"acc": acc, "step": step})
            if trial.should_prune():
                raise hs.TrialPruned()
        return acc


def test_a_continuation_interrupted_by_ctrl_c_is_retried_by_the_next_run() -> None:
    study = hs.create_study(
        direction="maximize",
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=PBTScheduler(2, {"lr": LR}, seed=0),
    )
    objective = _CtrlCOnce()
    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=4)
    interrupted = [t for t in study.trials if t.state is FAIL]
    assert len(interrupted) == 1 and keys.RESUME_FROM in interrupted[0].system_attrs
    [retry] = [t for t in study.trials if t.state is WAITING]
    assert retry.system_attrs[keys.RETRIED_FROM] == interrupted[0].number
    assert retry.system_attrs[keys.RESUME_FROM] == interrupted[0].system_attrs[keys.RESUME_FROM]

    study.optimize(objective, max_trials=4)  # the same run, resumed: every member finishes
    chains = member_chains(study.trials)
    assert len(chains) == 4
    assert all(chain[-1].state is COMPLETE for chain in chains)
    assert all(chain[-1].last_step == STEPS for chain in chains)
