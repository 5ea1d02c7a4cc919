"""``hypersweep trials`` and ``best``: look into a study; fail abandoned trials by hand."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..study import load_study
from ..trial import FrozenTrial, StudyDirection, TrialState
from ._common import add_storage, add_study, open_storage
from ._table import format_value, trials_table


def add_parsers(sub: Any) -> None:
    trials = sub.add_parser(
        "trials", help="show a study's trials, or fail its abandoned ones (fail-stale)"
    )
    trials.add_argument(
        "action",
        nargs="?",
        choices=["list", "fail-stale"],
        default="list",
        help="list (default) or fail-stale: turn RUNNING trials without a recent heartbeat "
        "into FAIL",
    )
    add_storage(trials)
    add_study(trials)
    trials.add_argument(
        "--state",
        action="append",
        choices=[s.name for s in TrialState],
        help="only trials in this state (repeatable)",
    )
    trials.add_argument(
        "--top",
        type=int,
        default=None,
        help="only the N best COMPLETE trials, ranked by value (other states have no final "
        "value to rank)",
    )
    trials.add_argument(
        "--grace",
        type=float,
        default=None,
        help="fail-stale: seconds without heartbeat (default: the storage's grace period)",
    )
    trials.set_defaults(run=run_trials)

    best = sub.add_parser("best", help="show the best trial (the Pareto front if several)")
    add_storage(best)
    add_study(best)
    best.set_defaults(run=run_best)


def run_trials(args: argparse.Namespace) -> int:
    study = load_study(study_name=args.study, storage=open_storage(args))
    if args.action == "fail-stale":
        failed = study.fail_stale_trials(args.grace)
        print(f"Failed {len(failed)} abandoned trial(s): {failed}")
        return 0
    states = tuple(TrialState[s] for s in args.state) if args.state else None
    if args.top is not None:
        if args.top < 1:
            raise ValueError(f"--top must be a positive number of trials, got {args.top}.")
        if states is not None and TrialState.COMPLETE not in states:
            chosen = " ".join(f"--state {s.name}" for s in states)
            raise ValueError(
                f"--top ranks COMPLETE trials by their final value, and {chosen} leaves "
                "them out: drop --top to list those trials, or add --state COMPLETE."
            )
    trials = study.get_trials(states=states)
    if args.top is not None:
        done = [t for t in trials if t.state is TrialState.COMPLETE and t.values]
        reverse = study.directions[0] is StudyDirection.MAXIMIZE
        trials = sorted(done, key=lambda t: t.values[0], reverse=reverse)[: args.top]  # type: ignore[index]
        if not trials:
            print(
                f"No COMPLETE trial to rank by --top yet: study {args.study!r} "
                f"{_holds(study.trials)}."
            )
            return 0
    if not trials:
        which = "" if states is None else " or ".join(s.name for s in states) + " "
        print(f"No {which}trials in study {args.study!r}: it {_holds(study.trials)}.")
        return 0
    print(trials_table(trials))
    return 0


def _holds(trials: Sequence[FrozenTrial]) -> str:
    """What a study holds, by state: 'holds 3 trials (2 PRUNED, 1 FAIL)'."""
    counts = Counter(t.state for t in trials)
    by_state = ", ".join(f"{counts[s]} {s.name}" for s in TrialState if counts[s])
    noun = "trial" if len(trials) == 1 else "trials"
    return f"holds {len(trials)} {noun}" + (f" ({by_state})" if by_state else "")


def run_best(args: argparse.Namespace) -> int:
    study = load_study(study_name=args.study, storage=open_storage(args))
    front = study.best_trials
    if not front:
        print("No complete trials yet.")
        return 1
    if len(study.directions) == 1:
        front = [study.best_trial]
    for trial in front:
        values = ", ".join(format_value(v) for v in trial.values or ())
        print(f"trial {trial.number}: {values}")
        for name, value in trial.params.items():
            print(f"  {name} = {format_value(value)}")
    return 0
