"""The specification round trip shared by the sampler and scheduler suites."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from .._internal.spec import NotStorable, decode, encode
from ._assert import ConformanceError, expect

T = TypeVar("T")

STORABLE = (
    "define the class at the top level of an importable module (not in __main__ or in a "
    "function), and pass only JSON-able values (None, bool, int, float, str, and lists, "
    "tuples and dicts with str keys of them), enums, or samplers/schedulers/distributions "
    "(objects importable by their module path) as constructor arguments"
)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def spec_round_trip(obj: T, role: str) -> tuple[T, str]:
    """``obj`` encoded to JSON text and rebuilt from it, and that text.

    Raises :class:`ConformanceError` when ``obj`` cannot be stored, cannot be rebuilt, or when
    rebuilding changes its specification.
    """
    try:
        spec = encode(obj, role)
        text = json.dumps(spec, sort_keys=True)
    except (NotStorable, TypeError, ValueError) as exc:
        raise ConformanceError(
            f"the {role} cannot be stored with a study ({exc}); a study stores its {role} as "
            f"JSON so that load_study and `hypersweep worker` rebuild it: {STORABLE}"
        ) from None
    try:
        rebuilt: Any = decode(json.loads(text))
    except Exception as exc:
        raise ConformanceError(
            f"the {role} cannot be rebuilt from its specification {_short(text)} "
            f"({type(exc).__name__}: {exc}); its constructor must accept the arguments it "
            "recorded, unchanged (do not modify an argument inside __init__)"
        ) from None
    expect(
        type(rebuilt) is type(obj),
        f"the {role} rebuilt from its specification is a {type(rebuilt).__name__}, "
        f"not a {type(obj).__name__}",
    )
    again = json.dumps(encode(rebuilt, role), sort_keys=True)
    expect(
        again == text,
        f"rebuilding the {role} changed its specification from {_short(text)} to "
        f"{_short(again)}; __init__ must not modify its arguments",
    )
    return rebuilt, text


def first_difference(left: list[Any], right: list[Any]) -> str:
    """Where two lists of per-trial records first differ, in words."""
    for i, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return f"trial {i}: {a!r} vs {b!r}"
    return f"{len(left)} vs {len(right)} trials"
