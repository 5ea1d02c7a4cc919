"""Replay a learnt hyperparameter schedule (population based training's result) on one run."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any

from ..trial import FrozenTrial, History, LineageInfo, Promotion, TrialState, keys
from .base import CONTINUE, Action, Decision, Scheduler


def _flat(params: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{name}/"))
        else:
            out[f"{prefix}{name}"] = value
    return out


class PBTReplayScheduler(Scheduler):
    """Train one configuration with the hyperparameters changing at the steps of
    ``schedule``: ``(step, params)`` pairs, as ``study.pbt_schedule(trial)`` or
    ``result.pbt_schedule()`` return them (nested configs are accepted).

    At each change step the trial pauses and is continued from its own checkpoint with the
    new parameters, so the trainable must restore from ``hs.get_checkpoint()`` /
    ``trial.load_checkpoint()`` and re-read its config, as for population based training.
    Start the run with the first parameters, e.g.
    ``hs.tune(train, space, num_samples=1, points_to_evaluate=[schedule[0][1]], scheduler=...)``.

    >>> replay = PBTReplayScheduler([(0, {"lr": 0.1}), (4, {"lr": 0.05}), (8, {"lr": 0.01})])
    >>> replay.change_steps, replay.params_at(5)
    ((4, 8), {'lr': 0.05})
    """

    def __init__(self, schedule: Sequence[Sequence[Any]]) -> None:
        if isinstance(schedule, (str, bytes)) or not isinstance(schedule, Sequence):
            raise TypeError(f"schedule must be a list of (step, params) pairs, got {schedule!r}.")
        entries: list[tuple[int, dict[str, Any]]] = []
        for entry in schedule:
            if not isinstance(entry, Sequence) or len(entry) != 2:
                raise ValueError(f"Each schedule entry must be (step, params), got {entry!r}.")
            step, params = entry
            if isinstance(step, bool) or not isinstance(step, int) or step < 0:
                raise ValueError(f"Schedule steps must be ints >= 0, got {step!r}.")
            if not isinstance(params, Mapping):
                raise TypeError(f"Schedule params must be a dict, got {params!r}.")
            if entries and step <= entries[-1][0]:
                raise ValueError(
                    f"Schedule steps must increase, got {step} after {entries[-1][0]}."
                )
            entries.append((step, _flat(params)))
        if not entries:
            raise ValueError("The schedule is empty: give at least one (step, params) pair.")
        self.schedule = [(step, dict(params)) for step, params in entries]
        self._steps = [step for step, _ in entries]

    @property
    def change_steps(self) -> tuple[int, ...]:
        """The steps after which the parameters change (the trial pauses there)."""
        return tuple(step for step in self._steps if step > 0)

    def params_at(self, step: int) -> dict[str, Any]:
        """The parameters the schedule gives from ``step`` on."""
        i = max(bisect.bisect_right(self._steps, step) - 1, 0)
        return dict(self.schedule[i][1])

    @property
    def pauses_trials(self) -> bool:
        return True

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        step = trial.last_step
        if step is None:
            return CONTINUE
        start = LineageInfo.of(trial).resume_step or 0
        if step > start and step in self.change_steps:
            return Decision(Action.PAUSE, f"the schedule changes the parameters at step {step}")
        return CONTINUE

    def promotions(self, history: History) -> list[Promotion]:
        trials = history.trials
        continued = {
            LineageInfo.of(t).resume_from for t in trials if keys.RESUME_FROM in t.system_attrs
        }
        out = []
        for t in trials:
            paused = t.system_attrs.get(keys.PAUSED_AT)
            if t.state is not TrialState.PRUNED or paused is None or t.number in continued:
                continue
            step = int(paused)
            new = {k: v for k, v in self.params_at(step).items() if k in t.distributions}
            reason = f"replay: from step {step} use {new}"
            out.append(Promotion(t.number, step, reason, clone_of=t.number, params=new))
        return out

    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"PBTReplayScheduler replays one run of a single-objective study; this study "
                f"has {n_objectives} objectives."
            )

    def __repr__(self) -> str:
        return f"PBTReplayScheduler({self.schedule!r})"
