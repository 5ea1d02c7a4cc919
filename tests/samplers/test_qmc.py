from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import qmc

import hypersweep as hs
from hypersweep.samplers import QMCSampler
from hypersweep.testing import check_sampler


def test_conformance() -> None:
    check_sampler(lambda seed: QMCSampler(seed=seed, warn_independent_sampling=False))
    check_sampler(
        lambda seed: QMCSampler(qmc_type="halton", seed=seed, warn_independent_sampling=False)
    )


def _unit_points(sampler_kind: str, n: int) -> np.ndarray:
    study = hs.create_study(sampler=QMCSampler(qmc_type=sampler_kind, seed=5))  # type: ignore[arg-type]
    study.optimize(lambda t: t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 1), n_trials=n)
    return np.array([[t.params["a"], t.params["b"]] for t in study.trials])


def test_trial_n_takes_point_n_of_scipys_scrambled_sequence() -> None:
    points = _unit_points("sobol", 16)
    reference = qmc.Sobol(2, scramble=True, seed=5).random_base2(4)
    # Trial 0 is drawn at random (no search space is known yet); trials 1.. follow Sobol.
    np.testing.assert_allclose(points[1:], reference[1:16], rtol=1e-12)
    halton = _unit_points("halton", 8)
    np.testing.assert_allclose(halton[1:], qmc.Halton(2, scramble=True, seed=5).random(8)[1:])


def test_lower_discrepancy_than_random_search() -> None:
    n = 128
    sobol = _unit_points("sobol", n)[1:]
    random_study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=5))
    random_study.optimize(
        lambda t: t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 1), n_trials=n - 1
    )
    rand = np.array([[t.params["a"], t.params["b"]] for t in random_study.trials])
    assert qmc.discrepancy(sobol) < 0.5 * qmc.discrepancy(rand)


def test_parameters_outside_the_joint_space_are_random_with_a_warning() -> None:
    study = hs.create_study(sampler=QMCSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("a", 0, 1), n_trials=2)
    with pytest.warns(UserWarning, match="not in the joint search space"):
        study.optimize(
            lambda t: t.suggest_float("a", 0, 1) + t.suggest_float("z", 0, 1), n_trials=1
        )


def test_bad_type() -> None:
    with pytest.raises(ValueError, match="qmc_type"):
        QMCSampler(qmc_type="lhs")  # type: ignore[arg-type]
