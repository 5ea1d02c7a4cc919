"""``hypersweep worker``: run trials of a shared study from the shell (one per process/machine).

    hypersweep worker --storage postgresql://db/hpo --study svm mypkg.train:objective \\
        --n-trials 50 --max-trials 400
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from .. import samplers as _samplers
from .. import schedulers as _schedulers
from .._internal.exceptions import StudyNotFoundError
from ..samplers import Sampler, TPESampler
from ..schedulers import Scheduler
from ..storage import Storage
from ..study import RetryFailedTrialCallback, Study, create_study, load_study
from ..study._failures import DEFAULT_MAX_INITIAL_FAILURES, check_max_initial_failures
from ..trial import FrozenTrial, TrialState
from ._common import add_storage, add_study, open_storage

SAMPLERS = {
    "tpe": "TPESampler",
    "random": "RandomSampler",
    "qmc": "QMCSampler",
    "gp": "GPSampler",
    "cmaes": "CmaEsSampler",
    "gaussian-es": "GaussianESSampler",
    "grid": "GridSampler",
    "auto": "AutoSampler",
}
SCHEDULERS = {
    "nop": "NopScheduler",
    "median": "MedianScheduler",
    "sha": "SuccessiveHalvingScheduler",
    "hyperband": "HyperBandScheduler",
    "asha": "ASHAScheduler",
    "auto": "AutoScheduler",
}


def _build(
    role: str,
    name: str | None,
    arguments: str | None,
    names: dict[str, str],
    base: type,
    seed: int | None = None,
) -> Any:
    """The sampler or scheduler named on the command line (``None``: the stored one)."""
    if name is None:
        if arguments is not None:
            raise ValueError(f"--{role}-args needs --{role}.")
        return None
    kwargs = json.loads(arguments) if arguments else {}
    if not isinstance(kwargs, dict):
        raise ValueError(f"--{role}-args must be a JSON object, got {arguments!r}.")
    if seed is not None:
        kwargs["seed"] = seed
    if name in names:
        package = _samplers if role == "sampler" else _schedulers
        cls = getattr(package, names[name])
    elif ":" in name:
        cls = load_objective(name)
    else:
        raise ValueError(f"--{role} must be one of {sorted(names)} or module:Class, got {name!r}.")
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise TypeError(f"--{role} {name} is not a hypersweep {base.__name__}.")
    return cls(**kwargs)


def add_parser(sub: Any) -> None:
    worker = sub.add_parser("worker", help="run trials of a study shared through a storage")
    worker.add_argument("objective", help="the objective as module:function (importable)")
    add_storage(worker)
    add_study(worker)
    worker.add_argument("--n-trials", type=int, default=None, help="trials this worker runs")
    worker.add_argument(
        "--max-trials",
        type=int,
        default=None,
        help="stop when the study holds this many started trials, counting every worker",
    )
    worker.add_argument(
        "--timeout", type=float, default=None, help="seconds to keep starting trials"
    )
    worker.add_argument(
        "--max-initial-failures",
        type=_initial_failures,
        default=DEFAULT_MAX_INITIAL_FAILURES,
        metavar="N|none",
        help="stop when the first N trials of this worker all fail with the same exception "
        f"type (default {DEFAULT_MAX_INITIAL_FAILURES}; 'none': never stop)",
    )
    worker.add_argument(
        "--sampler",
        default=None,
        help=f"one of {sorted(SAMPLERS)} or module:Class (default: the one stored with the study)",
    )
    worker.add_argument("--sampler-args", default=None, help="JSON object of sampler arguments")
    worker.add_argument("--seed", type=int, default=None, help="sampler seed")
    worker.add_argument(
        "--scheduler",
        default=None,
        help=f"one of {sorted(SCHEDULERS)} or module:Class (default: the one stored with the "
        "study)",
    )
    worker.add_argument(
        "--scheduler-args", default=None, help="JSON object, e.g. '{\"min_resource\": 1}'"
    )
    worker.add_argument(
        "--create", action="store_true", help="create the study if it does not exist"
    )
    worker.add_argument("--direction", choices=["minimize", "maximize"], default=None)
    worker.add_argument("--heartbeat-interval", type=float, default=None)
    worker.add_argument("--grace-period", type=float, default=None)
    worker.add_argument(
        "--checkpoint-store",
        default=None,
        help="where checkpoints over 1 MiB go: a directory or an fsspec URL (s3://..., "
        "gs://...); every worker of the study must name the same one (default: beside a "
        "SQLite or journal file, else in the database)",
    )
    worker.add_argument(
        "--max-retries",
        type=int,
        default=None,
        help="re-run a trial whose worker died up to this many times",
    )
    worker.set_defaults(run=run)


def _initial_failures(text: str) -> int | None:
    """``--max-initial-failures``: an int >= 1, or ``none``."""
    if text.strip().lower() == "none":
        return None
    try:
        return check_max_initial_failures(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an int >= 1 or 'none', got {text!r}") from None


def load_objective(spec: str) -> Callable[..., Any]:
    """Import ``module:function``."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"The objective must be given as module:function, got {spec!r}.")
    sys.path.insert(0, "")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"Cannot import {module_name!r} for the objective: {exc}") from exc
    try:
        func = getattr(module, attr)
    except AttributeError:
        raise ValueError(f"Module {module_name!r} has no {attr!r}.") from None
    if not callable(func):
        raise TypeError(f"{spec} is not callable.")
    return func  # type: ignore[no-any-return]


