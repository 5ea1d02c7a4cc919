"""BlendSearchSampler: a global sampler and a pool of FLOW2 local searches, by priority."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..._internal.rng import resolve_seed, stream
from ...space import Distribution, SearchSpace
from ...trial import FrozenTrial, History, keys
from ..base import Sampler
from ..delegating import DelegatingSampler
from .constraints import ConfigConstraint, MetricConstraint
from .options import check_global_share
from .proposal import ProposalSampling
from .space import encode
from .state import PoolState

__all__ = ["BLENDSEARCH_ATTR", "BLENDSEARCH_STATE", "BlendSearchSampler"]

#: The study-state record of BlendSearchSampler (threads, and the global sampler's state).
BLENDSEARCH_STATE = keys.BLENDSEARCH_STATE
#: The trial system attribute holding a trial's proposal.
BLENDSEARCH_ATTR = keys.BLENDSEARCH_PROPOSAL


class BlendSearchSampler(ProposalSampling, DelegatingSampler):
    """BlendSearch (Wang, Wu, Huang, Liu, ICLR 2021): global search blended with CFO's local
    searches, each trial going to the thread of highest priority.

    The first trial is CFO's low-cost start; it creates the first FLOW2 thread. Then every
    trial goes to the thread with the highest priority, ``min ECI * speed - best`` (cost for
    improvement and improvement per cost; :mod:`hypersweep.algorithms.flow2.threads`):
    either a local thread, or the global sampler (``global_sampler``; TPE by default, any
    of ours works, CMA-ES included). A global proposal outside the admissible region (the
    box of the local searches' points, widened by 0.1) or equal to an earlier proposal goes
    to the best local thread instead. A completed global proposal starts a new thread when
    fewer than two threads run or it beats their median best; a thread that another one
    reaches and whose best is not better than that one's second best is deleted (merged);
    converged threads are deleted.

    ``low_cost_partial_config``, ``cost_attr`` and ``shrink`` are CFO's
    (:class:`~hypersweep.samplers.CFOSampler`); here the cost steers the choice of thread,
    so only a cost that is not wall time (``cost_attr`` naming a reported value, or
    ``"@trials"``) makes the same seed give the same trials. The global sampler sees every
    trial (its own and the local threads'); parameters outside the searched space go to it
    on global trials, and follow CFO's rule on local ones. Single objective only.

    ``config_constraints`` ``[(fn, sign, threshold)]``: ``fn(params)`` must satisfy
    ``sign threshold`` (``"<="``, ``">="``, ``"<"``, ``">"``); violating points are never run
    (local proposals count as failures, global ones go to a local thread).
    ``metric_constraints`` ``[(user_attr, sign, threshold)]``: the threads minimise the
    Lagrangian (objective plus penalty times violation, the penalties growing while
    violated) and only feasible global trials start threads. FLAML's semantics, see
    :mod:`hypersweep.samplers.cfo.constraints`.

    ``resource_attr``, ``min_resource``, ``max_resource``, ``reduction_factor``: CFO's
    resource dimension (:class:`~hypersweep.samplers.CFOSampler`); global proposals run at
    ``min_resource``, each local thread at its own resource, and a thread never merges
    into one at a smaller resource.

    ``global_share`` (``0 <= global_share < 1``, default 0: FLAML's rule alone): a floor on
    the share of trials the global sampler gets; when fewer than ``global_share`` of the
    trials so far went to it, the next one does, whatever the priorities (its proposal
    still goes to a local thread when it is outside the admissible region or a duplicate).
    On cheap objectives where the local threads win the priority rule, 0.5 gives the
    global sampler half the trials (``docs/cfo.md``: the measured effect).

    >>> import hypersweep as hs
    >>> def objective(t):
    ...     n = t.suggest_int("n_estimators", 4, 1000, log=True)
    ...     lr = t.suggest_float("learning_rate", 1e-3, 1.0, log=True)
    ...     t.set_user_attr("cost", n)
    ...     return (np.log(n) - np.log(200)) ** 2 + (np.log(lr) - np.log(0.1)) ** 2
    >>> sampler = hs.samplers.BlendSearchSampler(
    ...     low_cost_partial_config={"n_estimators": 4}, cost_attr="cost", seed=0)
    >>> study = hs.create_study(sampler=sampler)
    >>> study.optimize(objective, n_trials=60)
    >>> study.trials[0].params["n_estimators"], study.best_value < 0.1
    (4, True)
    """

    proposal_attr = BLENDSEARCH_ATTR

    def __init__(
        self,
        global_sampler: Sampler | None = None,
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
        global_share: float = 0.0,
    ) -> None:
        own_seed = resolve_seed(seed)
        if global_sampler is None:
            from ..tpe import TPESampler

            base: Sampler = TPESampler(seed=(own_seed + 1) % 2**63)
        else:
            base = global_sampler
        super().__init__(base)
        self._seed = own_seed
        self.global_sampler = base
        self._configure(
            blend=True,
            low_cost_partial_config=low_cost_partial_config,
            cost_attr=cost_attr,
            shrink=shrink,
            config_constraints=config_constraints,
            metric_constraints=metric_constraints,
            resource_attr=resource_attr,
            min_resource=min_resource,
            max_resource=max_resource,
            reduction_factor=reduction_factor,
            global_share=check_global_share(global_share),
        )

    # -- own seed and state (the global sampler's state nests inside) ------------------------
    @property
    def seed(self) -> int:
        """This sampler's seed (local searches); the global sampler keeps its own."""
        return self._seed

    def trial_rng(self, trial_number: int) -> np.random.Generator:
        return stream(self._seed, trial_number)

    @property
    def shared_state_key(self) -> str | None:  # type: ignore[override]  # read-only here
        """``"blendsearch"``: the threads, and the global sampler's shared state within."""
        return BLENDSEARCH_STATE

    def check_directions(self, n_objectives: int) -> None:
        self._check_single_objective(n_objectives)
        super().check_directions(n_objectives)

    def is_exhausted(self, history: History) -> bool:
        return False

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> Mapping[str, Any]:
        return self.start_trial_shared(history, trial, rng, None)[0]

    def start_trial_shared(
        self,
        history: History,
        trial: FrozenTrial,
        rng: np.random.Generator,
        state: bytes | None,
    ) -> tuple[Mapping[str, Any], bytes | None]:
        def propose_global(
            pool: PoolState, space: SearchSpace
        ) -> tuple[Any, dict[str, Any], bytes | None]:
            return self._propose_global(history, trial, pool, space)

        info, blob = self._pool.start(history, trial, rng, state, propose_global)
        attrs: dict[str, Any] = dict(info.pop("attrs", None) or {})
        attrs[BLENDSEARCH_ATTR] = info
        return attrs, blob

    def _propose_global(
        self, history: History, trial: FrozenTrial, pool: PoolState, space: SearchSpace
    ) -> tuple[Any, dict[str, Any], bytes | None]:
        """The global sampler's point for ``space``, its trial attributes and new state."""
        base = self.base_sampler
        rng = base.trial_rng(trial.number)
        blob: bytes | None = None
        if base.shared_state_key is not None:
            attrs, blob = base.start_trial_shared(history, trial, rng, pool.global_blob)
        else:
            attrs = base.start_trial(history, trial, rng)
        attrs = dict(attrs)
        view = replace(trial, system_attrs={**trial.system_attrs, **attrs})
        relative = base.infer_relative_search_space(history, view)
        params = base.sample_relative(history, view, relative, rng) if relative else {}
        for name, dist in space.items():
            if name not in params or relative.get(name) != dist:
                params[name] = base.sample_independent(history, view, name, dist, rng)
        return encode(space, params), attrs, blob

    # -- sampling (the proposal's parameters: ProposalSampling) ------------------------------
    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        info = trial.system_attrs.get(BLENDSEARCH_ATTR)
        if info and info.get("global") and not self._is_resource(name):
            return self.base_sampler.sample_independent(history, trial, name, distribution, rng)
        return self._own_value(info, history, name, distribution, rng)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(global_sampler={self.base_sampler!r}, "
            f"low_cost_partial_config={self.low_cost_partial_config!r}, "
            f"cost_attr={self.cost_attr!r}, seed={self.seed})"
        )
