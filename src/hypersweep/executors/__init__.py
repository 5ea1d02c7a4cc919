"""Who runs the objective: inline, threads, processes, a Ray cluster, a simulated clock."""

from .base import Executor, WorkerFn
from .inline import InlineExecutor
from .processes import ProcessExecutor
from .ray import RayExecutor
from .resolve import EXECUTORS, resolve_executor
from .simulated import SimulatedExecutor
from .threads import ThreadExecutor

__all__ = [
    "EXECUTORS",
    "Executor",
    "InlineExecutor",
    "ProcessExecutor",
    "RayExecutor",
    "SimulatedExecutor",
    "ThreadExecutor",
    "WorkerFn",
    "resolve_executor",
]
