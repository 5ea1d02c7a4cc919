"""The study's sampler and scheduler, stored with it and rebuilt by other processes."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from .._internal.spec import SPEC_VERSION, NotStorable, decode, encode
from ..storage import Storage
from ..trial import keys

#: The study system attribute holding ``{"version", "sampler", "scheduler"}``.
SPEC_ATTR = keys.SPEC

T = TypeVar("T")


def store_spec(storage: Storage, study_id: int, roles: dict[str, Any]) -> None:
    """Store the specification of each role; warn (on shared storages) when one cannot be."""
    spec: dict[str, Any] = {"version": SPEC_VERSION}
    for role, obj in roles.items():
        try:
            spec[role] = encode(obj, role)
        except NotStorable as exc:
            spec[role] = {"$unstorable": str(exc)}
            if storage.shared_across_processes:
                warnings.warn(
                    f"The study's {role} cannot be stored with it ({exc}); load_study and "
                    f"`hypersweep worker` will need it passed as {role}= / --{role}.",
                    stacklevel=4,
                )
    storage.set_study_system_attr(study_id, SPEC_ATTR, spec)


def _describe(spec: dict[str, Any]) -> str:
    return str(spec.get("$object", "?")).rpartition(":")[2]


def resolve_role(
    storage: Storage, study_id: int, role: str, given: T | None, default: Callable[[], T]
) -> T:
    """``given`` if any (warning when it differs from the stored one), else the stored one
    rebuilt, else ``default()``."""
    stored = storage.get_study_system_attrs(study_id).get(SPEC_ATTR) or {}
    spec = stored.get(role)
    if given is not None:
        if isinstance(spec, dict) and "$unstorable" not in spec:
            try:
                same = encode(given) == spec
            except NotStorable:
                same = False
            if not same:
                warnings.warn(
                    f"The study was created with the {role} {_describe(spec)} {spec}; "
                    f"using the {type(given).__name__} given instead.",
                    stacklevel=4,
                )
        return given
    if not isinstance(spec, dict):
        return default()
    if "$unstorable" in spec:
        fallback = default()
        warnings.warn(
            f"The study's {role} could not be stored when it was created "
            f"({spec['$unstorable']}); using {type(fallback).__name__}. Pass {role}= to use "
            "the original.",
            stacklevel=4,
        )
        return fallback
    try:
        return decode(spec)  # type: ignore[no-any-return]
    except Exception as exc:
        fallback = default()
        warnings.warn(
            f"The study's stored {role} {_describe(spec)} could not be rebuilt "
            f"({type(exc).__name__}: {exc}); using {type(fallback).__name__}. Pass {role}= to "
            "choose one.",
            stacklevel=4,
        )
        return fallback
