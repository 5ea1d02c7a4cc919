"""plotly figures: each ``plot_*`` builds its plot data, then renders it."""

from __future__ import annotations

from collections.abc import Sequence

from ...importance import BaseImportanceEvaluator
from ...study import Study
from ...terminator import BaseErrorEvaluator, BaseImprovementEvaluator
from .. import data as d
from ..data._common import DEFAULT_TARGET_NAME, Target
from ..data.pareto import Constraints, Targets
from ._base import Figure
from .basic import (
    render_edf,
    render_intermediate_values,
    render_optimization_history,
    render_param_importances,
    render_proposers,
    render_timeline,
)
from .lineage import render_learning_curves, render_lineage_tree, render_rungs
from .multi import render_hypervolume_history, render_pareto_front
from .params import render_contour, render_parallel_coordinate, render_rank, render_slice
from .terminator import render_terminator_improvement


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
    error_bar: bool = False,
) -> Figure:
    """Each completed trial's value and the best so far; several studies (mean and standard
    deviation with ``error_bar=True``)."""
    return render_optimization_history(
        d.optimization_history_data(
            study, target=target, target_name=target_name, error_bar=error_bar
        )
    )


def plot_intermediate_values(study: Study) -> Figure:
    """Each trial's reports over steps (faint lines and the median per step past 500)."""
    return render_intermediate_values(d.intermediate_values_data(study))


def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Figure:
    """Completed trials as lines across one axis per parameter."""
    return render_parallel_coordinate(
        d.parallel_coordinate_data(study, params, target=target, target_name=target_name)
    )


def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Figure:
    """The value interpolated over each pair of parameters, with the trials on top."""
    return render_contour(d.contour_data(study, params, target=target, target_name=target_name))


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Figure:
    """The value against each parameter."""
    return render_slice(d.slice_data(study, params, target=target, target_name=target_name))


def plot_param_importances(
    study: Study,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Figure:
    """Parameter importances as horizontal bars (PED-ANOVA by default)."""
    return render_param_importances(
        d.param_importances_data(study, evaluator, params, target=target, target_name=target_name)
    )


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Figure:
    """The empirical distribution function of the values, one line per study."""
    return render_edf(d.edf_data(study, target=target, target_name=target_name))


def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Figure:
    """Trials placed by pairs of parameters, coloured by the rank of their value."""
    return render_rank(d.rank_data(study, params, target=target, target_name=target_name))


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Figure:
    """When each trial ran, coloured by state."""
    return render_timeline(d.timeline_data(study, n_recent_trials))


def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Constraints | None = None,
    targets: Targets | None = None,
) -> Figure:
    """The Pareto front of a study with 2 or 3 objectives (or ``targets``)."""
    return render_pareto_front(
        d.pareto_front_data(
            study,
            target_names=target_names,
            include_dominated_trials=include_dominated_trials,
            constraints_func=constraints_func,
            targets=targets,
        )
    )


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Figure:
    """The hypervolume of the front so far, after each completed trial."""
    return render_hypervolume_history(d.hypervolume_history_data(study, reference_point))


def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> Figure:
    """The improvement left after each trial as the terminator sees it, and the
    objective's error with ``plot_error=True`` (Optuna's ``plot_terminator_improvement``)."""
    return render_terminator_improvement(
        d.terminator_improvement_data(
            study, plot_error, improvement_evaluator, error_evaluator, min_n_trials
        )
    )


def plot_rungs(study: Study, milestones: Sequence[int] | None = None) -> Figure:
    """Successive halving / HyperBand / ASHA: configurations per rung, promotions, pauses."""
    return render_rungs(d.rungs_data(study, milestones))


def plot_learning_curves(study: Study) -> Figure:
    """One line per configuration across pauses and continuations."""
    return render_learning_curves(d.learning_curves_data(study))


def plot_lineage_tree(study: Study) -> Figure:
    """Population based training: members over steps, who cloned whom and what changed."""
    return render_lineage_tree(d.lineage_tree_data(study))


def plot_proposers(
    study: Study,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> Figure:
    """Each trial's value coloured by what proposed its parameters: the sampler, its
    start-up or random share, an enqueued trial, a scheduler's continuation, a PBT clone
    (see :mod:`hypersweep.visualization.data.proposers`)."""
    return render_proposers(d.proposers_data(study, target=target, target_name=target_name))
