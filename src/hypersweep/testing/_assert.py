"""Assertions that survive ``python -O``."""

from __future__ import annotations

from typing import Any


class ConformanceError(AssertionError):
    """A component broke a rule of its protocol."""


def expect(condition: Any, message: str) -> None:
    """Raise :class:`ConformanceError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ConformanceError(message)
