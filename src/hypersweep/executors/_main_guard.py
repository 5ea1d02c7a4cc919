"""Refuse to start processes from an unguarded script.

A spawned process imports the script that started it (as ``__mp_main__``) before it runs
its task. Code at the script's top level runs again in every child, so an unguarded
``study.optimize(..., executor="processes")`` would start trials (and, on Linux, fail only
after writing them). The check below finds the caller's line in the ``__main__`` script and
raises unless that line sits under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import ast
import sys
from types import FrameType


def _is_main_test(node: ast.expr) -> bool:
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
        return False
    if not isinstance(node.ops[0], ast.Eq):
        return False
    sides = [node.left, node.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(consts) == 1


def _guarded_lines(source: str) -> list[tuple[int, int]]:
    """Line ranges of the bodies of ``if __name__ == "__main__":`` blocks."""
    ranges = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If) and _is_main_test(node.test):
            end = node.body[-1].end_lineno or node.body[-1].lineno
            ranges.append((node.body[0].lineno, end))
    return ranges


def _main_module_frame(main_globals: dict[str, object]) -> FrameType | None:
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is main_globals and frame.f_code.co_name == "<module>":
            return frame
        frame = frame.f_back
    return None


def check_main_guarded() -> None:
    """Raise ``RuntimeError`` when called from the unguarded top level of a ``__main__`` script.

    Interactive sessions, notebooks, ``python -c`` and calls from inside functions of a
    guarded script pass.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not isinstance(path, str):
        return
    frame = _main_module_frame(vars(main))
    if frame is None:
        return
    try:
        with open(path, encoding="utf-8") as file:
            source = file.read()
        ranges = _guarded_lines(source)
    except (OSError, SyntaxError, ValueError):
        return
    line = frame.f_lineno
    if any(start <= line <= end for start, end in ranges):
        return
    raise RuntimeError(
        f"executor='processes' starts fresh Python processes, and each one imports {path} "
        f"again: line {line} of it, which starts this study, would run again in every "
        "worker. Put the code that runs the study under a main guard:\n\n"
        'if __name__ == "__main__":\n'
        "    study.optimize(objective, n_trials=..., n_jobs=..., executor='processes')\n"
    )
