"""matplotlib twins of :mod:`hypersweep.visualization`: the same functions and arguments,
returning matplotlib ``Axes`` (an array of them for multi-panel plots). matplotlib is
imported on the first plot (the ``plot`` extra).

>>> import hypersweep as hs
>>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
>>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
>>> ax = hs.visualization.matplotlib.plot_optimization_history(study)  # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any

from ...importance import BaseImportanceEvaluator
from ...study import Study
from ...terminator import BaseErrorEvaluator, BaseImprovementEvaluator
from .. import data as d
from ..data._common import DEFAULT_TARGET_NAME, Target
from ..data.pareto import Constraints, Targets
from . import _basic, _lineage, _params


def is_available() -> bool:
    """Whether matplotlib is installed (the ``plot`` extra).

    >>> isinstance(is_available(), bool)
    True
    """
    return importlib.util.find_spec("matplotlib") is not None


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
    error_bar: bool = False,
) -> Any:
    """See :func:`hypersweep.visualization.plot_optimization_history`."""
    return _basic.render_optimization_history(
        d.optimization_history_data(
            study, target=target, target_name=target_name, error_bar=error_bar
        )
    )


def plot_intermediate_values(study: Study) -> Any:
    """See :func:`hypersweep.visualization.plot_intermediate_values`."""
    return _basic.render_intermediate_values(d.intermediate_values_data(study))


def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Any:
    """See :func:`hypersweep.visualization.plot_parallel_coordinate`."""
    return _params.render_parallel_coordinate(
        d.parallel_coordinate_data(study, params, target=target, target_name=target_name)
    )


def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Any:
    """See :func:`hypersweep.visualization.plot_contour`."""
    return _params.render_contour(
        d.contour_data(study, params, target=target, target_name=target_name)
    )


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Any:
    """See :func:`hypersweep.visualization.plot_slice`."""
    return _params.render_slice(d.slice_data(study, params, target=target, target_name=target_name))


def plot_param_importances(
    study: Study,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Any:
    """See :func:`hypersweep.visualization.plot_param_importances`."""
    return _basic.render_param_importances(
        d.param_importances_data(study, evaluator, params, target=target, target_name=target_name)
    )


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Any:
    """See :func:`hypersweep.visualization.plot_edf`."""
    return _basic.render_edf(d.edf_data(study, target=target, target_name=target_name))


def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Any:
    """See :func:`hypersweep.visualization.plot_rank`."""
    return _params.render_rank(d.rank_data(study, params, target=target, target_name=target_name))


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Any:
    """See :func:`hypersweep.visualization.plot_timeline`."""
    return _basic.render_timeline(d.timeline_data(study, n_recent_trials))


def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Constraints | None = None,
    targets: Targets | None = None,
) -> Any:
    """See :func:`hypersweep.visualization.plot_pareto_front`."""
    return _basic.render_pareto_front(
        d.pareto_front_data(
            study,
            target_names=target_names,
            include_dominated_trials=include_dominated_trials,
            constraints_func=constraints_func,
            targets=targets,
        )
    )


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Any:
    """See :func:`hypersweep.visualization.plot_hypervolume_history`."""
    return _basic.render_hypervolume_history(d.hypervolume_history_data(study, reference_point))


def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> Any:
    """See :func:`hypersweep.visualization.plot_terminator_improvement`."""
    return _basic.render_terminator_improvement(
        d.terminator_improvement_data(
            study, plot_error, improvement_evaluator, error_evaluator, min_n_trials
        )
    )


def plot_rungs(study: Study, milestones: Sequence[int] | None = None) -> Any:
    """See :func:`hypersweep.visualization.plot_rungs`."""
    return _lineage.render_rungs(d.rungs_data(study, milestones))


def plot_learning_curves(study: Study) -> Any:
    """See :func:`hypersweep.visualization.plot_learning_curves`."""
    return _lineage.render_learning_curves(d.learning_curves_data(study))


def plot_lineage_tree(study: Study) -> Any:
    """See :func:`hypersweep.visualization.plot_lineage_tree`."""
    return _lineage.render_lineage_tree(d.lineage_tree_data(study))


__all__ = [
    "is_available",
    "plot_contour",
    "plot_edf",
    "plot_hypervolume_history",
    "plot_intermediate_values",
    "plot_learning_curves",
    "plot_lineage_tree",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_proposers",
    "plot_rank",
    "plot_rungs",
    "plot_slice",
    "plot_terminator_improvement",
    "plot_timeline",
]


def plot_proposers(
    study: Study,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Any:
    """Each trial's value coloured by what proposed its parameters."""
    return _basic.render_proposers(d.proposers_data(study, target=target, target_name=target_name))
