"""Who runs the objective: inline, threads (processes and Ray clusters are planned)."""

from .base import Executor, WorkerFn
from .inline import InlineExecutor
from .threads import ThreadExecutor

__all__ = ["Executor", "InlineExecutor", "ThreadExecutor", "WorkerFn"]
