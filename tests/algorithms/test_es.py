"""Evolution strategies on arrays: Gaussian ES, the cmaes glue, restart schedules."""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable

import numpy as np
import pytest

from hypersweep.algorithms.es import (
    GaussianES,
    RestartState,
    default_population_size,
    descending,
    make_cma,
    next_run,
    should_restart,
    stagnated,
    stagnation_window,
    warm_start,
)
from hypersweep.algorithms.es.restart import TOL_X_STAG


def _run(es: GaussianES, f: object, generations: int) -> None:
    for _ in range(generations):
        xs = [es.ask() for _ in range(es.population_size)]
        es.tell([(x, f(x)) for x in xs])  # type: ignore[operator]


# -- Gaussian ES ------------------------------------------------------------------------------
def test_gaussian_es_converges_linearly_on_a_sphere() -> None:
    es = GaussianES(np.full(5, 3.0), 1.0, seed=0)
    _run(es, lambda x: float(np.sum((x - 1) ** 2)), 150)
    assert np.linalg.norm(es.mean - 1) < 1e-4 and es.generation == 150
    assert es.population_size == default_population_size(5) == 8


def test_gaussian_es_lengthens_sigma_on_a_slope_and_shortens_it_at_the_optimum() -> None:
    slope = GaussianES(np.zeros(4), 0.01, seed=1)
    _run(slope, lambda x: float(x[0]), 20)
    assert slope.sigma > 0.05  # consecutive steps in one direction
    bowl = GaussianES(np.zeros(4), 1.0, seed=1)
    _run(bowl, lambda x: float(np.sum(x**2)), 40)
    assert bowl.sigma < 0.1


def test_gaussian_es_keeps_points_in_bounds_and_stops_on_a_flat_function() -> None:
    bounds = np.tile([0.0, 1.0], (3, 1))
    es = GaussianES(np.full(3, 0.9), 0.5, bounds=bounds, seed=2, n_max_resampling=2)
    for _ in range(40):
        xs = [es.ask() for _ in range(es.population_size)]
        assert all(np.all((x >= 0) & (x <= 1)) for x in xs)
        es.tell([(x, 1.0) for x in xs])
    assert es.should_stop()


def test_gaussian_es_pickles_with_its_random_stream() -> None:
    es = GaussianES(np.zeros(2), 1.0, seed=3)
    _run(es, lambda x: float(np.sum(x**2)), 3)
    copy = pickle.loads(pickle.dumps(es))
    assert np.array_equal(es.ask(), copy.ask())
    es.reseed_rng(9)
    copy.reseed_rng(9)
    assert np.array_equal(es.ask_pair()[0], copy.ask_pair()[1])


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((np.zeros(0), 1.0), {}, "mean"),
        ((np.zeros(2), 0.0), {}, "sigma"),
        ((np.zeros(2), 1.0), {"population_size": 1}, "population_size"),
        ((np.zeros(2), 1.0), {"bounds": np.zeros((3, 2))}, "bounds"),
    ],
)
def test_gaussian_es_rejects_bad_arguments(args: tuple, kwargs: dict, match: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=match):
        GaussianES(*args, **kwargs)


def test_gaussian_es_tell_needs_a_whole_generation() -> None:
    es = GaussianES(np.zeros(2), 1.0, seed=0)
    with pytest.raises(ValueError, match="solutions"):
        es.tell([(es.ask(), 0.0)])


# -- cmaes glue ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "name"), [("cma", "CMA"), ("sep", "SepCMA"), ("margin", "CMAwM")])
def test_make_cma_builds_the_variant(kind: str, name: str) -> None:
    steps = np.array([0.0, 0.25, 0.0])
    bounds = np.array([[0.0, 1.0], [0.125, 0.875], [0.0, 1.0]])
    opt = make_cma(kind, np.full(3, 0.5), 0.2, bounds=bounds, steps=steps, population_size=6)
    assert type(opt.impl).__name__ == name and opt.population_size == 6 and opt.dim == 3
    opt.reseed_rng(0)
    x_eval, x_tell = opt.ask_pair()
    if kind == "margin":
        assert x_eval[1] in (0.125, 0.375, 0.625, 0.875)
    else:
        assert np.array_equal(x_eval, x_tell)


