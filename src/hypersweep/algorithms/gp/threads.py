"""Run the GP's linear algebra on one BLAS thread.

The matrices here are small (a few hundred rows): threading them gains little, and on a
loaded machine OpenBLAS threads that spin-wait for a busy core can make one suggestion five
times slower. ``threadpoolctl`` (installed with scikit-learn) limits the thread pools of the
BLAS libraries numpy and scipy loaded; without it nothing changes.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Iterator
from typing import Any

_controller: Any = None
_lock = threading.Lock()


def _get_controller() -> Any:
    global _controller
    with _lock:
        if _controller is None:
            try:
                import scipy.linalg  # noqa: F401  (load scipy's BLAS before scanning)

                threadpoolctl = importlib.import_module("threadpoolctl")
            except ImportError:
                _controller = False
            else:
                _controller = threadpoolctl.ThreadpoolController()
        return _controller


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread inside the block (a no-op without ``threadpoolctl``).

    >>> with single_blas_thread():
    ...     pass
    """
    controller = _get_controller()
    if controller is False:
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield
