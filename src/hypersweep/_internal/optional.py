"""Import optional dependencies with an error that names the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType


def import_optional(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise ``ImportError`` saying which extra provides it.

    >>> import_optional("math", "none", "testing").__name__
    'math'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        raise ImportError(
            f"{purpose} needs the optional package '{top}', which is not installed. "
            f"Install it with: pip install 'hypersweep[{extra}]'"
        ) from exc