def test_margin_without_discrete_coordinates_is_plain_cma() -> None:
    """Differential: CMA with margin and no discrete coordinate behaves like CMA."""
    plain = make_cma("cma", np.full(3, 0.5), 0.2)
    margin = make_cma("margin", np.full(3, 0.5), 0.2, steps=np.zeros(3))
    for gen in range(5):
        rows = []
        for k in range(plain.population_size):
            plain.reseed_rng(100 * gen + k)
            margin.reseed_rng(100 * gen + k)
            a, b = plain.ask_pair()[1], margin.ask_pair()[1]
            np.testing.assert_allclose(a, b)
            rows.append((a, float(np.sum((a - 0.3) ** 2))))
        plain.tell(rows)
        margin.tell(rows)
    np.testing.assert_allclose(plain.mean, margin.mean)


def test_make_cma_refuses_unsupported_combinations() -> None:
    with pytest.raises(ValueError, match="kind"):
        make_cma("full", np.zeros(2), 0.1)
    with pytest.raises(ValueError, match="Separable"):
        make_cma("sep", np.full(2, 0.5), 0.1, cov=np.eye(2))
    with pytest.raises(ValueError, match="lr_adapt"):
        make_cma("margin", np.full(2, 0.5), 0.1, steps=np.zeros(2), lr_adapt=True)
    with pytest.raises(ValueError, match="steps"):
        make_cma("margin", np.full(2, 0.5), 0.1)


def test_cma_optimizer_pickles_and_reseeds() -> None:
    opt = make_cma("cma", np.full(4, 0.5), 0.2, lr_adapt=True)
    copy = pickle.loads(pickle.dumps(opt))
    opt.reseed_rng(5)
    copy.reseed_rng(5)
    assert np.array_equal(opt.ask_pair()[0], copy.ask_pair()[0])
    assert not copy.should_stop() and copy.generation == 0


def test_warm_start_centres_on_the_good_solutions() -> None:
    xs = np.random.default_rng(0).random((60, 3))
    values = [float(np.sum((x - 0.8) ** 2)) for x in xs]
    mean, sigma, cov = warm_start(xs, values)
    assert np.all(np.abs(mean - 0.8) < 0.15) and 0 < sigma < 0.5 and cov.shape == (3, 3)
    with pytest.raises(ValueError, match="at least 10"):
        warm_start(xs[:9], values[:9])
    with pytest.raises(ValueError, match="rows"):
        warm_start(xs, values[:5])


# -- restart schedules -----------------------------------------------------------------------------
def test_ipop_grows_the_population_every_restart() -> None:
    state = RestartState("ipop", 8, inc_popsize=2)
    sizes = []
    for _ in range(3):
        popsize, factor, state = next_run(state, 100, np.random.default_rng(0))
        sizes.append(popsize)
        assert factor == 1.0
    assert sizes == [16, 32, 64] and state.n_restarts == 3 and state.evals_large == 300


def test_bipop_interlaces_small_and_large_runs_by_budget() -> None:
    state = RestartState("bipop", 8)
    rng = np.random.default_rng(1)
    regimes = []
    for _ in range(12):
        run_evals = 20 * (1 if state.small else state.large_popsize)
        popsize, factor, new = next_run(state, run_evals, rng)
        regimes.append(new.small)
        if new.small:
            assert 8 <= popsize <= new.large_popsize and 0.01 <= factor <= 1.0
        else:
            assert popsize == new.large_popsize > state.large_popsize and factor == 1.0
        state = new
    assert True in regimes and False in regimes
    assert state.evals_small > 0 and state.evals_large > 0


def test_restart_state_checks_the_strategy() -> None:
    with pytest.raises(ValueError, match="restart_strategy"):
        RestartState("sometimes", 8)
    with pytest.raises(ValueError, match="strategy"):
        next_run(RestartState(None, 8), 10, np.random.default_rng(0))


# -- stagnation ------------------------------------------------------------------------------------
def _rastrigin_unit(x: np.ndarray) -> float:
    """Rastrigin on [-5.12, 5.12] shifted by 1.3, in the unit box: local minima 0.098 apart."""
    u = 10.24 * x - 5.12 - 1.3
    return float(10 * u.size + np.sum(u * u - 10 * np.cos(2 * math.pi * u)))


