"""The executor names ``optimize(executor=...)`` and ``tune(executor=...)`` accept."""

from __future__ import annotations

from collections.abc import Callable

from .base import Executor
from .inline import InlineExecutor
from .processes import ProcessExecutor
from .ray import RayExecutor
from .threads import ThreadExecutor

#: Executor names and how to make one; a new executor registers itself here.
EXECUTORS: dict[str, Callable[[], Executor]] = {
    "inline": InlineExecutor,
    "threads": ThreadExecutor,
    "processes": ProcessExecutor,
    "ray": RayExecutor,
}


def resolve_executor(executor: Executor | str | None, n_jobs: int) -> Executor:
    """``executor`` itself, the executor it names, or the default for ``n_jobs`` workers
    (inline for one, threads for more).

    >>> type(resolve_executor(None, 4)).__name__, type(resolve_executor("processes", 2)).__name__
    ('ThreadExecutor', 'ProcessExecutor')
    """
    if executor is None:
        return InlineExecutor() if n_jobs == 1 else ThreadExecutor()
    if isinstance(executor, Executor):
        return executor
    if isinstance(executor, str) and executor in EXECUTORS:
        return EXECUTORS[executor]()
    raise ValueError(
        f"executor must be an Executor or one of {sorted(EXECUTORS)}, got {executor!r}."
    )
