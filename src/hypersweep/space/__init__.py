"""Layer 1: what can be tried — distributions, search spaces, unit-box encoding."""

from .declarative import (
    choice,
    flatten_space,
    lograndint,
    loguniform,
    qrandint,
    quniform,
    randint,
    unflatten,
    uniform,
)
from .distributions import (
    BaseDistribution,
    CategoricalChoice,
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
    check_compatible,
)
from .encoding import CategoricalEncoding, UnitBoxEncoder, decode_value, encode_values
from .search_space import SearchSpace, decode, encode, intersection_search_space
from .serialize import (
    distribution_from_dict,
    distribution_from_json,
    distribution_to_dict,
    distribution_to_json,
)

__all__ = [
    "BaseDistribution",
    "CategoricalChoice",
    "CategoricalDistribution",
    "CategoricalEncoding",
    "Distribution",
    "FloatDistribution",
    "IntDistribution",
    "SearchSpace",
    "UnitBoxEncoder",
    "check_compatible",
    "choice",
    "decode",
    "decode_value",
    "distribution_from_dict",
    "distribution_from_json",
    "distribution_to_dict",
    "distribution_to_json",
    "encode",
    "encode_values",
    "flatten_space",
    "intersection_search_space",
    "lograndint",
    "loguniform",
    "qrandint",
    "quniform",
    "randint",
    "unflatten",
    "uniform",
]
