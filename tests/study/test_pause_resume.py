"""Pause/resume: checkpoints, continuation trials, exactly-once promotions, every executor."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep.executors.simulated import SimulatedExecutor, spend
from hypersweep.schedulers import Action, Decision, Scheduler
from hypersweep.schedulers.asha import ASHAScheduler
from hypersweep.schedulers.hyperband import HyperBandScheduler
from hypersweep.schedulers.successive_halving import SuccessiveHalvingScheduler
from hypersweep.study._checkpoints import decode_checkpoint, encode_checkpoint
from hypersweep.trial import History
from hypersweep.trial.keys import PROMOTION_CLAIMS as CLAIMS_KEY

MAX_STEP = 9


def train(x: float, state: dict[str, Any] | None, step: int) -> tuple[float, dict[str, Any]]:
    """One step of a stateful "training": noisy gradient steps whose noise comes from a
    generator kept in the state, so a resumed run matches only if the state was restored."""
    if state is None:
        state = {"w": 5.0, "rng": np.random.default_rng(int(x * 1e6))}
    rng = state["rng"]
    state["w"] -= 0.3 * (state["w"] - 10 * x) + 0.01 * rng.standard_normal()
    return abs(state["w"] - 3.0), state


def straight_curve(x: float) -> dict[int, float]:
    state = None
    out = {}
    for step in range(1, MAX_STEP + 1):
        out[step], state = train(x, state, step)
    return out


def resumable(trial: hs.Trial, save: bool = True) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    state = trial.load_checkpoint()
    start = 1 if state is None else state["step"] + 1
    model = None if state is None else state["model"]
    value = float("nan")
    for step in range(start, MAX_STEP + 1):
        spend(1.0)
        value, model = train(x, model, step)
        trial.report(value, step)
        if trial.should_prune():
            if trial.paused and save:
                trial.save_checkpoint({"step": step, "model": model})
            raise hs.TrialPruned()
    return value


def restarting(trial: hs.Trial) -> float:
    return resumable(trial, save=False)


def _study(scheduler: Scheduler, seed: int = 0, **kwargs: Any) -> hs.Study:
    return hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=seed), scheduler=scheduler, **kwargs
    )


def _configs(study: hs.Study) -> dict[int, list[hs.FrozenTrial]]:
    out: dict[int, list[hs.FrozenTrial]] = {}
    for t in study.trials:
        out.setdefault(t.system_attrs.get("lineage", t.number), []).append(t)
    return out


# -- checkpoints -----------------------------------------------------------------------------


def test_checkpoint_encoding() -> None:
    assert decode_checkpoint(encode_checkpoint(b"\x00raw")) == b"\x00raw"
    assert decode_checkpoint(encode_checkpoint({"a": [1, 2]})) == {"a": [1, 2]}
    with pytest.raises(ValueError, match="save_checkpoint"):
        decode_checkpoint(b"junk")


def test_save_and_load_on_a_live_trial() -> None:
    study = hs.create_study()
    trial = study.ask()
    assert trial.load_checkpoint() is None and trial.resume_step is None
    trial.report(0.5, 3)
    trial.save_checkpoint(b"weights")
    assert trial.load_checkpoint() == b"weights"
    trial.save_checkpoint({"step": 4})
    assert trial.load_checkpoint() == {"step": 4}
    assert trial.system_attrs["checkpoint_step"] == 3
    assert not trial.paused


# -- continuation trials ---------------------------------------------------------------------


def test_paused_trials_continue_in_new_records() -> None:
    sim = SimulatedExecutor()
    study = _study(SuccessiveHalvingScheduler(1, MAX_STEP, 3, n_configs=9, pause=True))
    study.optimize(resumable, n_trials=9, n_jobs=3, executor=sim, catch=())
    configs = _configs(study)
    assert len(configs) == 9  # n_trials counts configurations, not continuations
    assert Counter(len(records) for records in configs.values()) == {1: 6, 2: 2, 3: 1}
    for root, records in configs.items():
        for before, after in itertools.pairwise(records):
            assert before.state is hs.TrialState.PRUNED
            assert before.system_attrs["paused_at"] == before.last_step
            assert "waiting for its rung" in before.system_attrs["prune_reason"]
            assert after.params == before.params
            attrs = after.system_attrs
            assert (attrs["lineage"], attrs["resume_from"]) == (root, before.number)
            assert attrs["resume_step"] == before.last_step
            assert attrs["checkpoint_of"] == before.number
            # The continuation holds the whole curve: its predecessor's reports, then its own.
            assert {
                s: v for s, v in after.intermediate_values.items() if s <= before.last_step
            } == (dict(before.intermediate_values))
    (done,) = study.get_trials(states=(hs.TrialState.COMPLETE,))
    assert sorted(done.intermediate_values) == list(range(1, MAX_STEP + 1))
    assert study.system_attrs == {}  # claims live in the study-state blob, not attributes
    stored = study.storage.get_study_state(study._study_id, CLAIMS_KEY)
    assert stored is not None and len(stored.data) > 2


@pytest.mark.parametrize(
    "scheduler",
    [
        SuccessiveHalvingScheduler(1, MAX_STEP, 3, n_configs=9, pause=True),
        ASHAScheduler(1, MAX_STEP, 3, pause=True),
        HyperBandScheduler(1, MAX_STEP, 3, pause=True),
    ],
    ids=["sha", "asha", "hyperband"],
)
@pytest.mark.parametrize("objective", [resumable, restarting], ids=["checkpoint", "restart"])
def test_pause_resume_gives_the_same_result_as_running_straight_through(
    scheduler: Scheduler, objective: Callable[[hs.Trial], float]
) -> None:
    study = _study(scheduler, seed=2)
    study.optimize(objective, n_trials=17, n_jobs=4, executor=SimulatedExecutor(), catch=())
    complete = study.get_trials(states=(hs.TrialState.COMPLETE,))
    assert complete
    for t in complete:
        expected = straight_curve(t.params["x"])
        assert t.value == expected[MAX_STEP]
        assert dict(t.intermediate_values) == expected
    if objective is restarting:
        resumed = [t for t in study.trials if "resume_from" in t.system_attrs]
        assert resumed and all(t.system_attrs["resume_step"] is None for t in resumed)


def test_stopping_and_pausing_reach_the_same_best_configuration() -> None:
    def run(pause: bool) -> hs.Study:
        study = _study(SuccessiveHalvingScheduler(1, MAX_STEP, 3, n_configs=9, pause=pause))
        callbacks = [lambda s, t: spend(0.0)]  # lockstep: all report before any asks
        study.optimize(
            resumable, n_trials=9, n_jobs=9, executor=SimulatedExecutor(), callbacks=callbacks
        )
        return study

    stopped, paused = run(False), run(True)
    assert stopped.best_params == paused.best_params
    assert stopped.best_value == paused.best_value


def test_every_paused_trial_is_resumed_at_most_once_with_threads() -> None:
    def objective(trial: hs.Trial) -> float:
        time.sleep(0.001)
        return resumable(trial)

    study = _study(ASHAScheduler(1, MAX_STEP, 3, pause=True), seed=4)
    study.optimize(objective, n_trials=30, n_jobs=4, catch=())
    sources = [
        t.system_attrs["resume_from"] for t in study.trials if "resume_from" in t.system_attrs
    ]
    assert sources and len(sources) == len(set(sources))
    assert len(_configs(study)) == 30
    states = {t.state for t in study.trials}
    assert states <= {hs.TrialState.COMPLETE, hs.TrialState.PRUNED}


def test_ask_resumes_promoted_trials_first() -> None:
    study = _study(ASHAScheduler(1, 3, 3, pause=True))
    for x in (0.1, 0.5, 0.9):
        trial = study.ask()
        trial.suggest_float("x", x, x)
        trial.report(x, 1)
        assert trial.should_prune() and trial.paused
        trial.save_checkpoint({"step": 1, "x": x})
        study.tell(trial, state=hs.TrialState.PRUNED)
    resumed = study.ask()
    assert resumed.number == 3 and resumed.resume_step == 1
    assert resumed.params == {"x": 0.1}
    assert resumed.load_checkpoint() == {"step": 1, "x": 0.1}
    assert study.ask().resume_step is None  # nothing else is promotable: a new trial


def test_new_configurations_stop_at_n_trials_and_the_paused_ones_finish() -> None:
    study = _study(SuccessiveHalvingScheduler(1, MAX_STEP, 3, n_configs=9, pause=True))
    study.optimize(resumable, n_trials=9)  # inline, one worker
    assert len(_configs(study)) == 9
    assert len(study.get_trials(states=(hs.TrialState.COMPLETE,))) == 1


def test_max_trials_counts_configurations_not_continuation_records() -> None:
    study = _study(ASHAScheduler(1, MAX_STEP, 3, pause=True))  # promotes between new ones
    study.optimize(resumable, n_trials=None, max_trials=12, n_jobs=2, executor=SimulatedExecutor())
    assert len(_configs(study)) == 12
    assert len(study.trials) > 12  # the continuations came on top of the cap


def test_stop_ends_the_continuations_too() -> None:
    study = _study(ASHAScheduler(1, MAX_STEP, 3, pause=True))

    def stop_after_six(study: hs.Study, trial: hs.FrozenTrial) -> None:
        if len(study.trials) >= 6:
            study.stop()

    study.optimize(resumable, n_trials=30, callbacks=[stop_after_six])
    assert len(study.trials) == 6


@pytest.mark.parametrize("url", ["sqlite", "journal"])
def test_persistent_storages(url: str, tmp_path: Any) -> None:
    storage = f"sqlite:///{tmp_path}/s.db" if url == "sqlite" else f"journal:///{tmp_path}/s.log"
    study = _study(
        SuccessiveHalvingScheduler(1, MAX_STEP, 3, n_configs=9, pause=True), storage=storage
    )
    study.optimize(resumable, n_trials=9, n_jobs=2, executor=SimulatedExecutor(), catch=())
    (done,) = study.get_trials(states=(hs.TrialState.COMPLETE,))
    assert dict(done.intermediate_values) == straight_curve(done.params["x"])
    study.storage.close()


def _mp_objective(trial: hs.Trial) -> float:
    return resumable(trial)


def test_process_workers(tmp_path: Any) -> None:
    storage = f"sqlite:///{tmp_path}/p.db"
    study = _study(ASHAScheduler(1, MAX_STEP, 3, pause=True), storage=storage)
    study.optimize(_mp_objective, n_trials=12, n_jobs=2, executor="processes", catch=())
    sources = [
        t.system_attrs["resume_from"] for t in study.trials if "resume_from" in t.system_attrs
    ]
    assert sources and len(sources) == len(set(sources))
    assert len(_configs(study)) == 12  # n_trials counts configurations here too
    for t in study.get_trials(states=(hs.TrialState.COMPLETE,)):
        assert dict(t.intermediate_values) == straight_curve(t.params["x"])


# -- a scheduler of one's own ----------------------------------------------------------------


class PauseOnceScheduler(Scheduler):
    """Pauses every trial at step 2 and promotes all of them: the protocol in miniature."""

    pauses_trials = True

    def decide(self, history: History, trial: hs.FrozenTrial) -> Decision:
        if trial.last_step == 2 and "resume_from" not in trial.system_attrs:
            return Decision(Action.PAUSE, "a break at step 2")
        return Decision(Action.CONTINUE)

    def promotions(self, history: History) -> list[Any]:
        from hypersweep.trial import Promotion

        resumed = {t.system_attrs.get("resume_from") for t in history.trials}
        return [
            Promotion(t.number, t.system_attrs["paused_at"])
            for t in history.trials
            if t.system_attrs.get("paused_at") is not None and t.number not in resumed
        ]


def test_any_scheduler_can_pause_through_the_protocol() -> None:
    study = _study(PauseOnceScheduler())
    study.optimize(resumable, n_trials=5, n_jobs=2, executor=SimulatedExecutor())
    assert len(study.trials) == 10
    for t in study.get_trials(states=(hs.TrialState.COMPLETE,)):
        assert dict(t.intermediate_values) == straight_curve(t.params["x"])
