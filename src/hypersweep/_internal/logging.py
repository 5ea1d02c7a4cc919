"""The library logger. hypersweep adds no handler: configure ``logging`` as usual."""

from __future__ import annotations

import logging

logger = logging.getLogger("hypersweep")


def get_logger(name: str) -> logging.Logger:
    """A child of the ``hypersweep`` logger."""
    return logger.getChild(name)
