"""The TPE step on arrays: splits (one and several objectives), hypervolume, TPEModel."""

from __future__ import annotations

import numpy as np
import pytest

from hypersweep.algorithms.tpe import (
    Dimension,
    TPEModel,
    default_gamma,
    default_weights,
    hypervolume,
    split_good,
    split_multi_objective,
)

CONT = Dimension.continuous()


def test_split_takes_the_lowest_losses_and_breaks_ties_by_row() -> None:
    assert split_good([3.0, 1.0, 2.0, 1.0], 1).tolist() == [False, True, False, False]
    assert split_good([2.0, 1.0, 1.0, 1.0], 2).tolist() == [False, True, True, False]
    assert split_good([2.0, np.nan, 1.0], 2).tolist() == [True, False, True]  # NaN: +inf
    assert not split_good([1.0, 2.0], 0).any()
    assert split_good([1.0, 2.0], 5).all()


def test_gamma_and_weights() -> None:
    assert [default_gamma(n) for n in (0, 1, 9, 10, 11, 250, 10_000)] == [0, 1, 1, 1, 2, 25, 25]
    w = default_weights(40)
    assert len(w) == 40 and np.all(w[-25:] == 1.0) and np.all(np.diff(w) >= 0)
    assert w[0] == pytest.approx(1 / 40)


def _brute_force_hv(points: np.ndarray, ref: np.ndarray, grid: int = 80) -> float:
    """Hypervolume by counting cells of a fine grid (reference for the exact algorithm)."""
    lo = points.min(axis=0)
    mids = [np.linspace(lo[j], ref[j], grid + 1) for j in range(len(ref))]
    cell = np.prod([(m[1] - m[0]) for m in mids])
    centres = np.stack(np.meshgrid(*[(m[1:] + m[:-1]) / 2 for m in mids]), -1).reshape(-1, 3)
    covered = np.zeros(len(centres), dtype=bool)
    for p in points:
        covered |= np.all(p <= centres, axis=1)
    return float(covered.sum() * cell)


def test_hypervolume_is_exact() -> None:
    assert hypervolume(np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([3.0, 3.0])) == 3.0
    assert hypervolume(np.array([[5.0, 5.0]]), np.array([3.0, 3.0])) == 0.0
    rng = np.random.default_rng(0)
    pts = rng.random((6, 3))
    ref = np.full(3, 1.2)
    assert hypervolume(pts, ref) == pytest.approx(_brute_force_hv(pts, ref), rel=0.05)


def test_multi_objective_split_takes_fronts_then_spreads_the_last_one() -> None:
    y = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [3.0, 3.0], [5.0, 5.0]])
    assert split_multi_objective(y, 3).tolist() == [True, True, True, False, False]
    assert split_multi_objective(y, 4).tolist() == [True, True, True, True, False]
    # Cutting a front: the extremes and the middle add most volume, not a crowded pair.
    front = np.array([[0.0, 1.0], [0.5, 0.5], [0.51, 0.49], [1.0, 0.0]])
    assert split_multi_objective(front, 3).tolist() == [True, True, False, True]
    assert split_good(front, 3).tolist() == [True, True, False, True]
    # Three objectives: greedy hypervolume gain keeps the extremes, not both of a close pair.
    front3 = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0], [0.34, 0.33, 0.33], [0.35, 0.33, 0.32]])
    mask = split_multi_objective(front3, 4)
    assert mask[:3].all() and mask[3:].sum() == 1


def test_model_suggests_near_the_good_rows_and_away_from_pending() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((60, 2))
    losses = ((x - 0.8) ** 2).sum(axis=1)
    model = TPEModel.fit(x, losses, [CONT, CONT])
    picks = np.array([model.suggest(np.random.default_rng(s)) for s in range(20)])
    assert np.median(np.abs(picks - 0.8).max(axis=1)) < 0.15
    assert model.log_ratio(np.array([[0.8, 0.8]]))[0] > model.log_ratio(np.array([[0.1, 0.1]]))[0]
    pending = np.tile([0.8, 0.8], (10, 1))
    liar = TPEModel.fit(x, losses, [CONT, CONT], pending=pending)
    assert liar.log_ratio(np.array([[0.8, 0.8]]))[0] < model.log_ratio(np.array([[0.8, 0.8]]))[0]


def test_model_mixed_dimensions_and_empty_groups() -> None:
    dims = [CONT, Dimension.discrete([0, 0.5, 1]), Dimension.categorical(3)]
    model = TPEModel(np.empty((0, 3)), np.array([[0.2, 0.25, 1.0]]), dims)
    best = model.suggest(np.random.default_rng(0), 10)
    assert 0 <= best[0] <= 1 and best[1] in (0.25, 0.75) and best[2] in (0.0, 1.0, 2.0)


def test_model_validation() -> None:
    with pytest.raises(ValueError, match="one loss"):
        TPEModel.fit(np.zeros((3, 1)), [1.0, 2.0], [CONT])
    model = TPEModel(np.zeros((1, 1)), np.ones((1, 1)), [CONT])
    with pytest.raises(ValueError, match="n_candidates"):
        model.suggest(np.random.default_rng(0), 0)
    with pytest.raises(ValueError, match="good_bandwidth_factor"):
        TPEModel(np.zeros((1, 1)), np.ones((1, 1)), [CONT], good_bandwidth_factor=0)
