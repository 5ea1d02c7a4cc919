"""Plot data: pure functions from a study to a typed record, one per plot.

Every renderer (plotly in :mod:`hypersweep.visualization`, matplotlib in
:mod:`hypersweep.visualization.matplotlib`) draws one of these records, so a test can
check what a plot shows without a plotting library.

>>> import hypersweep as hs
>>> from hypersweep.visualization import data
>>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
>>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
>>> data.optimization_history_data(study).series[0].numbers.tolist()
[0, 1, 2]
"""

from __future__ import annotations

from ._common import ParamColumn, param_column
from .edf import EdfData, EdfLine, edf_data
from .history import HistoryBand, HistorySeries, OptimizationHistoryData, optimization_history_data
from .importances import ImportanceBars, ParamImportancesData, param_importances_data
from .intermediate import IntermediateValuesData, intermediate_values_data
from .lineage import (
    LearningCurvesData,
    LineageEdge,
    LineageSegment,
    LineageTreeData,
    Rung,
    RungsData,
    learning_curves_data,
    lineage_tree_data,
    rungs_data,
)
from .params import (
    ContourData,
    ParallelCoordinateData,
    ParamPair,
    RankData,
    SliceData,
    SliceParam,
    contour_data,
    parallel_coordinate_data,
    rank_data,
    slice_data,
)
from .pareto import (
    HypervolumeHistoryData,
    ParetoFrontData,
    hypervolume_history_data,
    pareto_front_data,
)
from .proposers import ProposersData, proposers_data, trial_proposers
from .terminator import TerminatorImprovementData, terminator_improvement_data
from .timeline import TimelineData, timeline_data

__all__ = [
    "ContourData",
    "EdfData",
    "EdfLine",
    "HistoryBand",
    "HistorySeries",
    "HypervolumeHistoryData",
    "ImportanceBars",
    "IntermediateValuesData",
    "LearningCurvesData",
    "LineageEdge",
    "LineageSegment",
    "LineageTreeData",
    "OptimizationHistoryData",
    "ParallelCoordinateData",
    "ParamColumn",
    "ParamImportancesData",
    "ParamPair",
    "ParetoFrontData",
    "ProposersData",
    "RankData",
    "Rung",
    "RungsData",
    "SliceData",
    "SliceParam",
    "TerminatorImprovementData",
    "TimelineData",
    "contour_data",
    "edf_data",
    "hypervolume_history_data",
    "intermediate_values_data",
    "learning_curves_data",
    "lineage_tree_data",
    "optimization_history_data",
    "parallel_coordinate_data",
    "param_column",
    "param_importances_data",
    "pareto_front_data",
    "proposers_data",
    "rank_data",
    "rungs_data",
    "slice_data",
    "terminator_improvement_data",
    "timeline_data",
    "trial_proposers",
]
