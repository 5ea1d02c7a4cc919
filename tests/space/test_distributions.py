from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hypersweep.space import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_compatible,
    distribution_from_json,
    distribution_to_json,
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"low": 2.0, "high": 1.0}, "low must be <= high"),
        ({"low": 0.0, "high": 1.0, "log": True}, "log=True needs low > 0"),
        ({"low": -1.0, "high": 1.0, "log": True}, "log=True needs low > 0"),
        ({"low": 0.0, "high": 1.0, "step": 0.3}, "does not divide"),
        ({"low": 0.0, "high": 1.0, "step": 0.0}, "step must be > 0"),
        ({"low": 1.0, "high": 2.0, "step": 0.5, "log": True}, "cannot be combined"),
        ({"low": float("nan"), "high": 1.0}, "must be finite"),
        ({"low": 0.0, "high": float("inf")}, "must be finite"),
    ],
)
def test_float_distribution_rejects_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FloatDistribution(**kwargs)


def test_step_error_suggests_a_valid_high() -> None:
    with pytest.raises(ValueError, match=r"use high=0\.9"):
        FloatDistribution(0.0, 1.0, step=0.3)
    with pytest.raises(ValueError, match="use high=9"):
        IntDistribution(1, 10, step=4)


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"low": 3, "high": 1}, ValueError, "low must be <= high"),
        ({"low": 0, "high": 10, "log": True}, ValueError, "log=True needs low >= 1"),
        ({"low": 0, "high": 10, "step": 0}, ValueError, "step must be >= 1"),
        ({"low": 0, "high": 10, "step": 3}, ValueError, "does not divide"),
        ({"low": 0.5, "high": 10}, ValueError, "must be an integer"),
        ({"low": "0", "high": 10}, TypeError, "must be a number"),
        ({"low": True, "high": 10}, TypeError, "must be a number"),
    ],
)
def test_int_distribution_rejects_bad_input(kwargs: dict, exc: type, message: str) -> None:
    with pytest.raises(exc, match=message):
        IntDistribution(**kwargs)


@pytest.mark.parametrize(
    ("choices", "exc", "message"),
    [
        ([], ValueError, "must not be empty"),
        ([[1, 2], [3]], TypeError, "must be None, bool, int, float or str"),
        ([{"a": 1}], TypeError, "must be None, bool, int, float or str"),
        (["a", "a"], ValueError, "appears twice"),
        ([float("nan")], ValueError, "NaN"),
        ("abc", TypeError, "list or tuple"),
    ],
)
def test_categorical_rejects_bad_choices(choices: object, exc: type, message: str) -> None:
    with pytest.raises(exc, match=message):
        CategoricalDistribution(choices)  # type: ignore[arg-type]


def test_categorical_keeps_bool_and_int_apart() -> None:
    d = CategoricalDistribution([1, True, 1.5, None, "1"])
    assert d.to_internal(True) == 1.0
    assert d.to_internal(1) == 0.0
    assert d.to_external(3.0) is None
    with pytest.raises(ValueError, match="not one of the choices"):
        d.to_internal(2)


def test_contains() -> None:
    assert FloatDistribution(0, 1, step=0.1).contains(0.3)
    assert not FloatDistribution(0, 1, step=0.1).contains(0.35)
    assert not FloatDistribution(0, 1).contains(1.5)
    assert not FloatDistribution(0, 1).contains("a")
    assert IntDistribution(0, 10, step=2).contains(4)
    assert not IntDistribution(0, 10, step=2).contains(5)
    assert not IntDistribution(0, 10).contains(2.5)
    assert not IntDistribution(0, 10).contains(True)
    assert CategoricalDistribution(["a", None]).contains(None)
    assert not CategoricalDistribution(["a"]).contains([1])


def test_compatibility_rules() -> None:
    check_compatible("x", FloatDistribution(0, 1), FloatDistribution(0, 5))  # ranges may move
    with pytest.raises(ValueError, match="FloatDistribution before and as IntDistribution"):
        check_compatible("x", FloatDistribution(0, 1), IntDistribution(0, 1))
    with pytest.raises(ValueError, match="Choices of one name must not change"):
        check_compatible("k", CategoricalDistribution(["a"]), CategoricalDistribution(["b"]))


