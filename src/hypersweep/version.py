"""Optuna's ``optuna.version`` module path: the installed version string.

>>> import hypersweep.version
>>> isinstance(hypersweep.version.__version__, str)
True
"""

from . import __version__

__all__ = ["__version__"]
