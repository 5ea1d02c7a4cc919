"""Shared test helpers."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(module: str) -> object:
    """Import ``module``; skip outside CI when it is missing, fail under CI."""
    try:
        return __import__(module)
    except ImportError:
        if IN_CI:
            raise
        pytest.skip(f"{module} is not installed (install the 'dev' extra); skipped outside CI")
