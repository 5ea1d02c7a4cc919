"""Plot data: what each plot shows, on edge cases (no plotting library needed)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import hypersweep as hs
from hypersweep.trial import TrialState
from hypersweep.visualization import data as d

from .studies import asha_study, mixed_study, mo_study, pbt_study, study_with_failures

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def test_empty_study_gives_empty_records() -> None:
    study = hs.create_study()
    assert d.optimization_history_data(study).series[0].values.size == 0
    assert d.intermediate_values_data(study).numbers.size == 0
    assert d.edf_data(study).lines == ()
    assert d.slice_data(study).params == ()
    assert d.contour_data(study).pairs == ()
    assert d.timeline_data(study).numbers.size == 0
    assert d.param_importances_data(study).bars == ()
    assert d.learning_curves_data(study).roots.size == 0
    assert d.rungs_data(study).rungs == ()


def test_one_trial() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    h = d.optimization_history_data(study).series[0]
    assert h.numbers.tolist() == [0] and h.best_values.tolist() == h.values.tolist()
    assert d.edf_data(study).lines[0].y.tolist() == [1.0] * 100
    assert d.rank_data(study).ranks == {0: 0.0}


def test_history_best_so_far_and_direction() -> None:
    study = hs.create_study(direction="maximize")
    for v in [1.0, 3.0, 2.0, 5.0]:
        study.add_trial(hs.create_trial(params={}, distributions={}, value=v))
    s = d.optimization_history_data(study).series[0]
    assert s.best_values.tolist() == [1.0, 3.0, 3.0, 5.0]
    assert d.optimization_history_data(study, target=lambda t: -t.values[0]).minimize is False


def test_failed_and_pruned_trials_are_left_out_of_values_but_kept_where_they_ran() -> None:
    study = study_with_failures()
    h = d.optimization_history_data(study).series[0]
    assert h.numbers.tolist() == [0, 3, 6]
    inter = d.intermediate_values_data(study)
    assert set(inter.states) == {TrialState.COMPLETE, TrialState.PRUNED}
    assert inter.numbers.tolist() == [0, 1, 3, 4, 6, 7]
    tl = d.timeline_data(study)
    assert tl.numbers.tolist() == list(range(9))
    assert {s.name for s in tl.states} == {"COMPLETE", "PRUNED", "FAIL"}
    assert (tl.durations_ms >= 0).all()
    assert d.timeline_data(study, n_recent_trials=2).numbers.tolist() == [7, 8]


def test_several_studies_and_error_bars() -> None:
    a, b = mixed_study(seed=0, name="a"), mixed_study(n_trials=30, seed=1, name="b")
    data = d.optimization_history_data([a, b], error_bar=True)
    assert [s.study_name for s in data.series] == ["a", "b"]
    band = data.band
    assert band is not None and band.numbers.tolist() == list(range(40))
    va, vb = data.series[0].values, data.series[1].values
    np.testing.assert_allclose(band.mean[:30], (va[:30] + vb) / 2)
    np.testing.assert_allclose(band.std[:30], np.abs(va[:30] - vb) / 2)
    np.testing.assert_allclose(band.mean[30:], va[30:])
    edf = d.edf_data([a, b])
    assert [line.study_name for line in edf.lines] == ["a", "b"]
    assert all(line.y[-1] == 1.0 for line in edf.lines)


def test_conditional_log_and_categorical_parameters() -> None:
    study = mixed_study()
    cols = {p.column.name: p for p in d.slice_data(study).params}
    assert cols["lr"].column.is_log and not cols["x"].column.is_log
    kind = cols["kind"].column
    assert kind.is_categorical and kind.categories == ("a", "b", "c")
    n_a = sum(1 for t in study.trials if t.params["kind"] == "a")
    assert cols["extra"].values.size == n_a  # conditional: only where it exists
    pc = d.parallel_coordinate_data(study)
    assert pc.values.size == n_a and pc.skipped_numbers.size == 40 - n_a
    pc2 = d.parallel_coordinate_data(study, params=["x", "kind"])
    assert pc2.values.size == 40 and pc2.skipped_numbers.size == 0
    assert [c.name for c in pc2.columns] == ["x", "kind"]
    labels = pc2.columns[1].labels()
    assert labels == [t.params["kind"] for t in study.trials]


def test_contour_grid_and_points() -> None:
    study = mixed_study()
    data = d.contour_data(study, params=["lr", "x"])
    (pair,) = data.pairs
    assert pair.grid_z.shape == (100, 100)
    assert np.isfinite(pair.grid_z).all()
    assert math.isclose(pair.grid_x[0], 1e-4) and math.isclose(pair.grid_x[-1], 1e-1)
    assert pair.values.size == 40
    # the interpolation goes through the trials: at a trial's grid cell, near its value
    data_cat = d.contour_data(study, params=["kind", "x"])
    assert data_cat.pairs[0].grid_x[-1] == 2.0


def test_rank_shares() -> None:
    study = mixed_study()
    data = d.rank_data(study, params=["x", "n"])
    values = {t.number: t.value for t in study.trials}
    order = sorted(values, key=lambda n: values[n])
    assert data.ranks[order[0]] == 0.0 and data.ranks[order[-1]] == 1.0


def test_multi_objective_needs_target_for_single_value_plots() -> None:
    study = mo_study()
    with pytest.raises(ValueError, match="several objectives"):
        d.optimization_history_data(study)
    with pytest.raises(ValueError, match="several objectives"):
        d.slice_data(study)
    h = d.optimization_history_data(study, target=lambda t: t.values[1], target_name="f1")
    assert h.target_name == "f1" and h.series[0].values.size == 30
    bars = d.param_importances_data(study).bars
    assert [b.name for b in bars] == ["Objective Value 0", "Objective Value 1"]


def test_pareto_front_2d_3d_constraints_and_targets() -> None:
    study = mo_study()
    data = d.pareto_front_data(study)
    values = np.array([t.values for t in study.trials])
    loss = values * np.array([1, -1])
    for p in data.best_points:
        assert not np.any(np.all(loss <= p * [1, -1], axis=1) & np.any(loss < p * [1, -1], axis=1))
    assert data.best_numbers.size + data.dominated_numbers.size == 30
    assert d.pareto_front_data(study, include_dominated_trials=False).dominated_numbers.size == 0
    cons = d.pareto_front_data(study, constraints_func=lambda t: [t.params["x"] - 0.5])
    assert all(study.trials[n].params["x"] > 0.5 for n in cons.infeasible_numbers)
    assert d.pareto_front_data(mo_study(3)).n_targets == 3
    tg = d.pareto_front_data(
        study, targets=lambda t: (t.values[1], t.values[0]), target_names=["b", "a"]
    )
    assert tg.target_names == ("b", "a")
    with pytest.raises(ValueError, match="target_names"):
        d.pareto_front_data(study, target_names=["only one"])
    with pytest.raises(ValueError, match="2 or 3"):
        d.pareto_front_data(mixed_study())


def test_hypervolume_history_is_monotone_and_exact_at_the_end() -> None:
    from hypersweep.algorithms.tpe.mo import hypervolume

    study = mo_study()
    data = d.hypervolume_history_data(study, [2.0, -1.0])
    assert (np.diff(data.values) >= 0).all()
    loss = np.array([t.values for t in study.trials]) * [1, -1]
    assert math.isclose(data.values[-1], hypervolume(loss, np.array([2.0, 1.0])))
    with pytest.raises(ValueError, match="reference_point"):
        d.hypervolume_history_data(study, [1.0])


def test_bad_input() -> None:
    study = mixed_study(5)
    with pytest.raises(TypeError):
        d.optimization_history_data("study")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        d.slice_data(study, params="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not in the study"):
        d.slice_data(study, params=["nope"])
    with pytest.raises(ValueError, match="n_recent_trials"):
        d.timeline_data(study, n_recent_trials=0)
    with pytest.raises(TypeError):
        d.rungs_data(study, milestones=["a"])  # type: ignore[list-item]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning):
            d.optimization_history_data(hs.create_study())


def test_rungs_and_learning_curves_follow_lineages() -> None:
    study = asha_study()
    rungs = d.rungs_data(study)
    assert [r.milestone for r in rungs.rungs] == list(study.scheduler.milestones)  # type: ignore[attr-defined]
    first = rungs.rungs[0]
    assert len(first.roots) == 30  # every configuration reaches the first rung
    assert first.n_promoted == len(rungs.rungs[1].roots)
    curves = d.learning_curves_data(study)
    # one line per configuration, not per record: continuations are merged
    assert curves.roots.size == 30 < len(study.trials)
    assert (curves.n_records > 1).any() and curves.resumes
    for i in range(curves.roots.size):
        steps = curves.steps[curves.offsets[i] : curves.offsets[i + 1]]
        assert (np.diff(steps) > 0).all()


def test_lineage_tree_of_pbt() -> None:
    study = pbt_study()
    tree = d.lineage_tree_data(study)
    assert tree.n_members == 4
    assert len(tree.segments) == len(study.trials)
    assert tree.edges, "PBT clones at least once"
    for e in tree.edges:
        child = study.trials[e.child]
        assert child.system_attrs["checkpoint_of"] == e.parent
        assert set(e.changes) <= {"lr"}


def test_proposers_tell_samplers_start_up_enqueued_and_scheduler_apart() -> None:
    inner = hs.samplers.TPESampler(seed=0, n_startup_trials=5)
    sampler = hs.samplers.RandomFractionSampler(inner, fraction=0.3)
    study = hs.create_study(sampler=sampler)
    study.enqueue_trial({"x": 0.25})
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=25)
    data = d.proposers_data(study)
    label = {int(n): data.names[int(k)] for n, k in zip(data.numbers, data.proposer, strict=True)}
    assert label[0] == "enqueued (enqueue_trial)"
    for n in range(1, 25):
        if sampler.is_random(n):
            assert label[n] == "random (RandomFractionSampler)", n
        elif n < 5:
            assert label[n] == "TPESampler (start-up, random)", n
        else:
            assert label[n] == "TPESampler", n
    assert int(data.counts().sum()) == 25
    assert np.isfinite(data.values).all() and data.complete.all()


def test_proposers_of_scheduler_records_and_cma_es() -> None:
    data = d.proposers_data(asha_study())
    assert "continuation (scheduler)" in data.names and "RandomSampler" in data.names
    assert not data.complete.all()  # paused (pruned) records are counted, not plotted
    assert np.isnan(data.values[~data.complete]).all()
    data = d.proposers_data(pbt_study())
    assert "clone (PBT exploit)" in data.names
    study = hs.create_study(sampler=hs.samplers.CmaEsSampler(seed=0, popsize=4))
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1), 9)
    assert d.proposers_data(study).names == ("CmaEsSampler (independent)", "CmaEsSampler")
    # a single proposer, a multi-objective study (needs a target) and an empty one
    assert d.proposers_data(mixed_study(5)).names == ("RandomSampler",)
    with pytest.raises(ValueError, match="target"):
        d.proposers_data(mo_study())
    mo = d.proposers_data(mo_study(), target=lambda t: t.values[1])
    assert mo.values[0] == mo_study().trials[0].values[1]
    assert d.proposers_data(hs.create_study()).names == ()


def test_recorded_proposer_wins() -> None:
    study = hs.create_study()
    study.add_trial(
        hs.create_trial(
            params={"x": 0.5},
            distributions={"x": hs.FloatDistribution(0, 1)},
            value=1.0,
            system_attrs={d.proposers.PROPOSED_BY_ATTR: "my sampler"},
        )
    )
    assert d.proposers_data(study).names == ("my sampler",)


def test_hypervolume_history_2d_equals_recomputing_each_prefix() -> None:
    from hypersweep.algorithms.tpe.mo import hypervolume
    from hypersweep.visualization.data.pareto import _history_2d, _history_nd

    rng = np.random.default_rng(0)
    ref = np.array([0.9, 0.9])
    losses = rng.integers(0, 10, size=(300, 2)) / 10.0  # ties, equal points, outside ref
    losses[5] = np.nan
    got = _history_2d(losses, ref)
    want = [
        hypervolume(losses[: i + 1][np.isfinite(losses[: i + 1]).all(1)], ref) for i in range(300)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_history_nd(losses, ref), want, rtol=1e-12, atol=1e-12)
