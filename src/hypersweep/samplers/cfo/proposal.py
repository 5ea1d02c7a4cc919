"""What CFOSampler and BlendSearchSampler share: their options, their pool, and the hooks
that turn a trial's recorded proposal into its parameters.

The two differ in the trial system attribute the proposal is recorded under
(``proposal_attr``) and in what they do with parameters outside the proposal on a global
trial (BlendSearch asks its global sampler).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from ...space import Distribution, SearchSpace
from ...trial import FrozenTrial, History
from .constraints import (
    ConfigConstraint,
    MetricConstraint,
    check_config_constraints,
    check_metric_constraints,
)
from .options import check_low_cost, check_options, check_resource, resource_value
from .pool import Pool, decode
from .values import independent_value


class ProposalSampling:
    """Mixin of the cost-frugal samplers (before :class:`~hypersweep.samplers.Sampler` in
    the bases): a trial's parameters come from the proposal that ``start_trial_shared``
    recorded in its system attribute ``proposal_attr``."""

    proposal_attr: ClassVar[str]

    def _configure(
        self,
        *,
        blend: bool,
        low_cost_partial_config: Mapping[str, Any] | None,
        cost_attr: str | None,
        shrink: str,
        config_constraints: Sequence[ConfigConstraint] | None,
        metric_constraints: Sequence[MetricConstraint] | None,
        resource_attr: str | None,
        min_resource: float | None,
        max_resource: float | None,
        reduction_factor: float,
        global_share: float = 0.0,
    ) -> None:
        """Check the options, keep them as attributes, and build the pool."""
        check_options(cost_attr, shrink)
        self.low_cost_partial_config = check_low_cost(low_cost_partial_config)
        self.cost_attr = cost_attr
        self.shrink = shrink
        self.config_constraints = check_config_constraints(config_constraints)
        self.metric_constraints = check_metric_constraints(metric_constraints)
        low_cost = self.low_cost_partial_config
        self.ladder = check_resource(
            resource_attr, min_resource, max_resource, reduction_factor, low_cost
        )
        self.resource_attr = resource_attr
        self._pool = Pool(
            self.low_cost_partial_config,
            cost_attr,
            shrink,
            blend=blend,
            config_constraints=self.config_constraints,
            metric_constraints=self.metric_constraints,
            ladder=self.ladder,
            resource_attr=resource_attr,
            global_share=global_share,
        )

    def _check_single_objective(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"{type(self).__name__} optimises a single objective, got {n_objectives}."
            )

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        info = trial.system_attrs.get(self.proposal_attr)
        if not info or "x" not in info:
            return {}
        return self._pool.space_of(info["space"])

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        info = trial.system_attrs.get(self.proposal_attr)
        if not info or not search_space:
            return {}
        return decode(search_space, info["x"])

    def _is_resource(self, name: str) -> bool:
        return name == self.resource_attr

    def _resource_value(
        self, info: Mapping[str, Any] | None, name: str, distribution: Distribution
    ) -> Any:
        """The resource the trial's proposal runs at (the first rung without one)."""
        assert self.ladder is not None
        resource = (info or {}).get("resource", self.ladder.start())
        return resource_value(self.ladder, name, distribution, float(resource))

    def _own_value(
        self,
        info: Mapping[str, Any] | None,
        history: History,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        """A parameter outside the proposal: the resource, or the rule of
        :mod:`~hypersweep.samplers.cfo.values`."""
        if self._is_resource(name):
            return self._resource_value(info, name, distribution)
        return independent_value(
            self.low_cost_partial_config, info, history, name, distribution, rng
        )
