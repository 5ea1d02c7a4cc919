"""The journal's operations: how they are written, and how replay applies them.

Every process replays the same log, in order, into an :class:`InMemoryStorage`, each
operation through :meth:`InMemoryStorage.replay` at the time written in it, so every process
derives the same ids, numbers, states and times. An operation is a JSON object with ``"o"``
(its kind) and ``"t"`` (the writer's ``time.time()``):

====  ==========================================  =========================================
kind  fields                                      replay (result)
====  ==========================================  =========================================
cs    ``n`` name, ``d`` directions                 create a study (its id)
ds    ``s`` study                                 delete a study
sa    ``s``, ``a`` "u"/"y", ``k``, ``v``           set a study user/system attribute
ct    ``s``, ``tp`` template or absent           create a trial (the FrozenTrial)
st    ``s``, ``m`` max trials or absent          start a trial (FrozenTrial or None)
pw    ``s``                                       pop a waiting trial (FrozenTrial or None)
eq    ``s``, ``p``, ``u``, ``y``, ``x`` skip      enqueue (trial id or None)
tw    ``i`` trial, ``p``, ``u``, ``y``,           a trial's buffered writes, then a report
      ``iv`` [step, values], ``f`` [state, ...]   or a finish (finish: whether it finished)
hb    ``i``                                       heartbeat
fs    ``s``, ``g`` grace seconds                  fail stale trials (their numbers)
ss    ``s``, ``k``, ``d`` blob, ``v`` version      compare-and-set study state (bool)
ck    ``i``, ``k``, ``d`` blob                      save a checkpoint
cd    ``i``, ``k``                                 delete a checkpoint
====  ==========================================  =========================================

Buffered writes (``p``, ``u``, ``y`` of ``tw``) that no longer apply (the trial finished
meanwhile, or a parameter conflicts with one written first) are skipped, identically
everywhere. A blob is ``{"b": base64}`` inline or ``{"r": name}`` in the backend's blob
store; the replica keeps it tagged (``b"\\0" + data`` or ``b"\\1" + name``).
"""

from __future__ import annotations

import base64
import datetime as _dt
import numbers
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from ..._internal.exceptions import TrialNotFoundError, UpdateFinishedTrialError
from ...space import Distribution
from ...space.serialize import distribution_from_dict, distribution_to_dict
from ...trial import FrozenTrial, StudyDirection, TrialState
from ..memory import FIXED_PARAMS_ATTR, InMemoryStorage

Op = dict[str, Any]
INLINE_BLOB_BYTES = 1024  # larger blobs go to the backend's blob store
_SKIPPED = (ValueError, TrialNotFoundError, UpdateFinishedTrialError)


def encode_param(name: str, internal: float, dist: Distribution) -> list[Any]:
    """One parameter as written in an operation: ``[name, internal value, distribution]``."""
    return [name, float(internal), distribution_to_dict(dist)]


