from __future__ import annotations

from typing import Any

import pytest

import hypersweep as hs
from hypersweep.schedulers import Action
from hypersweep.schedulers.asha import ASHAScheduler
from hypersweep.schedulers.successive_halving import SuccessiveHalvingScheduler
from hypersweep.testing import check_scheduler
from hypersweep.trial import TrialState

from .test_sha import curve_objective, frozen, history, lineage_steps, reached, run_simulated


def test_conformance() -> None:
    check_scheduler(lambda: ASHAScheduler(1, 8, 2))
    check_scheduler(lambda: ASHAScheduler(2, 8, 3))


@pytest.mark.parametrize(
    "kwargs", [{"min_resource": 0}, {"reduction_factor": 1}, {"max_resource": "81"}]
)
def test_bad_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        ASHAScheduler(**kwargs)


def test_stopping_decisions_at_rung_crossings_only() -> None:
    asha = ASHAScheduler(1, 9, 3)
    done = [frozen(i, [v]) for i, v in enumerate([0.5, 0.2, 0.9, 0.4, 0.8])]
    # Six at the rung: the best two go on.
    new_good = frozen(5, [0.3])
    new_bad = frozen(5, [0.6])
    assert asha.decide(history([*done, new_good]), new_good).action is Action.CONTINUE
    decision = asha.decide(history([*done, new_bad]), new_bad)
    assert decision.action is Action.PRUNE and "only the best 2" in decision.reason
    # Between rungs (step 2) nothing is decided, however bad.
    later = frozen(5, [0.6, 5.0])
    assert asha.decide(history([*done, later]), later).action is Action.CONTINUE
    # The first trials of a rung go on (the best max(1, n // eta)).
    assert asha.decide(history([done[2]]), done[2]).action is Action.CONTINUE


def test_pause_variant_pauses_at_every_rung_and_promotes_the_top_third() -> None:
    asha = ASHAScheduler(1, 9, 3, pause=True)
    t = frozen(0, [0.5])
    assert asha.decide(history([t]), t).action is Action.PAUSE
    between = frozen(0, [0.5, 0.4])
    assert asha.decide(history([between]), between).action is Action.CONTINUE
    paused = [frozen(i, [v], paused=True) for i, v in enumerate([0.5, 0.2, 0.9, 0.4, 0.8, 0.1])]
    assert [p.trial_number for p in asha.promotions(history(paused))] == [5, 1]
    assert asha.promotions(history(paused[:2])) == []  # 2 // 3 == 0: nobody yet
    # The highest rung comes first.
    deep = [frozen(6, [0.3, 0.3, 0.3], paused=True), frozen(7, [0.4, 0.4, 0.2], paused=True)]
    deep += [frozen(8, [0.9, 0.9, 0.9], paused=True)]
    promos = asha.promotions(history(paused + deep))
    assert (promos[0].trial_number, promos[0].step) == (7, 3)


def test_asha_equals_sha_when_workers_run_in_lockstep() -> None:
    # Nine workers, nine configurations, every step costs the same: each rung's reports
    # arrive together, and every worker reports before any asks for work.
    objective = curve_objective(9, value=lambda x, step: abs(x - 0.62) + ((x * 7) % 1) / step)
    sha = SuccessiveHalvingScheduler(1, 9, 3, n_configs=9, pause=True)
    asha = ASHAScheduler(1, 9, 3, pause=True)
    sync, _ = run_simulated(sha, objective, n_trials=9, n_workers=9, lockstep=True, seed=3)
    async_, _ = run_simulated(asha, objective, n_trials=9, n_workers=9, lockstep=True, seed=3)
    for step in (1, 3, 9):
        assert reached(sync, step) == reached(async_, step)
    assert [len(reached(sync, s)) for s in (1, 3, 9)] == [9, 3, 1]
    assert sync.best_value == async_.best_value
    # Without lockstep ASHA decides on the first arrivals: the curves cross, so it promotes
    # configurations synchronous successive halving would not.
    eager, _ = run_simulated(asha, objective, n_trials=9, n_workers=9, seed=3)
    assert len(reached(eager, 3)) > 3


def test_no_worker_idles_in_asha_while_sha_waits_for_a_rung() -> None:
    # Three workers, nine configurations; one of them (x = 0.7) trains 8x slower.
    objective = curve_objective(9, cost=lambda x: 8.0 if x > 0.65 else 1.0)
    sha = SuccessiveHalvingScheduler(1, 9, 3, n_configs=9, pause=True)
    sync, sync_sim = run_simulated(sha, objective, n_trials=9, n_workers=3, seed=1)
    async_, async_sim = run_simulated(
        ASHAScheduler(1, 9, 3, pause=True), objective, n_trials=9, n_workers=3, seed=1
    )
    assert sum(t.params["x"] > 0.65 for t in sync.trials) == 1  # the straggler

    def paused_waiting(study: hs.Study, at: float) -> bool:
        """Some trial is paused at ``at`` and is promoted later (it was waiting)."""
        times = {t.number: t.user_attrs for t in study.trials}
        for t in study.trials:
            src = t.system_attrs.get("resume_from")
            if src is not None and times[src]["end"] <= at < t.user_attrs["start"]:
                return True
        return False

    idle_sync = [s for s in sync_sim.trace if s.kind == "idle"]
    assert any(paused_waiting(sync, s.start) for s in idle_sync)
    assert sum(sync_sim.idle_time) > 0
    # ASHA: a worker idles only when nothing is promotable and no configuration is left.
    last_start = max(
        t.user_attrs["start"] for t in async_.trials if "lineage" not in t.system_attrs
    )
    assert all(s.start >= last_start for s in async_sim.trace if s.kind == "idle")

    # So ASHA promotes long before the straggler's report completes the first rung.
    def first_promotion(study: hs.Study) -> float:
        return min(t.user_attrs["start"] for t in study.trials if "lineage" in t.system_attrs)

    straggler_end = max(t.user_attrs["end"] for t in sync.trials if t.params["x"] > 0.65)
    assert first_promotion(sync) == straggler_end
    assert first_promotion(async_) < straggler_end / 2


def test_pause_variant_never_stops_a_configuration() -> None:
    asha = ASHAScheduler(1, 27, 3, pause=True)
    study, _ = run_simulated(asha, curve_objective(27), n_trials=27, n_workers=4)
    assert all(
        t.system_attrs.get("paused_at") is not None
        for t in study.trials
        if t.state is TrialState.PRUNED
    )
    steps = sorted(lineage_steps(study).values())
    assert steps.count(27) >= 1 and steps.count(1) >= 9
