from __future__ import annotations

import pytest

import hypersweep as hs
from hypersweep.space import IntDistribution, flatten_space, unflatten


def test_randint_excludes_upper_like_declarative_libraries() -> None:
    assert hs.randint(1, 20) == IntDistribution(1, 19)
    assert hs.lograndint(1, 100) == IntDistribution(1, 99, log=True)
    assert hs.qrandint(0, 10, 5) == IntDistribution(0, 10, step=5)
    with pytest.raises(ValueError, match="exclude upper"):
        hs.randint(3, 3)


def test_constructors() -> None:
    assert hs.uniform(0, 1).log is False
    assert hs.loguniform(1e-3, 1).log is True
    assert hs.quniform(0, 1, 0.25).step == 0.25
    assert hs.choice(["a", "b"]).choices == ("a", "b")


def test_flatten_and_unflatten_nested_spaces() -> None:
    space = {"opt": {"lr": hs.loguniform(1e-4, 1e-1), "name": "adam"}, "layers": [64, 64], "e": {}}
    dists, constants = flatten_space(space)
    assert list(dists) == ["opt/lr"]
    assert constants == {"opt/name": "adam", "layers": [64, 64], "e": {}}
    config = unflatten({"opt/lr": 0.01}, constants)
    assert config == {"opt": {"lr": 0.01, "name": "adam"}, "layers": [64, 64], "e": {}}


@pytest.mark.parametrize("bad", [{"a/b": hs.uniform(0, 1)}, {"": 1}, {1: 2}])
def test_flatten_rejects_bad_keys(bad: dict) -> None:
    with pytest.raises(ValueError, match="space keys"):
        flatten_space(bad)


def test_flatten_rejects_non_dicts() -> None:
    with pytest.raises(TypeError, match="space must be a dict"):
        flatten_space([hs.uniform(0, 1)])  # type: ignore[arg-type]
