from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.schedulers import Action
from hypersweep.schedulers.hyperband import HyperBandScheduler, hyperband_brackets
from hypersweep.testing import check_scheduler

from .test_sha import curve_objective, frozen, history, lineage_steps, run_simulated


def test_conformance() -> None:
    check_scheduler(lambda: HyperBandScheduler(1, 8, 2))
    check_scheduler(lambda: HyperBandScheduler(1, 8, 2, asynchronous=True))


@pytest.mark.parametrize(
    "kwargs", [{"min_resource": 0}, {"reduction_factor": 1}, {"min_resource": 5, "max_resource": 4}]
)
def test_bad_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        HyperBandScheduler(**kwargs)


def test_brackets_match_the_papers_table() -> None:
    # Li et al. (2018), Table 1: R = 81, eta = 3.
    table = {
        4: ([81, 27, 9, 3, 1], [1, 3, 9, 27, 81]),
        3: ([34, 11, 3, 1], [3, 9, 27, 81]),
        2: ([15, 5, 1], [9, 27, 81]),
        1: ([8, 2], [27, 81]),
        0: ([5], [81]),
    }
    brackets = HyperBandScheduler(1, 81, 3).brackets
    assert [b.s for b in brackets] == [4, 3, 2, 1, 0]
    for b in brackets:
        sizes, steps = table[b.s]
        assert list(b.rung_sizes) == sizes
        assert list(b.rung_steps) == steps
        assert b.n_configs == sizes[0] and b.min_resource == steps[0]


def test_other_settings() -> None:
    with pytest.raises(ValueError, match="no rung"):  # no room for early stopping
        hyperband_brackets(4, 4, 3)
    two = hyperband_brackets(1, 4, 2)
    assert [(b.n_configs, b.rung_steps) for b in two] == [
        (4, (1, 2, 4)),
        (3, (2, 4)),
        (3, (4,)),
    ]
    assert HyperBandScheduler(1, 100, 3).budgets == (1, 3, 9, 27, 81, 100)


def test_bracket_assignment_cycles_in_the_papers_order() -> None:
    hb = HyperBandScheduler(1, 27, 3)  # sizes 27, 12, 6, 4: a cycle of 49
    got = Counter(hb.bracket_of(i).s for i in range(49 * 2))
    assert got == {3: 54, 2: 24, 1: 12, 0: 8}
    assert [hb.bracket_of(i).s for i in (0, 26, 27, 38, 39, 44, 45, 48, 49)] == [
        3,
        3,
        2,
        2,
        1,
        1,
        0,
        0,
        3,
    ]


def test_continuations_do_not_shift_the_brackets() -> None:
    hb = HyperBandScheduler(1, 9, 3, pause=True)  # sizes 9, 5, 3
    trials = [frozen(i, [0.1 * i], paused=True) for i in range(9)]
    trials.append(frozen(9, [0.0, 0.0, 0.0], attrs={"lineage": 0, "resume_from": 0}))
    trials.append(frozen(10, [0.5]))  # the 10th configuration: first of the second bracket
    h = history(trials)
    assert hb.decide(h, trials[10]).action is Action.CONTINUE  # its first rung is at step 3
    assert hb.bracket_of(9).s == 1


def test_synchronous_brackets_run_exact_rung_sizes() -> None:
    hb = HyperBandScheduler(1, 9, 3, pause=True)  # brackets: 9 at 1, 5 at 3, 3 at 9
    study, _ = run_simulated(hb, curve_objective(9), n_trials=17, n_workers=4)
    steps = lineage_steps(study)
    by_bracket: dict[int, Counter[int]] = {}
    for root, last in steps.items():
        index = sorted(steps).index(root)
        by_bracket.setdefault(hb.bracket_of(index).s, Counter())[last] += 1
    assert by_bracket == {2: Counter({1: 6, 3: 2, 9: 1}), 1: Counter({3: 4, 9: 1}), 0: {9: 3}}


def test_asynchronous_brackets() -> None:
    hb = HyperBandScheduler(1, 9, 3, asynchronous=True, pause=True)
    study, _ = run_simulated(hb, curve_objective(9), n_trials=34, n_workers=4)
    assert study.best_trial.last_step == 9
    stopping = HyperBandScheduler(1, 9, 3, asynchronous=True)
    study, _ = run_simulated(stopping, curve_objective(9), n_trials=34, n_workers=4)
    assert len(study.trials) == 34
    assert {t.state for t in study.trials} == {hs.TrialState.COMPLETE, hs.TrialState.PRUNED}
