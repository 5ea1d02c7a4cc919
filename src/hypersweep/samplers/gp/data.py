"""GPSampler's bridge between trials and arrays: encoding, objective values, fit records."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...algorithms.gp import DimKind, SpaceSpec
from ...algorithms.gp.kernels import FloatArray
from ...space import CategoricalDistribution, Distribution, SearchSpace, UnitBoxEncoder
from ...trial import FrozenTrial, History, keys

#: Discrete parameters with more values than this are modelled as continuous.
MAX_GRID = 4096

#: The system attribute holding the hyperparameters a trial was suggested with.
RECORD_ATTR = keys.GP_MODEL


@dataclass(frozen=True)
class EncodedSpace:
    """The joint search space as the GP sees it: the encoder (categorical parameters as
    choice indices), the kinds of the dimensions with grids, and a digest naming it."""

    encoder: UnitBoxEncoder
    spec: SpaceSpec
    digest: str

    @classmethod
    def from_space(cls, space: SearchSpace) -> EncodedSpace:
        encoder = UnitBoxEncoder(space, categorical="index")
        kinds: list[DimKind] = []
        grids: dict[int, FloatArray] = {}
        n_choices: dict[int, int] = {}
        for j, dist in enumerate(encoder.dists):
            levels = dist.n_levels()
            if isinstance(dist, CategoricalDistribution):
                kinds.append(DimKind.CATEGORICAL)
                n_choices[j] = dist.n_levels()
            elif levels is not None and levels <= MAX_GRID:
                kinds.append(DimKind.ORDINAL)
                grid = encoder.levels(j)
                assert grid is not None
                grids[j] = grid
            else:
                kinds.append(DimKind.CONTINUOUS)
        text = repr([(n, d) for n, d in space.items()])
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return cls(encoder, SpaceSpec.build(kinds, grids, n_choices), digest)

    @property
    def names(self) -> tuple[str, ...]:
        return self.encoder.names

    @property
    def dists(self) -> tuple[Distribution, ...]:
        return self.encoder.dists

    def encode(self, params: Mapping[str, Any]) -> FloatArray:
        """One trial's parameters as a row of the encoded space."""
        return self.encoder.encode_row(params)

    def decode(self, row: FloatArray) -> dict[str, Any]:
        """A row of the encoded space as parameter values."""
        return self.encoder.decode_row(row)


class RowCache:
    """Encoded rows of finished trials, kept while the joint space stays the same.

    A completed trial's parameters never change, so its row is an exact function of data.
    """

    def __init__(self) -> None:
        self._digest = ""
        self._rows: dict[tuple[int, int], FloatArray] = {}

    def rows(self, space: EncodedSpace, trials: Sequence[FrozenTrial]) -> FloatArray:
        if space.digest != self._digest:
            self._digest, self._rows = space.digest, {}
        out = np.empty((len(trials), len(space.names)))
        for i, t in enumerate(trials):
            key = (t.number, t.trial_id)
            row = self._rows.get(key)
            if row is None:
                row = self._rows[key] = space.encode(t.params)
            out[i] = row
        return out


def objective_values(
    trials: Sequence[FrozenTrial], history: History, weights: FloatArray | None
) -> FloatArray:
    """Values to minimise: the objective (sign-adjusted) or, for several objectives, a
    random augmented Chebyshev scalarisation with ``weights`` (ParEGO)."""
    k = history.n_objectives
    signs = np.array([history.sign(i) for i in range(k)])
    vals = np.array([t.values for t in trials], dtype=float).reshape(len(trials), k) * signs
    if k == 1:
        out: FloatArray = vals[:, 0]
        return out
    assert weights is not None
    vals = np.where(np.isfinite(vals), vals, np.nan)
    lo, hi = np.nanmin(vals, axis=0), np.nanmax(vals, axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    norm = np.nan_to_num((vals - lo) / span, nan=1.0)
    out = np.max(norm * weights, axis=1) + 0.05 * norm @ weights
    return out


@dataclass(frozen=True)
class FitRecord:
    """Hyperparameters (raw vector) fitted on ``n`` observations of the space ``digest``,
    and the encoded point ``x`` suggested with them (visible to other workers while the
    trial runs, before its parameters are suggested)."""

    digest: str
    n: int
    raw: FloatArray
    x: FloatArray | None = None

    def to_attr(self) -> dict[str, Any]:
        out: dict[str, Any] = {"space": self.digest, "n": self.n}
        out["theta"] = [float(v) for v in self.raw]
        if self.x is not None:
            out["x"] = [float(v) for v in self.x]
        return out

    @classmethod
    def from_attr(cls, value: Any) -> FitRecord | None:
        try:
            raw = np.array([float(v) for v in value["theta"]])
            x = np.array([float(v) for v in value["x"]]) if "x" in value else None
            if not np.all(np.isfinite(raw)) or (x is not None and len(x) != len(raw) - 2):
                return None
            return cls(str(value["space"]), int(value["n"]), raw, x)
        except (KeyError, TypeError, ValueError):
            return None


def latest_record(history: History, current: int, digest: str, d: int) -> FitRecord | None:
    """The record of the latest other trial suggested by the GP in the same space."""
    for t in reversed(history.trials):
        if t.number == current or RECORD_ATTR not in t.system_attrs:
            continue
        rec = FitRecord.from_attr(t.system_attrs[RECORD_ATTR])
        if rec is not None and rec.digest == digest and len(rec.raw) == d + 2:
            return rec
    return None


def refit_due(n: int, record: FitRecord | None, refit_fraction: float) -> bool:
    """Refit when there is no record or the data grew by ``refit_fraction`` since it.

    >>> rec = FitRecord("s", 100, np.zeros(3))
    >>> refit_due(104, rec, 0.05), refit_due(105, rec, 0.05)
    (False, True)
    """
    if record is None:
        return True
    return n - record.n >= max(1, math.floor(record.n * refit_fraction)) or n < record.n
