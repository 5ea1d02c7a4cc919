"""Replaying a learnt schedule: the parameters change at the schedule's steps, once each."""

from __future__ import annotations

from typing import Any

import pytest

import hypersweep as hs
from hypersweep.schedulers.pbt_replay import PBTReplayScheduler

SCHEDULE = [(0, {"lr": 0.1}), (3, {"lr": 0.05}), (7, {"lr": 0.01})]


def _train(config: dict[str, Any]) -> None:
    state = hs.get_checkpoint()
    seen = state["seen"] if state else []
    for step in range(len(seen) + 1, 11):
        seen = [*seen, config["lr"]]
        hs.report(score=sum(seen), checkpoint={"seen": seen})
        assert step == len(seen)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_replayed_run_uses_each_scheduled_value_from_its_step(n_jobs: int) -> None:
    result = hs.tune(
        _train,
        {"lr": hs.loguniform(1e-3, 1.0)},
        metric="score",
        mode="max",
        num_samples=1,
        points_to_evaluate=[SCHEDULE[0][1]],
        scheduler=PBTReplayScheduler(SCHEDULE),
        n_jobs=n_jobs,
    )
    best = result.best_trial
    assert result.best_checkpoint["seen"] == [0.1] * 3 + [0.05] * 4 + [0.01] * 3
    assert best.intermediate_values[10] == pytest.approx(0.3 + 0.2 + 0.03)
    assert [(step, cfg["lr"]) for step, cfg in result.pbt_schedule()] == [
        (0, 0.1),
        (3, 0.05),
        (7, 0.01),
    ]
    assert len(result.trials) == 3  # one record per schedule segment


def test_a_schedule_is_checked() -> None:
    with pytest.raises(ValueError, match="must increase"):
        PBTReplayScheduler([(0, {"lr": 0.1}), (0, {"lr": 0.2})])
    with pytest.raises(ValueError, match="empty"):
        PBTReplayScheduler([])
    with pytest.raises(TypeError, match="list of"):
        PBTReplayScheduler("lr")  # type: ignore[arg-type]


def test_nested_configs_are_flattened_like_the_space() -> None:
    replay = PBTReplayScheduler([(0, {"opt": {"lr": 0.1}}), (2, {"opt": {"lr": 0.2}})])
    assert replay.params_at(2) == {"opt/lr": 0.2}
