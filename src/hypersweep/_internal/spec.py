"""Specifications: a sampler or scheduler as JSON (import path + constructor arguments).

The study stores the specification of its sampler and scheduler, so that ``load_study`` and
``hypersweep worker`` in another process rebuild the same ones. Objects opt in with
:class:`RecordsArguments`, which remembers the arguments of the constructor call.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import json
from typing import Any

SPEC_VERSION = 1


class NotStorable(ValueError):
    """A value that a specification cannot hold (a lambda, a class defined in ``__main__``)."""


class RecordsArguments:
    """Mixin: remembers the constructor's arguments so :func:`encode` can store the object.

    >>> import hypersweep as hs
    >>> spec = encode(hs.schedulers.ASHAScheduler(1, 27))
    >>> spec["kwargs"]["max_resource"], decode(spec).max_resource
    (27, 27)
    """

    _spec_arguments: tuple[tuple[Any, ...], dict[str, Any]]

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        obj = super().__new__(cls)
        obj._spec_arguments = (args, kwargs)
        return obj


def _public_path(obj: Any) -> str:
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", "")
    if not module or "<" in qualname:
        raise NotStorable(f"{obj!r} has no import path (a lambda or a local definition)")
    if module in ("__main__", "__mp_main__"):
        raise NotStorable(
            f"{qualname} is defined in the script run as __main__; other processes cannot "
            "import it (move it into a module)"
        )
    parts = module.split(".")
    for n in range(1, len(parts) + 1):  # the shortest public path that finds the same object
        candidate = ".".join(parts[:n])
        if any(p.startswith("_") for p in parts[1:n]):
            continue
        try:
            if _resolve(f"{candidate}:{qualname}") is obj:
                return f"{candidate}:{qualname}"
        except Exception:
            continue
    raise NotStorable(f"{module}:{qualname} cannot be imported back")


def _resolve(path: str) -> Any:
    module_name, _, qualname = path.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def _bound(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    try:
        sig = inspect.signature(cls)
        if any(p.kind is p.VAR_POSITIONAL for p in sig.parameters.values()):
            return None
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        return dict(bound.arguments)
    except (TypeError, ValueError):
        return None


def encode(value: Any, where: str = "value") -> Any:
    """``value`` as JSON-ready data; raises :class:`NotStorable` naming ``where``."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "dtype") and getattr(value, "shape", None) == ():
        return value.item()
    if isinstance(value, list):
        return [encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise NotStorable(f"{where}: a dict with non-string keys")
        return {"$dict": {k: encode(v, f"{where}[{k!r}]") for k, v in value.items()}}
    if isinstance(value, enum.Enum):
        return {"$enum": _public_path(type(value)), "name": value.name}
    if isinstance(value, RecordsArguments):
        args, kwargs = value._spec_arguments
        bound = _bound(type(value), args, kwargs)
        if bound is not None:
            args, kwargs = (), bound
        return {
            "$object": _public_path(type(value)),
            "args": [encode(a, f"{where}({i})") for i, a in enumerate(args)],
            "kwargs": {k: encode(v, f"{where}.{k}") for k, v in kwargs.items()},
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.init}
        return {
            "$object": _public_path(type(value)),
            "args": [],
            "kwargs": {k: encode(v, f"{where}.{k}") for k, v in fields.items()},
        }
    if inspect.ismethod(value) and isinstance(value.__self__, RecordsArguments):
        return {"$method": encode(value.__self__, where), "name": value.__name__}
    if callable(value):
        try:
            return {"$ref": _public_path(value)}
        except NotStorable as exc:
            raise NotStorable(f"{where}: {exc}") from None
    raise NotStorable(f"{where}: a {type(value).__name__} cannot be stored")


def decode(data: Any, _memo: dict[str, Any] | None = None) -> Any:
    """The object :func:`encode` described (imports and calls constructors).

    Equal object nodes in one specification become one object: BOHB's TPE reads the same
    observations object through ``observations`` and ``gamma``.
    """
    memo: dict[str, Any] = {} if _memo is None else _memo
    if isinstance(data, list):
        return [decode(v, memo) for v in data]
    if not isinstance(data, dict):
        return data
    if "$tuple" in data:
        return tuple(decode(v, memo) for v in data["$tuple"])
    if "$dict" in data:
        return {k: decode(v, memo) for k, v in data["$dict"].items()}
    if "$enum" in data:
        return _resolve(data["$enum"])[data["name"]]
    if "$method" in data:
        return getattr(decode(data["$method"], memo), data["name"])
    if "$ref" in data:
        return _resolve(data["$ref"])
    if "$object" in data:
        key = json.dumps(data, sort_keys=True)
        if key not in memo:
            cls = _resolve(data["$object"])
            args = [decode(a, memo) for a in data.get("args", [])]
            kwargs = {k: decode(v, memo) for k, v in data.get("kwargs", {}).items()}
            memo[key] = cls(*args, **kwargs)
        return memo[key]
    raise ValueError(f"Unknown specification node {sorted(data)}.")
