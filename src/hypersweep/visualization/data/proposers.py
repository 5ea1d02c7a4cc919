"""Which sampler (or scheduler, or user) proposed each trial.

No sampler records "I proposed this trial" as such; what each one leaves on the trial is
enough to tell them apart, so the proposer is inferred here, in this order:

1. ``hypersweep.proposed_by`` (:data:`PROPOSED_BY_ATTR`), if a sampler recorded it;
2. the roles that are not the sampler: a retry (``retry_of``), a PBT clone
   (``lineage_parent``), a scheduler's continuation of a paused trial (``resume_from``),
   parameters all given by ``enqueue_trial`` (``fixed_params``);
3. the study's sampler, opened up where it mixes proposers:
   ``RandomFractionSampler`` (its random trials are a function of its seed and the trial
   number, :meth:`~hypersweep.samplers.RandomFractionSampler.is_random`; the others go to
   ``inner``), ``PartialFixedSampler`` (its base sampler), CMA-ES and Gaussian ES (their
   proposal record, else their independent sampler), the GP sampler (its model record, else
   its Sobol start-up), TPE (its first ``n_startup_trials`` finished trials are random: a
   trial is a start-up one when fewer finished trials have smaller numbers, exact for one
   worker, a few too few with several).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...samplers import (
    CmaEsSampler,
    DelegatingSampler,
    GaussianESSampler,
    RandomFractionSampler,
    Sampler,
    TPESampler,
)
from ...study import Study
from ...trial import FrozenTrial, TrialState, keys
from ._common import (
    DEFAULT_TARGET_NAME,
    FloatArray,
    IntArray,
    Target,
    as_study,
    check_target,
    check_target_name,
    numbers,
)

#: A trial system attribute naming the proposer; read first when a sampler records it.
PROPOSED_BY_ATTR = "hypersweep.proposed_by"

RETRY = "retry (RetryFailedTrialCallback)"
CLONE = "clone (PBT exploit)"
CONTINUATION = "continuation (scheduler)"
ENQUEUED = "enqueued (enqueue_trial)"

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)


def _from_roles(t: FrozenTrial) -> str | None:
    attrs = t.system_attrs
    by = attrs.get(PROPOSED_BY_ATTR)
    if isinstance(by, str) and by:
        return by
    if keys.RETRY_OF in attrs:
        return RETRY
    if keys.LINEAGE_PARENT in attrs:
        return CLONE
    if keys.RESUME_FROM in attrs:
        return CONTINUATION
    fixed = attrs.get(keys.FIXED_PARAMS)
    if isinstance(fixed, dict) and t.params and set(t.params) <= set(fixed):
        return ENQUEUED
    return None


def _from_sampler(sampler: Sampler, t: FrozenTrial, n_finished_before: int) -> str:
    name = type(sampler).__name__
    if isinstance(sampler, RandomFractionSampler):
        if sampler.is_random(t.number):
            return f"random ({name})"
        return _from_sampler(sampler.inner, t, n_finished_before)
    if isinstance(sampler, DelegatingSampler):
        return _from_sampler(sampler.base_sampler, t, n_finished_before)
    if isinstance(sampler, CmaEsSampler):
        return name if keys.CMAES_PROPOSAL in t.system_attrs else f"{name} (independent)"
    if isinstance(sampler, GaussianESSampler):
        return name if keys.GAUSSIAN_ES_PROPOSAL in t.system_attrs else f"{name} (independent)"
    if name == "GPSampler":  # not imported here: it loads scipy on first use
        return name if keys.GP_MODEL in t.system_attrs else f"{name} (start-up)"
    if isinstance(sampler, TPESampler):
        startup = n_finished_before < max(sampler.n_startup_trials, 1)
        return f"{name} (start-up, random)" if startup else name
    return name


def trial_proposers(study: Study, trials: Sequence[FrozenTrial]) -> list[str]:
    """The proposer of each of ``trials`` (all from ``study``), in words.

    >>> import hypersweep as hs
    >>> s = hs.samplers.RandomFractionSampler(hs.samplers.TPESampler(seed=0), fraction=0.5)
    >>> study = hs.create_study(sampler=s)
    >>> study.enqueue_trial({"x": 0.5})
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=30)
    >>> sorted(set(trial_proposers(study, study.trials)))  # doctest: +NORMALIZE_WHITESPACE
    ['TPESampler', 'TPESampler (start-up, random)', 'enqueued (enqueue_trial)',
     'random (RandomFractionSampler)']
    """
    ordered = sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)
    finished = np.fromiter((t.state in _FINISHED for t in ordered), bool, len(ordered))
    before = dict(
        zip(
            (t.number for t in ordered),
            (np.cumsum(finished) - finished).tolist(),
            strict=True,
        )
    )
    out = []
    for t in trials:
        role = _from_roles(t)
        out.append(role or _from_sampler(study.sampler, t, before.get(t.number, 0)))
    return out


@dataclass(frozen=True)
class ProposersData:
    """What :func:`plot_proposers` draws: every trial, by the proposer of its parameters.

    ``names`` lists the proposers in order of their first trial; ``proposer[i]`` indexes it
    for trial ``numbers[i]``; ``values`` is the plotted value (NaN unless COMPLETE).

    >>> import hypersweep as hs
    >>> s = hs.samplers.RandomFractionSampler(hs.samplers.RandomSampler(seed=0), fraction=0.5)
    >>> study = hs.create_study(sampler=s)
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)
    >>> data = proposers_data(study)
    >>> sorted(data.names), data.counts().sum()
    (['RandomSampler', 'random (RandomFractionSampler)'], np.int64(20))
    """

    target_name: str
    names: tuple[str, ...]
    numbers: IntArray
    proposer: IntArray
    values: FloatArray
    complete: np.ndarray

    def counts(self) -> IntArray:
        """How many trials each proposer proposed (in the order of ``names``)."""
        return np.bincount(self.proposer, minlength=len(self.names)).astype(np.int64)


def proposers_data(
    study: Study,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> ProposersData:
    """The data of :func:`plot_proposers` (see the module for how proposers are told apart)."""
    as_study(study)
    check_target(study, target)
    check_target_name(target_name)
    trials = sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)
    labels = trial_proposers(study, trials)
    names: dict[str, int] = {}
    proposer = np.fromiter(
        (names.setdefault(lab, len(names)) for lab in labels), np.int64, len(labels)
    )
    complete = np.fromiter((t.state is TrialState.COMPLETE for t in trials), bool, len(trials))
    values = np.full(len(trials), np.nan)
    done = [t for t, c in zip(trials, complete, strict=True) if c]
    if done:
        if target is None:
            values[complete] = [t.values[0] if t.values else np.nan for t in done]
        else:
            values[complete] = [float(target(t)) for t in done]
    return ProposersData(target_name, tuple(names), numbers(trials), proposer, values, complete)
