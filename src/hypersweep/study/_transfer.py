"""Moving studies around: copy between storages, export to CSV/JSON, import from Optuna."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .._internal.optional import import_optional
from ..space import distribution_from_json
from ..storage import Storage, get_storage
from ..trial import FrozenTrial, StudyDirection, TrialState
from ._api import create_study, load_study

_COPYABLE = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.WAITING)


def copy_study(
    *,
    from_study_name: str,
    from_storage: Storage | str,
    to_storage: Storage | str,
    to_study_name: str | None = None,
) -> int:
    """Copy a study, its attributes and its trials to another storage; returns trials copied.

    RUNNING trials are not copied (they have no result yet).

    >>> import hypersweep as hs
    >>> src, dst = hs.storages.InMemoryStorage(), hs.storages.InMemoryStorage()
    >>> hs.create_study(storage=src, study_name="s").optimize(
    ...     lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    >>> hs.copy_study(from_study_name="s", from_storage=src, to_storage=dst)
    2
    """
    source = load_study(study_name=from_study_name, storage=from_storage)
    target = create_study(
        storage=get_storage(to_storage),
        study_name=to_study_name or from_study_name,
        directions=source.directions,
    )
    for key, value in source.user_attrs.items():
        target.set_user_attr(key, value)
    for key, value in source.system_attrs.items():
        target.set_system_attr(key, value)
    trials = [t for t in source.trials if t.state in _COPYABLE]
    target.add_trials(trials)
    return len(trials)


def _row(trial: FrozenTrial) -> dict[str, Any]:
    return {
        "number": trial.number,
        "state": trial.state.name,
        "values": list(trial.values) if trial.values is not None else None,
        "params": dict(trial.params),
        "user_attrs": dict(trial.user_attrs),
        "intermediate_values": {str(k): v for k, v in trial.intermediate_values.items()},
        "datetime_start": trial.datetime_start.isoformat() if trial.datetime_start else None,
        "datetime_complete": (
            trial.datetime_complete.isoformat() if trial.datetime_complete else None
        ),
        "fail_reason": trial.fail_reason,
    }


def export_trials(trials: list[FrozenTrial], fmt: str) -> str:
    """The trials as CSV (one column per parameter and value) or JSON (one object each)."""
    rows = [_row(t) for t in trials]
    if fmt == "json":
        return json.dumps(rows, indent=2, allow_nan=True) + "\n"
    if fmt != "csv":
        raise ValueError(f"format must be 'csv' or 'json', got {fmt!r}.")
    n_values = max((len(r["values"] or []) for r in rows), default=1)
    names: list[str] = []
    for r in rows:
        names += [n for n in r["params"] if n not in names]
    out = io.StringIO()
    writer = csv.writer(out)
    value_cols = ["value"] if n_values == 1 else [f"values_{i}" for i in range(n_values)]
    writer.writerow(
        [
            "number",
            "state",
            *value_cols,
            *[f"params_{n}" for n in names],
            "datetime_start",
            "datetime_complete",
            "fail_reason",
        ]
    )
    for r in rows:
        values = r["values"] or [None] * n_values
        writer.writerow(
            [
                r["number"],
                r["state"],
                *values,
                *[r["params"].get(n, "") for n in names],
                r["datetime_start"],
                r["datetime_complete"],
                r["fail_reason"] or "",
            ]
        )
    return out.getvalue()


def import_optuna_study(
    *,
    from_storage: str,
    study_name: str,
    to_storage: Storage | str,
    to_study_name: str | None = None,
) -> tuple[int, int]:
    """Bring a study over from an Optuna storage URL (RDB or journal file).

    Returns ``(imported, skipped)``: RUNNING trials are skipped. Needs ``optuna``
    (``pip install 'hypersweep[optuna]'``).
    """
    optuna = import_optional("optuna", "optuna", "Importing an Optuna study")
    storage: Any = from_storage
    if from_storage.startswith("journal:"):
        path = from_storage.split("://", 1)[1]
        storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path))
    source = optuna.load_study(study_name=study_name, storage=storage)
    directions = [StudyDirection[d.name] for d in source.directions]
    target = create_study(
        storage=get_storage(to_storage),
        study_name=to_study_name or study_name,
        directions=directions,
    )
    for key, value in source.user_attrs.items():
        target.set_user_attr(key, value)
    imported = skipped = 0
    for ot in source.get_trials(deepcopy=False):
        state = TrialState[ot.state.name]
        if state is TrialState.RUNNING:
            skipped += 1
            continue
        system = dict(ot.system_attrs)
        fail_reason = system.pop("fail_reason", None)
        target.add_trial(
            FrozenTrial(
                number=-1,
                state=state,
                values=tuple(ot.values) if ot.values is not None else None,
                params=dict(ot.params),
                distributions={
                    name: distribution_from_json(optuna.distributions.distribution_to_json(d))
                    for name, d in ot.distributions.items()
                },
                user_attrs=dict(ot.user_attrs),
                system_attrs=system,
                intermediate_values=dict(ot.intermediate_values),
                datetime_start=ot.datetime_start,
                datetime_complete=ot.datetime_complete,
                fail_reason=fail_reason,
            )
        )
        imported += 1
    return imported, skipped
