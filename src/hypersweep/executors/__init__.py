"""Who runs the objective: inline, threads, processes, a simulated clock (Ray is planned)."""

from .base import Executor, WorkerFn
from .inline import InlineExecutor
from .processes import ProcessExecutor
from .resolve import EXECUTORS, resolve_executor
from .simulated import SimulatedExecutor
from .threads import ThreadExecutor

__all__ = [
    "EXECUTORS",
    "Executor",
    "InlineExecutor",
    "ProcessExecutor",
    "SimulatedExecutor",
    "ThreadExecutor",
    "WorkerFn",
    "resolve_executor",
]