def _iso(value: _dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _from_iso(value: str | None) -> _dt.datetime | None:
    return None if value is None else _dt.datetime.fromisoformat(value)


def encode_template(trial: FrozenTrial) -> dict[str, Any]:
    """A trial given to ``create_new_trial(template=...)``, as written in the log."""
    params = []
    for name, value in trial.params.items():
        dist = trial.distributions.get(name)
        if dist is None:
            raise ValueError(
                f"The trial's parameter {name!r} has no distribution; give one in "
                "`distributions` (see hypersweep.create_trial)."
            )
        params.append(encode_param(name, dist.to_internal(value), dist))
    return {
        "st": int(trial.state),
        "v": None if trial.values is None else [float(v) for v in trial.values],
        "p": params,
        "u": dict(trial.user_attrs),
        "y": dict(trial.system_attrs),
        "iv": [
            [int(step), float(v) if isinstance(v, numbers.Real) else [float(x) for x in v]]
            for step, v in trial.intermediate_values.items()
        ],
        "ds": _iso(trial.datetime_start),
        "dc": _iso(trial.datetime_complete),
        "r": trial.fail_reason,
    }


def encode_blob(data: bytes, put: Callable[[bytes], str]) -> dict[str, str]:
    """A blob as written in an operation: inline when small, else stored by ``put``."""
    if len(data) <= INLINE_BLOB_BYTES:
        return {"b": base64.b64encode(data).decode("ascii")}
    return {"r": put(data)}


def _tagged_blob(field: dict[str, str]) -> bytes:
    if "r" in field:
        return b"\1" + field["r"].encode("ascii")
    return b"\0" + base64.b64decode(field["b"])


class Replica:
    """An :class:`InMemoryStorage` driven by operations, on the operations' clock."""

    def __init__(self) -> None:
        self.mem = InMemoryStorage()
        self._dists: dict[str, Distribution] = {}
        self._handlers: dict[str, Callable[[Op], Any]] = {
            "cs": self._create_study,
            "ds": lambda op: self.mem.delete_study(op["s"]),
            "sa": self._study_attr,
            "ct": self._create_trial,
            "st": lambda op: self.mem.start_trial(op["s"], op.get("m")),
            "pw": lambda op: self.mem.pop_waiting_trial(op["s"]),
            "eq": self._enqueue,
            "tw": self._trial_writes,
            "hb": lambda op: self.mem.heartbeat(op["i"]),
            "fs": lambda op: self.mem.fail_stale_trials(op["s"], op["g"]),
            "ss": lambda op: self.mem.compare_and_set_study_state(
                op["s"], op["k"], _tagged_blob(op["d"]), op["v"]
            ),
            "ck": lambda op: self.mem.save_checkpoint(op["i"], op["k"], _tagged_blob(op["d"])),
            "cd": lambda op: self.mem.delete_checkpoint(op["i"], op["k"]),
        }

    def apply(self, op: Op) -> Any:
        """Apply one operation and return its result (or raise what the operation raised)."""
        handler = self._handlers.get(op.get("o"))  # type: ignore[arg-type]
        if handler is None:
            raise ValueError(
                f"Unknown journal operation {op.get('o')!r}: the log was written by a newer "
                "hypersweep; upgrade this one."
            )
        return self.mem.replay(float(op["t"]), handler, op)

    def distribution(self, data: dict[str, Any]) -> Distribution:
        """A distribution from its dict, cached (a study repeats a few distributions)."""
        key = repr(data)
        dist = self._dists.get(key)
        if dist is None:
            dist = distribution_from_dict(data)
            if len(self._dists) < 10_000:
                self._dists[key] = dist
        return dist

    # -- handlers ----------------------------------------------------------------------------
    def _create_study(self, op: Op) -> int:
        return self.mem.create_new_study(tuple(StudyDirection(d) for d in op["d"]), op["n"])

    def _study_attr(self, op: Op) -> None:
        if op["a"] == "u":
            self.mem.set_study_user_attr(op["s"], op["k"], op["v"])
        else:
            self.mem.set_study_system_attr(op["s"], op["k"], op["v"])

    def _create_trial(self, op: Op) -> FrozenTrial:
        data = op.get("tp")
        if data is None:
            return self.mem.create_new_trial(op["s"])
        params: dict[str, Any] = {}
        dists: dict[str, Distribution] = {}
        for name, internal, dist_data in data["p"]:
            dist = self.distribution(dist_data)
            params[name] = dist.to_external(internal)
            dists[name] = dist
        template = FrozenTrial(
            number=-1,
            state=TrialState(data["st"]),
            values=None if data["v"] is None else tuple(data["v"]),
            params=params,
            distributions=dists,
            user_attrs=data["u"],
            system_attrs=data["y"],
            intermediate_values={step: v for step, v in data["iv"]},
            datetime_start=_from_iso(data["ds"]),
            datetime_complete=_from_iso(data["dc"]),
            fail_reason=data["r"],
        )
        return self.mem.create_new_trial(op["s"], template=template)

    def _enqueue(self, op: Op) -> int | None:
        params = op["p"]
        if op.get("x"):
            # A popped enqueued trial may still hold its parameters in its worker's write
            # buffer: its fixed_params (in the log) stand for them.
            for rec in self.mem.study_record(op["s"]).trials:
                if (
                    rec.state is TrialState.RUNNING
                    and rec.system_attrs.get(FIXED_PARAMS_ATTR) == params
                ):
                    return None
        return self.mem.enqueue_trial(op["s"], params, op.get("u"), bool(op.get("x")), op.get("y"))

    def _trial_writes(self, op: Op) -> bool | None:
        mem, trial_id = self.mem, op["i"]
        for name, internal, dist_data in op.get("p", ()):
            with suppress(*_SKIPPED):
                mem.set_trial_param(trial_id, name, internal, self.distribution(dist_data))
        for key, value in op.get("u", {}).items():
            with suppress(*_SKIPPED):
                mem.set_trial_user_attr(trial_id, key, value)
        for key, value in op.get("y", {}).items():
            with suppress(*_SKIPPED):
                mem.set_trial_system_attr(trial_id, key, value)
        report = op.get("iv")
        if report is not None:
            mem.set_trial_intermediate_value(trial_id, report[0], tuple(report[1]))
        finish = op.get("f")
        if finish is not None:
            state, values, reason = finish
            return mem.finish_trial(trial_id, TrialState(state), values, reason)
        return None
