"""Cost-frugal samplers: CFO and BlendSearch (FLOW2 local searches, shared by workers)."""

from .blendsearch import BlendSearchSampler
from .cfo import CFOSampler
from .options import UNIT_COST

__all__ = ["UNIT_COST", "BlendSearchSampler", "CFOSampler"]
