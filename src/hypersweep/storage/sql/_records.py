"""Row <-> record conversion and the local record of a trial this process runs."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...space import Distribution, distribution_from_json
from ...trial import FrozenTrial, TrialState


def dumps(value: Any) -> str:
    """JSON that keeps inf and NaN (read back by :func:`loads`)."""
    return json.dumps(value, allow_nan=True)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def to_datetime(ts: float | None) -> _dt.datetime | None:
    return None if ts is None else _dt.datetime.fromtimestamp(ts)


def values_to_json(values: Sequence[float] | None) -> str | None:
    return None if values is None else dumps([float(v) for v in values])


def values_from_json(text: str | None) -> tuple[float, ...] | None:
    data = loads(text)
    return None if data is None else tuple(float(v) for v in data)


class DistributionCache:
    """Parsing distributions from JSON once per distinct text."""

    def __init__(self) -> None:
        self._by_text: dict[str, Distribution] = {}

    def get(self, text: str) -> Distribution:
        dist = self._by_text.get(text)
        if dist is None:
            dist = self._by_text[text] = distribution_from_json(text)
        return dist


class LiveTrial:
    """What this process knows of a trial it started: the stored fields plus buffered writes."""

    __slots__ = (
        "datetime_start",
        "distributions",
        "intermediate",
        "number",
        "params",
        "pending_params",
        "pending_user",
        "single",
        "study_id",
        "system_attrs",
        "trial_id",
        "user_attrs",
    )

    def __init__(
        self,
        trial_id: int,
        study_id: int,
        number: int,
        single: bool,
        datetime_start: float,
    ) -> None:
        self.trial_id = trial_id
        self.study_id = study_id
        self.number = number
        self.single = single
        self.datetime_start = datetime_start
        self.params: dict[str, Any] = {}
        self.distributions: dict[str, Distribution] = {}
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.intermediate: dict[int, tuple[float, ...]] = {}
        self.pending_params: dict[str, tuple[float, str]] = {}
        self.pending_user: dict[str, Any] = {}

    def has_pending(self) -> bool:
        return bool(self.pending_params or self.pending_user)

    def clear_pending(self) -> None:
        self.pending_params.clear()
        self.pending_user.clear()

    def snapshot(
        self,
        state: TrialState = TrialState.RUNNING,
        values: tuple[float, ...] | None = None,
        datetime_complete: float | None = None,
        fail_reason: str | None = None,
    ) -> FrozenTrial:
        return FrozenTrial(
            number=self.number,
            state=state,
            values=values,
            params=dict(self.params),
            distributions=dict(self.distributions),
            user_attrs=dict(self.user_attrs),
            system_attrs=dict(self.system_attrs),
            intermediate_values=reports_for_trial(self.intermediate, self.single),
            datetime_start=to_datetime(self.datetime_start),
            datetime_complete=to_datetime(datetime_complete),
            trial_id=self.trial_id,
            fail_reason=fail_reason,
        )


def reports_for_trial(reports: Mapping[int, tuple[float, ...]], single: bool) -> dict[int, Any]:
    return {s: (v[0] if single else v) for s, v in reports.items()}


def build_trial(
    row: Any,
    params: Iterable[Any],
    attrs: Iterable[Any],
    reports: Iterable[Any],
    single: bool,
    dists: DistributionCache,
) -> FrozenTrial:
    """A FrozenTrial from a ``hs_trials`` row and its child rows."""
    param_values: dict[str, Any] = {}
    distributions: dict[str, Distribution] = {}
    for p in params:
        dist = dists.get(p.distribution)
        distributions[p.name] = dist
        param_values[p.name] = dist.to_external(p.internal)
    user: dict[str, Any] = {}
    system: dict[str, Any] = {}
    for a in attrs:
        (user if a.kind == "user" else system)[a.key] = loads(a.value)
    intermediate: dict[int, tuple[float, ...]] = {}
    for r in reports:
        values = loads(r.values_json)
        intermediate[int(r.step)] = tuple(float(v) for v in values)
    return FrozenTrial(
        number=int(row.number),
        state=TrialState(row.state),
        values=values_from_json(row.values_json),
        params=param_values,
        distributions=distributions,
        user_attrs=user,
        system_attrs=system,
        intermediate_values=reports_for_trial(intermediate, single),
        datetime_start=to_datetime(row.datetime_start),
        datetime_complete=to_datetime(row.datetime_complete),
        trial_id=int(row.trial_id),
        fail_reason=row.fail_reason,
    )
