"""FLOW2's step rules on fixed inputs, and BlendSearch's thread rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hypersweep.algorithms.flow2 import (
    Flow2,
    ThreadStats,
    admissible,
    inferior,
    priorities,
    select,
    should_create,
)


class _FixedRng:
    """Hands out scripted standard-normal vectors (and integers for categories)."""

    def __init__(self, normals: list[list[float]], integers: int = 0) -> None:
        self.normals = [np.array(v, dtype=float) for v in normals]
        self.value = integers

    def standard_normal(self, d: int) -> np.ndarray:
        return self.normals.pop(0)

    def integers(self, n: int) -> int:
        return self.value


def test_constants_follow_the_dimension() -> None:
    f = Flow2(np.full(4, 0.5), 1.0)
    assert f.step == pytest.approx(0.1 * 2) and f.step_ub == pytest.approx(2.0)
    assert f.step_lb == pytest.approx(1e-4 * 2) and f.n_dir == 16 and f.n_allowed == 8
    assert Flow2(np.full(12, 0.5), 1.0).n_dir == 512


def test_lower_bound_from_the_finest_integer_level() -> None:
    levels = [np.linspace(0.05, 0.95, 10), None]
    f = Flow2(np.array([0.05, 0.5]), 1.0, levels=levels)
    assert f.step_lb == pytest.approx(0.1 * math.sqrt(2))
    coarse = Flow2(np.array([0.25]), 1.0, levels=[np.array([0.25, 0.75])])
    assert coarse.step == pytest.approx(2 * 0.5)  # the bound exceeds 0.1: twice the bound


def test_plus_then_minus_the_same_direction() -> None:
    f = Flow2(np.array([0.5, 0.5]), 1.0)
    rng = _FixedRng([[3.0, 4.0]])
    a, b = f.ask(rng), f.ask(rng)  # type: ignore[arg-type]
    assert a is not None and b is not None
    step = 0.1 * math.sqrt(2)
    assert np.allclose(a.x, [0.5 + 0.6 * step, 0.5 + 0.8 * step])
    assert np.allclose(b.x, [0.5 - 0.6 * step, 0.5 - 0.8 * step])


def test_improvement_moves_and_resets() -> None:
    f = Flow2(np.array([0.5, 0.5]), 1.0)
    rng = _FixedRng([[1.0, 0.0], [0.0, 1.0]])
    a = f.ask(rng)  # type: ignore[arg-type]
    assert a is not None and f.tell(a.id, 0.5)
    assert np.allclose(f.x, a.x) and f.best_value == 0.5
    assert f.n_proposed == 0 and f.n_allowed == 4 and f.direction is None
    c = f.ask(rng)  # a new direction from the new incumbent, not the mirror of the old one
    assert c is not None and np.allclose(c.x, a.x + np.array([0.0, f.step]))


def _stall(f: Flow2, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(n):
        p = f.ask(rng)
        if p is None:
            return
        f.tell(p.id, 10.0)


@pytest.mark.parametrize("rule", ["paper", "flaml"])
def test_shrink_after_dir_proposals_without_improvement(rule: str) -> None:
    f = Flow2(np.array([0.5, 0.5]), 1.0, shrink=rule)  # d = 2: dir = 4
    step0 = f.step
    _stall(f, 4)
    assert f.step == step0 and f.init_phase
    _stall(f, 1)  # the 5th ask shrinks first: k = 5 proposals, then k + 1 = 6
    assert not f.init_phase
    assert f.step == pytest.approx(step0 * math.sqrt(1 / 6))
    _stall(f, 2)  # two more proposals: the next shrink
    second = math.sqrt(1 / 8) if rule == "paper" else math.sqrt(6 / 8)
    assert f.step == pytest.approx(step0 * math.sqrt(1 / 6) * second)


def test_flaml_rule_grows_the_step_back_on_improvement() -> None:
    f = Flow2(np.array([0.5, 0.5]), 1.0, shrink="flaml")
    _stall(f, 5)
    shrunk = f.step
    p = f.ask(np.random.default_rng(1))
    assert p is not None and f.tell(p.id, 0.0)
    assert f.step == pytest.approx(shrunk * math.sqrt(6 / 1))
    g = Flow2(np.array([0.5, 0.5]), 1.0, shrink="paper")
    _stall(g, 5)
    q = g.ask(np.random.default_rng(1))
    assert q is not None and g.tell(q.id, 0.0) and g.step == pytest.approx(shrunk)


def test_paper_rule_converges_below_the_lower_bound() -> None:
    f = Flow2(np.array([0.5, 0.5]), 0.0)  # nothing beats 0
    _stall(f, 10_000)
    assert f.converged and f.step < f.step_lb and f.ask(np.random.default_rng(0)) is None
    assert f.k < 100


def test_flaml_rule_telescopes_and_stalls() -> None:
    """FLAML's rule: after any number of shrinks, step = step0 * sqrt(k_best / k): it needs
    about (step0 / lb)^2 proposals to converge (the stall of FLAML issue 85)."""
    f = Flow2(np.array([0.5, 0.5]), 0.0, shrink="flaml")
    step0 = f.step
    _stall(f, 10_000)
    assert not f.converged
    assert f.step == pytest.approx(step0 * math.sqrt(1 / f.k_shrink))


def test_at_most_2d_pending_unless_forced() -> None:
    f = Flow2(np.array([0.5, 0.5]), 1.0)
    rng = np.random.default_rng(0)
    pending = [f.ask(rng) for _ in range(4)]
    assert all(p is not None for p in pending) and not f.can_ask
    assert f.ask(rng) is None and f.ask(rng, force=True) is not None
    xs = [p.x.tobytes() for p in pending if p is not None]
    assert len(set(xs)) == 4


def test_discrete_columns_snap_and_plateaus_widen_the_step() -> None:
    levels = [np.array([0.125, 0.375, 0.625, 0.875])]
    f = Flow2(np.array([0.375]), 1.0, levels=levels)
    start = f.step
    rng = np.random.default_rng(0)
    p = f.ask(rng)
    assert p is not None and p.x[0] in levels[0] and p.x[0] != 0.375
    assert f.step >= start


def test_unordered_category_keeps_its_choice_inside_its_cell() -> None:
    levels = [np.array([1 / 6, 3 / 6, 5 / 6]), None]
    f = Flow2(np.array([0.5, 0.5]), 1.0, levels=levels, categorical=[True, False], step0=0.1)
    near = f.ask(_FixedRng([[1.0, 1.0]]))  # type: ignore[arg-type]
    assert near is not None and near.x[0] == pytest.approx(0.5)
    g = Flow2(np.array([0.5, 0.5]), 1.0, levels=levels, categorical=[True, False], step0=0.5)
    far = g.ask(_FixedRng([[1.0, 0.0]], integers=0))  # type: ignore[arg-type]
    assert far is not None and far.x[0] == pytest.approx(1 / 6)  # first of the others
    assert g.reach(np.array([0.5, 0.5])) and not g.reach(np.array([1 / 6, 0.5]))


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="unit box"):
        Flow2(np.array([1.5]), 0.0)
    with pytest.raises(ValueError, match="shrink"):
        Flow2(np.array([0.5]), 0.0, shrink="fast")
    with pytest.raises(ValueError, match="levels"):
        Flow2(np.array([0.5]), 0.0, levels=[None, None])


def test_converges_on_a_quadratic() -> None:
    f = Flow2(np.array([0.9, 0.9, 0.9]), 3 * 0.36)
    rng = np.random.default_rng(0)
    for _ in range(300):
        p = f.ask(rng)
        if p is None:
            break
        f.tell(p.id, float(np.sum((p.x - 0.3) ** 2)))
    assert f.best_value < 1e-4


# -- threads ---------------------------------------------------------------------------------
def test_thread_statistics() -> None:
    s = ThreadStats()
    s.running = 2
    s.add(1.0, 2.0)
    assert (s.obj_best1, s.obj_best2, s.cost_best1, s.speed) == (1.0, 1.0, 2.0, 0.0)
    s.add(2.0, 1.0)
    s.add(0.4, 1.0)  # cost_total 4, best2 was reached at cost 2
    assert (s.obj_best1, s.obj_best2, s.cost_best1, s.cost_best2) == (0.4, 1.0, 4.0, 2.0)
    assert s.speed == pytest.approx(0.6 / 1 / 2.0)
    assert s.eci() == 2.0 and s.eci(target=0.1) == pytest.approx(2 * 0.3 / 0.3)


def test_priority_and_selection() -> None:
    fast = ThreadStats(cost_total=4, cost_best1=4, cost_best2=2, obj_best1=0.4, obj_best2=1.0)
    fast.speed = 0.3
    idle = ThreadStats(cost_total=1, cost_best1=1, obj_best1=2.0, obj_best2=2.0)
    prio = priorities([(0, idle), (1, fast)], target=0.4)
    assert idle.speed == 0.3  # credited the fastest speed
    min_eci = 2.0  # fast: max(0, 2); idle: max(0, 1, 2 * 1.6 / 0.3) = 10.67
    assert prio[1] == pytest.approx(min_eci * 0.3 - 0.4)
    assert prio[0] == pytest.approx(min_eci * 0.3 - 2.0)
    assert select([(0, idle, True), (1, fast, True)], 0.4) == (1, 1)
    assert select([(0, idle, True), (1, fast, False)], 0.4) == (0, 0)


def test_creation_median_rule_inferiority_and_admissible_region() -> None:
    assert should_create(5.0, []) and should_create(5.0, [1.0])
    assert should_create(1.5, [1.0, 2.0, 3.0]) and not should_create(2.0, [1.0, 2.0, 3.0])
    a = ThreadStats(obj_best1=1.0, obj_best2=2.0)
    b = ThreadStats(obj_best1=0.5, obj_best2=0.9)
    assert inferior(a, b, True) and not inferior(a, b, False) and not inferior(b, a, True)
    low, high = np.array([0.2, 0.2]), np.array([0.4, 0.5])
    assert admissible(np.array([0.15, 0.59]), low, high)
    assert not admissible(np.array([0.05, 0.3]), low, high)
