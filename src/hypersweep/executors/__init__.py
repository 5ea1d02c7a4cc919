"""Who runs the objective: inline, threads, processes (Ray clusters are planned)."""

from .base import Executor, WorkerFn
from .inline import InlineExecutor
from .processes import ProcessExecutor
from .threads import ThreadExecutor

__all__ = ["Executor", "InlineExecutor", "ProcessExecutor", "ThreadExecutor", "WorkerFn"]
