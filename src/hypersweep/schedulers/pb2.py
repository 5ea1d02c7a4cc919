"""PB2: population based training whose explore step is a GP bandit, not a random perturbation."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..space import CategoricalDistribution, Distribution, FloatDistribution, IntDistribution
from ..trial import FrozenTrial, History, TrialState, keys
from .pbt import PBTScheduler, _fmt, fit

Bound = Sequence[float] | Distribution


def _bound_distribution(name: str, bound: Any) -> Distribution:
    if isinstance(bound, (FloatDistribution, IntDistribution, CategoricalDistribution)):
        return bound
    if isinstance(bound, Sequence) and not isinstance(bound, str) and len(bound) == 2:
        low, high = bound
        if all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
            return IntDistribution(low, high)
        return FloatDistribution(float(low), float(high))
    raise TypeError(
        f"hyperparam_bounds[{name!r}] must be [low, high] or a distribution "
        f"(e.g. hs.loguniform(1e-4, 1e-1) to search on a log scale), got {bound!r}."
    )


class PB2Scheduler(PBTScheduler):
    """Population Based Bandits (Parker-Holder et al., NeurIPS 2020): PBT whose explore step
    picks the clone's hyperparameters with a GP bandit on the reward change per step.

    ``hyperparam_bounds`` maps each continuous or integer hyperparameter to ``[low, high]``
    (searched on a linear scale) or a distribution (``hs.loguniform(...)`` is searched on its
    log scale); a categorical one (a list or ``hs.choice``) is resampled at random, the
    documented choice for the bandit's continuous model. Exploit (who clones whom) is PBT's;
    see :class:`~hypersweep.schedulers.PBTScheduler` for everything else. The model is
    :func:`hypersweep.algorithms.pb2.pb2_suggest`: a GP on ``(step, x)`` with a time-varying
    kernel, UCB with the standard deviation, the other members' running points as pending.

    >>> import hypersweep as hs
    >>> pb2 = PB2Scheduler(4, {"lr": hs.loguniform(1e-4, 1e-1), "momentum": [0.8, 0.99]}, seed=0)
    >>> sorted(pb2.hyperparam_bounds)
    ['lr', 'momentum']
    """

    def __init__(
        self,
        perturbation_interval: int = 4,
        hyperparam_bounds: Mapping[str, Bound] | None = None,
        *,
        burn_in_period: int = 0,
        quantile_fraction: float = 0.25,
        synch: bool = False,
        seed: int | None = None,
    ) -> None:
        if not isinstance(hyperparam_bounds, Mapping) or not hyperparam_bounds:
            raise ValueError(
                "PB2Scheduler needs hyperparam_bounds, a dict name -> [low, high] or "
                "distribution, e.g. {'lr': hs.loguniform(1e-4, 1e-1)}."
            )
        bounds = {str(n): _bound_distribution(str(n), b) for n, b in hyperparam_bounds.items()}
        super().__init__(
            perturbation_interval,
            dict(bounds),
            burn_in_period=burn_in_period,
            quantile_fraction=quantile_fraction,
            resample_probability=0.0,
            synch=synch,
            seed=seed,
        )
        self.hyperparam_bounds = bounds
        self._init_cache()

    def _init_cache(self) -> None:
        self._lock = threading.Lock()
        self._suggested: dict[tuple[int, int], tuple[dict[str, Any], list[str]]] = {}
        self._state: Any = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in ("_lock", "_suggested", "_state"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_cache()

    # -- explore with the bandit -----------------------------------------------------------
    def _explore_params(
        self,
        source: FrozenTrial,
        rng: np.random.Generator,
        history: History,
        record: FrozenTrial,
    ) -> tuple[dict[str, Any], list[str]]:
        key = (record.number, int(record.system_attrs.get(keys.PAUSED_AT) or 0))
        with self._lock:
            hit = self._suggested.get(key)
        if hit is not None:  # promotions() is asked often; the bandit runs once per pause
            return dict(hit[0]), list(hit[1])
        result = self._bandit(source, rng, history, record)
        with self._lock:
            self._suggested[key] = result
        return dict(result[0]), list(result[1])

    def _bandit(
        self,
        source: FrozenTrial,
        rng: np.random.Generator,
        history: History,
        record: FrozenTrial,
    ) -> tuple[dict[str, Any], list[str]]:
        from ..algorithms.pb2 import PB2State, pb2_suggest

        names = [
            n
            for n, d in self.hyperparam_bounds.items()
            if n in source.distributions and not isinstance(d, CategoricalDistribution)
        ]
        new: dict[str, Any] = {}
        ops: list[str] = []
        for name, dist in self.hyperparam_bounds.items():
            if name in source.distributions and isinstance(dist, CategoricalDistribution):
                value = fit(
                    dist.choices[int(rng.integers(len(dist.choices)))], source.distributions[name]
                )
                if value is not None and value != source.params.get(name):
                    new[name] = value
                    ops.append(f"{name} {_fmt(source.params.get(name))}->{_fmt(value)} (resampled)")
        if not names:
            return new, ops
        X, t, y, pending = _observations(history, names, self.hyperparam_bounds)
        if self._state is None:
            self._state = PB2State()
        step = int(record.system_attrs.get(keys.PAUSED_AT) or 0)
        point = pb2_suggest(X, t, y, float(step), pending, rng, state=self._state)
        for j, name in enumerate(names):
            value = fit(
                _decode(self.hyperparam_bounds[name], float(point[j])), source.distributions[name]
            )
            if value is None or value == source.params.get(name):
                continue
            new[name] = value
            ops.append(f"{name} {_fmt(source.params.get(name))}->{_fmt(value)} (bandit)")
        return new, ops

    def __repr__(self) -> str:
        return (
            f"PB2Scheduler(perturbation_interval={self.perturbation_interval}, "
            f"hyperparam_bounds={self.hyperparam_bounds!r}, synch={self.synch})"
        )


def _encode(dist: Distribution, value: float) -> float:
    low, high = float(dist.low), float(dist.high)  # type: ignore[union-attr]
    if high <= low:
        return 0.5
    if getattr(dist, "log", False):
        u = (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
    else:
        u = (value - low) / (high - low)
    return min(max(u, 0.0), 1.0)


def _decode(dist: Distribution, u: float) -> float:
    low, high = float(dist.low), float(dist.high)  # type: ignore[union-attr]
    u = min(max(u, 0.0), 1.0)
    if getattr(dist, "log", False):
        return math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
    return low + u * (high - low)


def _observations(
    history: History, names: Sequence[str], bounds: Mapping[str, Distribution]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The bandit's data: one row per record that trained at least two steps of its own —
    ``(its last step, its encoded parameters, the reward change per step it achieved)`` —
    and the encoded parameters of the running records (pending)."""
    sign = history.sign(0)
    rows, times, gains, pending = [], [], [], []
    for trial in history.trials:
        if not all(n in trial.params for n in names):
            continue
        x = [_encode(bounds[n], float(trial.params[n])) for n in names]
        reports = trial.intermediate_values
        start = trial.system_attrs.get(keys.RESUME_STEP)
        own = sorted(s for s in reports if start is None or s > int(start))
        if trial.state is TrialState.RUNNING:
            pending.append(x)
        base = (
            int(start) if start is not None and int(start) in reports else (own[0] if own else None)
        )
        if base is None or not own or own[-1] <= base:
            continue
        change = (float(reports[own[-1]]) - float(reports[base])) / (own[-1] - base)
        if not math.isfinite(change):
            continue
        rows.append(x)
        times.append(float(own[-1]))
        gains.append(-sign * change)  # the bandit maximises the reward's growth
    d = len(names)
    return (
        np.asarray(rows, dtype=float).reshape(-1, d),
        np.asarray(times, dtype=float),
        np.asarray(gains, dtype=float),
        np.asarray(pending, dtype=float).reshape(-1, d),
    )