def run(args: argparse.Namespace) -> int:
    objective = load_objective(args.objective)
    options: dict[str, Any] = {
        key: value
        for key, value in (
            ("heartbeat_interval", args.heartbeat_interval),
            ("grace_period", args.grace_period),
            ("checkpoint_store", args.checkpoint_store),
        )
        if value is not None
    }
    if args.max_retries is not None:
        options["failed_trial_callback"] = RetryFailedTrialCallback(max_retry=args.max_retries)
    storage: Storage = open_storage(args, create=args.create, **options)
    sampler = _build("sampler", args.sampler, args.sampler_args, SAMPLERS, Sampler, args.seed)
    if sampler is None and args.seed is not None:
        sampler = TPESampler(seed=args.seed)
    scheduler = _build("scheduler", args.scheduler, args.scheduler_args, SCHEDULERS, Scheduler)
    if args.create:
        study = create_study(
            storage=storage,
            study_name=args.study,
            sampler=sampler,
            scheduler=scheduler,
            direction=args.direction,
            load_if_exists=True,
        )
    else:
        try:
            study = load_study(
                study_name=args.study, storage=storage, sampler=sampler, scheduler=scheduler
            )
        except StudyNotFoundError as exc:
            raise StudyNotFoundError(
                f"{exc} Pass --create to create it (minimising, or add --direction "
                "maximize), or give --study an existing name (`hypersweep studies list`)."
            ) from None
    tally = RanTrials()
    study.optimize(
        objective,
        n_trials=args.n_trials,
        timeout=args.timeout,
        max_trials=args.max_trials,
        callbacks=[tally],
        max_initial_failures=args.max_initial_failures,
    )
    print(f"worker done: {tally}; the study holds {len(study.trials)}.")
    return 0


class RanTrials:
    """A ``study.optimize`` callback counting the trials this worker ran, by final state
    (other workers' trials, and trials it only failed as abandoned, are not counted).

    >>> from hypersweep.trial import FrozenTrial, TrialState
    >>> tally = RanTrials()
    >>> for state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.COMPLETE):
    ...     tally(None, FrozenTrial(number=0, state=state))
    >>> str(tally)
    'ran 3 trials (2 complete, 1 pruned)'
    """

    def __init__(self) -> None:
        self.counts: Counter[TrialState] = Counter()

    def __call__(self, study: Study | None, trial: FrozenTrial) -> None:
        self.counts[trial.state] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        noun = "trial" if self.total == 1 else "trials"
        parts = [f"{self.counts[s]} {s.name.lower()}" for s in TrialState if self.counts[s]]
        return f"ran {self.total} {noun}" + (f" ({', '.join(parts)})" if parts else "")
