"""The rung-based schedulers refuse resources that leave them no rung to stop trials at."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import hypersweep as hs
from hypersweep.schedulers import ASHAScheduler, HyperBandScheduler, SuccessiveHalvingScheduler
from hypersweep.schedulers.hyperband import hyperband_brackets

RUNG_SCHEDULERS: dict[str, Callable[..., hs.schedulers.Scheduler]] = {
    "asha": ASHAScheduler,
    "sha": SuccessiveHalvingScheduler,
    "hyperband": HyperBandScheduler,
    "async-hyperband": lambda *a: HyperBandScheduler(*a, asynchronous=True),
}


@pytest.mark.parametrize("make", RUNG_SCHEDULERS.values(), ids=RUNG_SCHEDULERS.keys())
def test_equal_min_and_max_resource_is_refused(make: Callable[..., object]) -> None:
    with pytest.raises(ValueError, match=r"max_resource \(9\) must be > min_resource \(9\)") as e:
        make(9, 9, 3)
    assert "no rung" in str(e.value) and "= 27" in str(e.value)


def test_hyperband_brackets_are_refused_without_a_rung() -> None:
    with pytest.raises(ValueError, match="no rung"):
        hyperband_brackets(4, 4, 2)


def _objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    for step in (1, 2):
        trial.report(x + 1 / step, step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return x


@pytest.mark.parametrize("make", [ASHAScheduler, SuccessiveHalvingScheduler])
def test_one_rung_is_enough_below_a_full_halving(make: Callable[..., object]) -> None:
    with pytest.raises(ValueError, match="no rung"):
        make(2, 2, 3)
    # Rung at step 1, trials finish at step 2: trials are compared (and stopped) at step 1.
    assert make(1, 2, 3).milestones == (1,)  # type: ignore[attr-defined]


def test_synchronous_hyperband_needs_a_full_halving() -> None:
    # With max_resource < min_resource * eta every bracket holds one configuration.
    with pytest.raises(ValueError, match=r">= min_resource \* reduction_factor \(3\)"):
        HyperBandScheduler(1, 2, 3)
    assert len(HyperBandScheduler(1, 3, 3).brackets) == 2
    # Asynchronously, the one bracket is an ASHA ladder over every configuration: it stops some.
    scheduler = HyperBandScheduler(1, 2, 3, asynchronous=True)
    assert scheduler.budgets == (1, 2)
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), scheduler=scheduler)
    study.optimize(_objective, n_trials=12)
    assert any(t.state is hs.TrialState.PRUNED for t in study.trials)