def _float_dists() -> st.SearchStrategy[FloatDistribution]:
    bounds = st.floats(-1e6, 1e6, allow_nan=False)

    def linear(a: float, b: float) -> FloatDistribution:
        return FloatDistribution(min(a, b), max(a, b))

    def logd(a: float, b: float) -> FloatDistribution:
        lo, hi = sorted((abs(a) + 1e-6, abs(b) + 1e-6))
        return FloatDistribution(lo, hi, log=True)

    stepped = st.builds(
        lambda low, n, step: FloatDistribution(low, low + n * step, step=step),
        st.integers(-100, 100).map(float),
        st.integers(0, 50),
        st.sampled_from([0.1, 0.25, 1.0, 3.0]),
    )
    return st.one_of(st.builds(linear, bounds, bounds), st.builds(logd, bounds, bounds), stepped)


def _int_dists() -> st.SearchStrategy[IntDistribution]:
    plain = st.builds(
        lambda low, n, step: IntDistribution(low, low + n * step, step=step),
        st.integers(-1000, 1000),
        st.integers(0, 100),
        st.integers(1, 7),
    )
    logd = st.builds(
        lambda low, n: IntDistribution(low, low + n, log=True),
        st.integers(1, 1000),
        st.integers(0, 10000),
    )
    return st.one_of(plain, logd)


@given(_float_dists(), st.floats(0.0, 1.0))
def test_float_unit_decoding_stays_inside_and_round_trips(d: FloatDistribution, u: float) -> None:
    value = d.from_unit_scalar(u)
    assert d.contains(value)
    vec = d.from_unit(np.array([u]))[0]
    assert math.isclose(vec, value, rel_tol=1e-9, abs_tol=1e-9)
    back = d.from_unit(d.to_unit(np.array([value])))[0]
    assert math.isclose(back, value, rel_tol=1e-9, abs_tol=1e-9 * max(1.0, abs(d.high - d.low)))


@given(_int_dists(), st.floats(0.0, 1.0))
def test_int_unit_decoding_stays_inside_and_round_trips_exactly(
    d: IntDistribution, u: float
) -> None:
    value = d.from_unit_scalar(u)
    assert d.contains(value)
    assert d.from_unit(np.array([u]))[0] == value
    assert d.from_unit(d.to_unit(np.array([float(value)])))[0] == value


@given(
    st.lists(
        st.one_of(st.integers(), st.text(max_size=5), st.none()),
        min_size=1,
        max_size=8,
        unique_by=lambda v: (type(v), v),
    ),
    st.floats(0.0, 1.0),
)
def test_categorical_round_trips(choices: list, u: float) -> None:
    d = CategoricalDistribution(choices)
    value = d.from_unit_scalar(u)
    assert d.contains(value)
    internal = d.to_internal(value)
    assert d.to_external(internal) == value
    assert d.from_unit(d.to_unit(np.array([internal])))[0] == internal


@given(st.one_of(_float_dists(), _int_dists()))
def test_serialisation_round_trips(d: FloatDistribution | IntDistribution) -> None:
    assert distribution_from_json(distribution_to_json(d)) == d


def test_categorical_serialisation_round_trips() -> None:
    d = CategoricalDistribution(["a", 1, 2.5, None, True])
    assert distribution_from_json(distribution_to_json(d)) == d


def test_unit_encoding_gives_discrete_values_equal_mass() -> None:
    u = (np.arange(10_000) + 0.5) / 10_000
    values = IntDistribution(1, 4).from_unit(u)
    counts = np.unique(values, return_counts=True)[1]
    assert counts.tolist() == [2500] * 4
    stepped = FloatDistribution(0.0, 1.0, step=0.5).from_unit(u)
    counts = np.unique(stepped, return_counts=True)[1]
    assert counts.max() - counts.min() <= 1 and counts.sum() == 10_000


def test_log_encoding_is_log_uniform() -> None:
    d = FloatDistribution(1e-3, 1e3, log=True)
    assert d.from_unit_scalar(0.5) == pytest.approx(1.0)
    assert d.to_unit(np.array([1e-3, 1.0, 1e3])).tolist() == pytest.approx([0.0, 0.5, 1.0])


def test_single_value_distributions() -> None:
    assert FloatDistribution(2.0, 2.0).from_unit_scalar(0.9) == 2.0
    assert IntDistribution(3, 3).single()
    assert CategoricalDistribution(["only"]).single()
