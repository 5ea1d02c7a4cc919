"""hypersweep: hyperparameter optimisation — every searching and scheduling method, one library.

Define-by-run::

    import hypersweep as hs

    def objective(trial):
        x = trial.suggest_float("x", -10, 10)
        return (x - 2) ** 2

    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=100)

Declarative::

    result = hs.tune(train, {"lr": hs.loguniform(1e-4, 1e-1)}, metric="loss", mode="min")
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from . import (
    distributions,
    exceptions,
    executors,
    logging,
    pruners,
    samplers,
    schedulers,
    search_space,
    storage,
    storages,
)
from ._internal.exceptions import (
    DuplicatedStudyError,
    HypersweepError,
    StudyNotFoundError,
    TrialNotFoundError,
    TrialPruned,
    UpdateFinishedTrialError,
)
from .space import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    choice,
    lograndint,
    loguniform,
    qrandint,
    quniform,
    randint,
    uniform,
)
from .study import (
    MaxTrialsCallback,
    RetryFailedTrialCallback,
    Study,
    Trial,
    TuneResult,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    get_checkpoint,
    load_study,
    report,
    tune,
)
from .trial import FixedTrial, FrozenTrial, StudyDirection, TrialState, create_trial

_LAZY_MODULES = (
    "visualization",
    "importance",
    "integrations",
    "integration",
    "artifacts",
    "terminator",
)


def __getattr__(name: str) -> object:
    """``hs.visualization``, ``hs.importance``, ``hs.integrations`` (``hs.integration``),
    ``hs.artifacts`` and ``hs.terminator`` load on first use (plotly, matplotlib and the
    training libraries load only when used)."""
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """``dir(hs)`` lists the lazily loaded packages too, as tab completion expects."""
    return sorted(set(globals()) | set(__all__) | set(_LAZY_MODULES))


try:
    __version__ = _version("hypersweep")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

__all__ = [
    "CategoricalDistribution",
    "DuplicatedStudyError",
    "FixedTrial",
    "FloatDistribution",
    "FrozenTrial",
    "HypersweepError",
    "IntDistribution",
    "MaxTrialsCallback",
    "RetryFailedTrialCallback",
    "Study",
    "StudyDirection",
    "StudyNotFoundError",
    "Trial",
    "TrialNotFoundError",
    "TrialPruned",
    "TrialState",
    "TuneResult",
    "UpdateFinishedTrialError",
    "__version__",
    "artifacts",
    "choice",
    "copy_study",
    "create_study",
    "create_trial",
    "delete_study",
    "distributions",
    "exceptions",
    "executors",
    "get_all_study_names",
    "get_all_study_summaries",
    "get_checkpoint",
    "importance",
    "integration",
    "integrations",
    "load_study",
    "logging",
    "lograndint",
    "loguniform",
    "pruners",
    "qrandint",
    "quniform",
    "randint",
    "report",
    "samplers",
    "schedulers",
    "search_space",
    "storage",
    "storages",
    "terminator",
    "tune",
    "uniform",
    "visualization",
]
