from __future__ import annotations

import numpy as np

from hypersweep.space import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    decode,
    encode,
    intersection_search_space,
)


def test_intersection_keeps_common_identical_distributions_sorted() -> None:
    x, y = FloatDistribution(0, 1), IntDistribution(0, 3)
    spaces = [{"y": y, "x": x, "z": x}, {"x": x, "y": y}, {"x": x, "y": IntDistribution(0, 4)}]
    assert list(intersection_search_space(spaces)) == ["x"]
    assert intersection_search_space([]) == {}


def test_encode_decode_round_trip() -> None:
    space = {
        "lr": FloatDistribution(1e-4, 1.0, log=True),
        "n": IntDistribution(1, 9, step=2),
        "k": CategoricalDistribution(["a", "b", "c"]),
    }
    params = [{"lr": 0.01, "n": 5, "k": "c"}, {"lr": 1.0, "n": 1, "k": "a"}]
    unit = encode(space, params)
    assert unit.shape == (2, 3)
    assert np.all((unit >= 0) & (unit <= 1))
    decoded = decode(space, unit)
    assert decoded[1] == params[1]
    assert decoded[0]["n"] == 5 and decoded[0]["k"] == "c"
    assert abs(decoded[0]["lr"] - 0.01) < 1e-12
