"""Plots of a study (``hs.visualization``): the peers' plot set under the same names and
arguments, plus plots of what hypersweep's schedulers do.

Figures are plotly figures (the ``plot`` extra: ``pip install 'hypersweep[plot]'``);
:mod:`hypersweep.visualization.matplotlib` has the same functions drawing with matplotlib,
and :mod:`hypersweep.visualization.data` the plot data they both draw. Nothing imports
plotly or matplotlib until a plot is drawn.

>>> import hypersweep as hs
>>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
>>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
>>> fig = hs.visualization.plot_optimization_history(study)  # doctest: +SKIP
>>> fig.show()                                              # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util

from . import data, matplotlib
from ._plotly import (
    plot_contour,
    plot_edf,
    plot_hypervolume_history,
    plot_intermediate_values,
    plot_learning_curves,
    plot_lineage_tree,
    plot_optimization_history,
    plot_parallel_coordinate,
    plot_param_importances,
    plot_pareto_front,
    plot_proposers,
    plot_rank,
    plot_rungs,
    plot_slice,
    plot_terminator_improvement,
    plot_timeline,
)


def is_available() -> bool:
    """Whether plotly is installed (the ``plot`` extra).

    >>> isinstance(is_available(), bool)
    True
    """
    return importlib.util.find_spec("plotly") is not None


__all__ = [
    "data",
    "is_available",
    "matplotlib",
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
