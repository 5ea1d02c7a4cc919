"""Distribution.n_levels and the unit-box encoder shared by the samplers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hypersweep.space import (
    CategoricalDistribution,
    CategoricalEncoding,
    Distribution,
    FloatDistribution,
    IntDistribution,
    UnitBoxEncoder,
    decode,
    decode_value,
    encode,
    encode_values,
)

SPACE: dict[str, Distribution] = {
    "a": FloatDistribution(-2.0, 3.0),
    "b": FloatDistribution(1e-4, 1.0, log=True),
    "c": FloatDistribution(0.0, 1.0, step=0.1),
    "d": IntDistribution(-3, 9, step=3),
    "e": IntDistribution(1, 1000, log=True),
    "g": CategoricalDistribution(("x", None, 2.5)),
}
PARAMS: list[dict[str, Any]] = [
    {"a": 0.25, "b": 0.003, "c": 0.7, "d": 6, "e": 37, "g": None},
    {"a": -2.0, "b": 1.0, "c": 0.0, "d": 9, "e": 1, "g": 2.5},
]


@pytest.mark.parametrize(
    ("dist", "n"),
    [
        (FloatDistribution(0, 1), None),
        (FloatDistribution(1e-3, 1, log=True), None),
        (FloatDistribution(0.5, 0.5), None),
        (FloatDistribution(0, 1, step=0.1), 11),
        (FloatDistribution(0.1, 0.7, step=0.3), 3),
        (FloatDistribution(2.0, 2.0, step=0.5), 1),
        (IntDistribution(0, 10), 11),
        (IntDistribution(-3, 9, step=3), 5),
        (IntDistribution(1, 1000, log=True), 1000),
        (IntDistribution(4, 4), 1),
        (CategoricalDistribution(("a", None, 1.5)), 3),
    ],
)
def test_n_levels_counts_the_values_a_distribution_can_take(
    dist: Distribution, n: int | None
) -> None:
    assert dist.n_levels() == n
    if n is not None:  # decoding a fine grid of the unit interval reaches exactly n values
        seen = {dist.from_unit_scalar(u) for u in np.linspace(0, 1, 20_001)}
        assert len(seen) == n


@pytest.mark.parametrize("categorical", ["cell", "index"])
def test_encoder_round_trips_rows_and_matrices(categorical: CategoricalEncoding) -> None:
    enc = UnitBoxEncoder(SPACE, categorical=categorical)
    x = enc.encode(PARAMS)
    assert x.shape == (2, len(SPACE)) and len(enc) == len(SPACE)
    for i, params in enumerate(PARAMS):
        np.testing.assert_array_equal(enc.encode_row(params), x[i])
        decoded = enc.decode_row(x[i])
        assert decoded["a"] == pytest.approx(params["a"])
        assert decoded["b"] == pytest.approx(params["b"])
        assert {k: decoded[k] for k in "cdeg"} == {k: params[k] for k in "cdeg"}
    matrix = enc.decode(x)
    assert [{k: m[k] for k in "cdeg"} for m in matrix] == [
        {k: p[k] for k in "cdeg"} for p in PARAMS
    ]
    numeric = slice(0, 5)
    assert np.all((x[:, numeric] >= 0) & (x[:, numeric] <= 1))
    assert x[0, 5] == (1.0 if categorical == "index" else 0.5)


def test_cell_encoder_is_what_encode_and_decode_use() -> None:
    np.testing.assert_array_equal(encode(SPACE, PARAMS), UnitBoxEncoder(SPACE).encode(PARAMS))
    unit = np.random.default_rng(0).random((7, len(SPACE)))
    assert decode(SPACE, unit) == UnitBoxEncoder(SPACE).decode(unit)


def test_decoding_clips_into_the_box_and_to_a_choice() -> None:
    enc = UnitBoxEncoder(SPACE, categorical="index")
    low = enc.decode_row([-0.5, -1.0, -0.2, -3.0, -1.0, -4.0])
    high = enc.decode_row([1.5, 2.0, 1.2, 3.0, 9.0, 7.6])
    assert low == {"a": -2.0, "b": pytest.approx(1e-4), "c": 0.0, "d": -3, "e": 1, "g": "x"}
    assert high == {"a": 3.0, "b": 1.0, "c": 1.0, "d": 9, "e": 1000, "g": 2.5}
    assert enc.decode([[1.5, 2.0, 1.2, 3.0, 9.0, 7.6]]) == [high]
    assert decode_value(SPACE["g"], 1.4, "index") is None
    assert decode_value(SPACE["g"], 0.5) is None  # the middle cell of three


def test_levels_are_the_coordinates_of_every_value() -> None:
    modes: tuple[CategoricalEncoding, ...] = ("cell", "index")
    for categorical in modes:
        enc = UnitBoxEncoder(SPACE, categorical=categorical)
        for j, dist in enumerate(enc.dists):
            levels = enc.levels(j)
            n = dist.n_levels()
            if n is None:
                assert levels is None
                continue
            assert levels is not None and len(levels) == n
            assert np.all(np.diff(levels) > 0)
            values = {decode_value(dist, u, categorical) for u in levels}
            assert len(values) == n
            coords = [
                float(encode_values(dist, [dist.to_internal(v)], categorical)[0]) for v in values
            ]
            assert sorted(coords) == levels.tolist()


def test_encoder_refuses_an_unknown_categorical_mode() -> None:
    with pytest.raises(ValueError, match="'cell' or 'index'"):
        UnitBoxEncoder(SPACE, categorical="onehot")  # type: ignore[arg-type]
