"""Per-trial resources: checking a request and placing workers on the GPUs of one machine.

A request is a mapping such as ``{"cpu": 2, "gpu": 0.5}`` (Ray's custom resources by any
other name). Without Ray, the process executor honours ``"gpu"``: :func:`gpu_plan` gives
each worker the devices it may see (``CUDA_VISIBLE_DEVICES``), packing ``1 / gpu`` workers
on each GPU for a fraction, or ``gpu`` whole GPUs per worker.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from collections.abc import Mapping

#: The environment variable the CUDA runtime (and torch, JAX, TensorFlow) reads.
VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES"


def check_resources(resources: object) -> dict[str, float] | None:
    """``resources`` as a dict of non-negative numbers, or ``None``; else ``ValueError`` /
    ``TypeError`` saying what to fix.

    >>> check_resources({"cpu": 2, "gpu": 0.5})
    {'cpu': 2.0, 'gpu': 0.5}
    """
    if resources is None:
        return None
    if not isinstance(resources, Mapping):
        raise TypeError(
            "resources must be a dict such as {'cpu': 2, 'gpu': 0.5}, got "
            f"{type(resources).__name__} {resources!r}."
        )
    out: dict[str, float] = {}
    for name, amount in resources.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"resource names must be strings, got {name!r}.")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise TypeError(f"resources[{name!r}] must be a number, got {amount!r}.")
        if not math.isfinite(amount) or amount < 0:
            raise ValueError(f"resources[{name!r}] must be a number >= 0, got {amount!r}.")
        out[name.lower() if name.lower() in ("cpu", "gpu") else name] = float(amount)
    gpu = out.get("gpu", 0.0)
    if gpu > 1 and gpu != int(gpu):
        raise ValueError(
            f"resources['gpu'] is a fraction of one GPU (<= 1) or a whole number of GPUs, "
            f"got {gpu}."
        )
    return out


def visible_gpus() -> list[str]:
    """The GPUs this process may use: ``CUDA_VISIBLE_DEVICES`` when set, else those
    ``nvidia-smi`` lists, else none."""
    listed = os.environ.get(VISIBLE_DEVICES)
    if listed is not None:
        return [d.strip() for d in listed.split(",") if d.strip() and d.strip() != "-1"]
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return []
    try:
        out = subprocess.run(
            [smi, "--query-gpu=index", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def gpu_plan(gpu: float, n_workers: int, devices: list[str]) -> list[str]:
    """``CUDA_VISIBLE_DEVICES`` for each of ``n_workers`` workers asking for ``gpu`` GPUs
    each (a fraction: ``floor(1 / gpu)`` workers share a device), on ``devices``.

    >>> gpu_plan(0.5, 8, ["0", "1", "2", "3"])
    ['0', '0', '1', '1', '2', '2', '3', '3']
    >>> gpu_plan(2, 2, ["0", "1", "2", "3"])
    ['0,1', '2,3']
    """
    if not devices:
        raise ValueError(
            f"resources={{'gpu': {gpu}}} asks for GPUs, but this machine shows none "
            f"({VISIBLE_DEVICES} is empty and nvidia-smi lists none)."
        )
    if gpu <= 1:
        per_device = max(1, math.floor(1 / gpu + 1e-9))
        capacity = per_device * len(devices)
        if n_workers > capacity:
            raise ValueError(
                f"{n_workers} workers asking for {gpu} GPU each need "
                f"{math.ceil(n_workers / per_device)} GPUs; this machine shows {len(devices)} "
                f"({', '.join(devices)}). Lower n_jobs to {capacity} or the GPU fraction."
            )
        return [devices[i // per_device] for i in range(n_workers)]
    whole = int(gpu)
    if whole * n_workers > len(devices):
        raise ValueError(
            f"{n_workers} workers asking for {whole} GPUs each need {whole * n_workers}; this "
            f"machine shows {len(devices)}. Lower n_jobs to {len(devices) // whole}."
        )
    return [",".join(devices[i * whole : (i + 1) * whole]) for i in range(n_workers)]