def _first_stagnation(
    f: Callable[[np.ndarray], float], mean: list[float], sigma: float, generations: int, seed: int
) -> tuple[int | None, float, int, int | None]:
    """Run CMA-ES: the generation (from 1) at which :func:`stagnated` first fires (or None),
    the best value so far, the window, and the first generation spread less than the gate."""
    opt = make_cma("cma", np.array(mean), sigma, seed=seed)
    window = stagnation_window(opt.dim, opt.population_size)
    bests: list[float] = []
    local = None
    for gen in range(1, generations + 1):
        xs = np.array([opt.ask_pair()[0] for _ in range(opt.population_size)])
        values = [f(x) for x in xs]
        opt.tell(list(zip(xs, values, strict=True)))
        bests.append(min(values))
        if local is None and np.max(np.std(xs, axis=0)) < TOL_X_STAG:
            local = gen
        if stagnated(xs, bests, window):
            return gen, min(bests), window, local
    return None, min(bests), window, local


@pytest.mark.parametrize("seed", range(4))
def test_stagnation_fires_soon_in_a_local_optimum(seed: int) -> None:
    # Started in the basin of Rastrigin's local minimum at (2, 2) (value 7.96): stuck there.
    gen, best, window, _ = _first_stagnation(_rastrigin_unit, [0.822, 0.822], 0.01, 60, seed)
    assert window == 7  # 2-D, population 6
    assert gen is not None and window < gen <= 2 * window + 2, gen
    assert 7.9 < best < 8.2


@pytest.mark.parametrize("seed", range(4))
def test_stagnation_does_not_fire_while_a_sphere_descends(seed: int) -> None:
    def sphere(x: np.ndarray) -> float:
        return float(np.sum((x - 0.8) ** 2))

    gen, best, _, local = _first_stagnation(sphere, [0.5, 0.5, 0.5], 1 / 6, 50, seed)
    assert gen is None, gen
    assert local is not None and local < 35 and best < 1e-7  # small spread: the gate is open


def test_stagnation_fires_on_a_flat_objective_after_one_window() -> None:
    xs = np.full((6, 2), 0.5)
    window = stagnation_window(2, 6)
    bests = [1.0] * window
    assert not stagnated(xs, bests[:-1], window) and stagnated(xs, bests, window)


# -- a run still descending is not restarted ----------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_a_run_converging_on_a_cone_is_not_restarted_when_cmaes_would_stop(seed: int) -> None:
    # |x - c| is the shape of Ackley's global basin: CMA-ES converges to it linearly, and
    # cmaes's tolx fires once the step size is tiny, while the run still gains orders of
    # magnitude. A restart there would only throw that refinement away.
    opt = make_cma("cma", np.full(3, 0.5), 1 / 6, seed=seed)
    window = stagnation_window(3, opt.population_size)
    bests: list[float] = []
    stopped_at = None
    for gen in range(400):
        xs = np.array([opt.ask_pair()[1] for _ in range(opt.population_size)])
        values = [float(np.linalg.norm(x - 0.3)) for x in xs]
        opt.tell(list(zip(xs, values, strict=True)))
        bests.append(min(values))
        if stopped_at is None and opt.should_stop():
            stopped_at = gen
            assert descending(bests, window)
            assert not should_restart(True, xs, values, bests, window)
        if stopped_at is not None and gen == stopped_at + 40:
            break
    assert stopped_at is not None, "cmaes never stopped: the premise of this test is gone"
    assert min(bests) < 0.01 * min(bests[: stopped_at + 1])  # continuing paid off


def test_should_restart_keeps_the_rules_for_a_run_at_a_level() -> None:
    window = 3
    local = np.full((6, 2), 0.3) + 1e-3 * np.arange(6)[:, None]
    stuck = [5.0, 3.0, 2.99, 2.995, 2.985]
    assert should_restart(False, local, [2.985] * 6, stuck, window)  # stagnated
    assert should_restart(True, local + 0.1 * np.arange(2), [2.0, 2.5], [2.1, 2.0], window)
    wide = np.full((6, 2), 0.3) + 5e-2 * np.arange(6)[:, None]
    assert not should_restart(False, wide, [3.0, 3.5], [3.2, 3.1, 3.0], window)
