"""CFOSampler: cost-frugal optimisation, one FLOW2 local search from a low-cost start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...space import Distribution
from ...trial import FrozenTrial, History, keys
from ..base import Sampler
from .constraints import ConfigConstraint, MetricConstraint
from .proposal import ProposalSampling

__all__ = ["CFO_ATTR", "CFO_STATE", "CFOSampler"]

#: The study-state record of CFOSampler (the pool of threads, shared by workers).
CFO_STATE = keys.CFO_STATE
#: The trial system attribute holding a trial's proposal.
CFO_ATTR = keys.CFO_PROPOSAL


class CFOSampler(ProposalSampling, Sampler):
    """CFO (Wu, Wang, Huang, AAAI 2021): start cheap, then move by FLOW2 local search.

    For objectives whose cost depends on the configuration (trees, leaves, epochs, sample
    size). The first trial takes ``low_cost_partial_config``'s values (the cheap end of
    each cost-related parameter; the others are drawn uniformly); from there FLOW2 proposes
    ``x + step * u`` and ``x - step * u`` for random unit directions ``u`` in the unit box,
    moves to the first improvement, and shrinks its step after ``2 ** min(9, d)``
    proposals without one. Because cost grows gradually along the path, the total cost
    to a good configuration stays a fraction of what cost-blind samplers spend. When the
    step falls below about one integer level, the search has converged and restarts from a
    perturbed low-cost start.

    * ``cost_attr``: the cost of a trial is its duration (``None``), the user attribute of
      that name (``trial.set_user_attr(cost_attr, seconds)``), or 1 per trial
      (``"@trials"``). CFO's own proposals do not depend on the cost; the statistics do.
    * ``shrink``: ``"paper"`` (default) or ``"flaml"``, see
      :mod:`hypersweep.algorithms.flow2` and ``docs/cfo.md``.
    * Many workers share one local search through the study's storage (no duplicated
      thread state); up to ``2 d`` proposals of one incumbent run at once, more when
      there are more workers.
    * Parameters outside the searched space (conditional ones) follow the rule of
      :mod:`hypersweep.samplers.cfo.values`. Single objective only.
    * ``config_constraints`` ``[(fn, sign, threshold)]`` (``fn(params) <= threshold``: such
      points are never run) and ``metric_constraints`` ``[(user_attr, sign, threshold)]``
      (Lagrangian penalties), FLAML's semantics: :mod:`hypersweep.samplers.cfo.constraints`.
    * ``resource_attr``, ``min_resource``, ``max_resource``, ``reduction_factor``: a resource
      (sample size, boosting rounds) the objective suggests as the parameter
      ``resource_attr`` (``trial.suggest_int("n_samples", min_resource, max_resource)``);
      the sampler answers it: ``min_resource`` on a start, then the local search's
      resource, grown ``reduction_factor``-fold (jumping to ``max_resource`` for the last
      rung) once the results since the incumbent cost ``reduction_factor`` times the
      incumbent's cost; below ``max_resource`` the search never converges
      (:mod:`hypersweep.algorithms.flow2.resource`; FLAML's rule). Give a cost that grows
      with the resource (the duration, or ``cost_attr``). ``min_resource`` defaults to
      ``max_resource / reduction_factor ** 5``.

    >>> import hypersweep as hs
    >>> def objective(t):
    ...     n = t.suggest_int("n_estimators", 4, 1000, log=True)
    ...     lr = t.suggest_float("learning_rate", 1e-3, 1.0, log=True)
    ...     return (np.log(n) - np.log(200)) ** 2 + (np.log(lr) - np.log(0.1)) ** 2
    >>> sampler = hs.samplers.CFOSampler(low_cost_partial_config={"n_estimators": 4}, seed=0)
    >>> study = hs.create_study(sampler=sampler)
    >>> study.optimize(objective, n_trials=60)
    >>> study.trials[0].params["n_estimators"], study.best_value < 0.05
    (4, True)
    """

    shared_state_key = CFO_STATE
    proposal_attr = CFO_ATTR

    def __init__(
        self,
        low_cost_partial_config: Mapping[str, Any] | None = None,
        cost_attr: str | None = None,
        seed: int | None = None,
        *,
        shrink: str = "paper",
        config_constraints: Sequence[ConfigConstraint] | None = None,
        metric_constraints: Sequence[MetricConstraint] | None = None,
        resource_attr: str | None = None,
        min_resource: float | None = None,
        max_resource: float | None = None,
        reduction_factor: float = 4,
    ) -> None:
        super().__init__(seed)
        self._configure(
            blend=False,
            low_cost_partial_config=low_cost_partial_config,
            cost_attr=cost_attr,
            shrink=shrink,
            config_constraints=config_constraints,
            metric_constraints=metric_constraints,
            resource_attr=resource_attr,
            min_resource=min_resource,
            max_resource=max_resource,
            reduction_factor=reduction_factor,
        )

    def check_directions(self, n_objectives: int) -> None:
        self._check_single_objective(n_objectives)

    def start_trial_shared(
        self,
        history: History,
        trial: FrozenTrial,
        rng: np.random.Generator,
        state: bytes | None,
    ) -> tuple[Mapping[str, Any], bytes | None]:
        info, blob = self._pool.start(history, trial, rng, state)
        return {CFO_ATTR: info}, blob

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        info = trial.system_attrs.get(CFO_ATTR)
        return self._own_value(info, history, name, distribution, rng)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(low_cost_partial_config={self.low_cost_partial_config!r}, "
            f"cost_attr={self.cost_attr!r}, seed={self.seed})"
        )
