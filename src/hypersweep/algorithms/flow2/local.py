"""FLOW2: randomised direct search in the unit box, the local search of CFO and BlendSearch.

From an incumbent ``x`` with value ``f(x)``, FLOW2 draws a direction ``u`` uniformly on the
unit sphere and proposes ``x + step * u``, then ``x - step * u``. The first proposal that
improves on ``f(x)`` becomes the incumbent. After ``2 ** min(9, d)`` proposals from one
incumbent without improvement the step shrinks; once it is below a lower bound (about one
integer level) the search has converged. Up to ``2 d`` proposals per incumbent may be
pending at once (parallel workers); more are allowed only with ``force``.

Discrete columns (integers, stepped floats, categories) carry their sorted levels; every
proposal is snapped to them. Unordered categorical columns keep the incumbent's choice while
the move stays in its cell and otherwise jump to a uniformly drawn other choice. A proposal
that snaps onto the incumbent or onto a pending proposal is not returned: it counts as a
proposal without improvement, and, while the search is in its initial phase, widens the
step by 0.1 (integer plateaus), and another direction is drawn.

Two shrink rules (``shrink``):

* ``"flaml"``: ``step *= sqrt(k_old / k)`` where ``k`` is the number of proposals so far and
  ``k_old`` the ``k`` of the previous shrink (or of the last improvement); an improvement
  multiplies the step of its proposal by ``sqrt(k / k_old)``.
* ``"paper"`` (Wu et al., AAAI 2021, Algorithm 1): ``step *= sqrt(k_best / k)`` with
  ``k_best`` the proposal count at the last improvement; an improvement keeps the step.

>>> import numpy as np
>>> f = lambda x: float(((x - 0.3) ** 2).sum())
>>> search = Flow2(np.array([0.9, 0.9]), f(np.array([0.9, 0.9])))
>>> rng = np.random.default_rng(0)
>>> for _ in range(200):
...     proposal = search.ask(rng)
...     if proposal is None:
...         break
...     _ = search.tell(proposal.id, f(proposal.x))
>>> search.best_value < 1e-3
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Initial step as a fraction of sqrt(d) (FLAML's STEPSIZE).
STEP_SIZE = 0.1
#: Step lower bound (times sqrt(d)) when no column is discrete.
STEP_LOWER_BOUND = 1e-4
SHRINK_RULES = ("paper", "flaml")
_MAX_REDRAWS = 4096


@dataclass(frozen=True)
class Proposal:
    """One point proposed by :meth:`Flow2.ask`: ``id`` is what :meth:`Flow2.tell` takes."""

    id: int
    x: FloatArray
    step: float


def _pack(a: FloatArray | None) -> bytes | None:
    """A float array as bytes: pickles several times faster than the array itself."""
    return None if a is None else a.tobytes()


def _unpack(b: bytes | None) -> FloatArray | None:
    return None if b is None else np.frombuffer(b, dtype=np.float64).copy()


@dataclass
class _Pending:
    x: FloatArray
    step: float
    epoch: int

    def __getstate__(self) -> tuple[bytes | None, float, int]:
        return _pack(self.x), self.step, self.epoch

    def __setstate__(self, state: tuple[bytes, float, int]) -> None:
        x, self.step, self.epoch = state
        self.x = np.frombuffer(x, dtype=np.float64).copy()


def _step_lower_bound(levels: Sequence[FloatArray | None], categorical: Sequence[bool]) -> float:
    """The smallest gap between two levels of an ordered discrete column, times sqrt(d)."""
    d = len(levels)
    gaps = [
        float(np.min(np.diff(lv)))
        for lv, cat in zip(levels, categorical, strict=True)
        if lv is not None and not cat and len(lv) > 1
    ]
    return (min(gaps) if gaps else STEP_LOWER_BOUND) * math.sqrt(d)


@dataclass
class Flow2:
    """The FLOW2 local search from incumbent ``x0`` (value ``f0``, minimised) in ``[0, 1]^d``.

    ``levels[j]``: the sorted coordinates of column ``j``'s values (``None``: continuous);
    ``categorical[j]``: column ``j`` is an unordered choice (its levels are cell centres).
    See the module docstring for the rules and an example.
    """

    x0: FloatArray
    f0: float
    levels: list[FloatArray | None] | None = None
    categorical: list[bool] | None = None
    shrink: str = "paper"
    step0: float | None = None
    # -- state ------------------------------------------------------------------------------
    x: FloatArray = field(init=False)
    best_value: float = field(init=False)
    step: float = field(init=False)
    step_ub: float = field(init=False)
    step_lb: float = field(init=False)
    n_dir: int = field(init=False)
    converged: bool = field(init=False, default=False)
    init_phase: bool = field(init=False, default=True)
    k: int = field(init=False, default=1)
    k_best: int = field(init=False, default=1)
    k_shrink: int = field(init=False, default=0)
    k_old: int = field(init=False, default=0)
    epoch: int = field(init=False, default=0)
    n_proposed: int = field(init=False, default=0)
    n_complete: int = field(init=False, default=0)
    n_allowed: int = field(init=False, default=0)
    direction: FloatArray | None = field(init=False, default=None)
    pending: dict[int, _Pending] = field(init=False, default_factory=dict)
    next_id: int = field(init=False, default=0)
    best_prev: float = field(init=False)
    #: While ``True`` the step never shrinks (a resource below its maximum: the search buys
    #: more resource instead of converging, see :mod:`.resource`).
    hold: bool = field(init=False, default=False)
    _discrete: bool = field(init=False, default=False, repr=False)

    def __post_init__(self) -> None:
        x0 = np.asarray(self.x0, dtype=float)
        if x0.ndim != 1 or x0.size == 0:
            raise ValueError(f"x0 must be a non-empty 1-D array, got shape {x0.shape}.")
        if np.any(x0 < 0) or np.any(x0 > 1):
            raise ValueError("x0 must lie in the unit box [0, 1]^d.")
        if self.shrink not in SHRINK_RULES:
            raise ValueError(f"shrink must be one of {SHRINK_RULES}, got {self.shrink!r}.")
        d = x0.size
        self.levels = list(self.levels) if self.levels is not None else [None] * d
        self.categorical = list(self.categorical) if self.categorical is not None else [False] * d
        if len(self.levels) != d or len(self.categorical) != d:
            raise ValueError("levels and categorical need one entry per column of x0.")
        self.levels = [None if lv is None else np.sort(np.asarray(lv, float)) for lv in self.levels]
        self._discrete = any(lv is not None for lv in self.levels)
        self.x0 = x0
        self.x = self._snap(x0.copy(), x0, None)
        self.best_value = float(self.f0)
        self.best_prev = math.inf
        self.step_ub = math.sqrt(d)
        self.step_lb = _step_lower_bound(self.levels, self.categorical)
        step = STEP_SIZE * math.sqrt(d) if self.step0 is None else float(self.step0)
        if self.step_lb > step:
            step = 2 * self.step_lb
        self.step = min(step, self.step_ub)
        self.n_dir = 2 ** min(9, d)
        self.n_allowed = 2 * d

    _ARRAYS = ("x0", "x", "direction")

    def __getstate__(self) -> dict[str, object]:
        """Arrays travel as bytes (the state is pickled at every trial)."""
        state = dict(self.__dict__)
        for name in self._ARRAYS:
            if name in state:
                state[name] = _pack(state[name])
        if self.levels is not None:
            state["levels"] = [_pack(lv) for lv in self.levels]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        state = dict(state)
        for name in self._ARRAYS:
            if name in state:
                state[name] = _unpack(state[name])  # type: ignore[arg-type]
        levels = state.get("levels")
        if isinstance(levels, list):
            state["levels"] = [_unpack(lv) for lv in levels]
        self.__dict__.update(state)

    @property
    def dim(self) -> int:
        """The number of columns."""
        return int(self.x.size)

    @property
    def can_ask(self) -> bool:
        """Whether a proposal is allowed now (not converged, fewer than 2d pending)."""
        return not self.converged and self.n_allowed > 0

    # -- proposals ----------------------------------------------------------------------------
    def ask(self, rng: np.random.Generator, *, force: bool = False) -> Proposal | None:
        """The next proposal, or ``None`` when converged (or, unless ``force``, when 2d
        proposals are pending)."""
        if self.converged or (self.n_allowed <= 0 and not force):
            return None
        for _ in range(_MAX_REDRAWS):
            if self._maybe_shrink():
                return None
            self.n_allowed -= 1
            self.n_proposed += 1
            self.k += 1
            if self.direction is not None:
                raw = self.x - self.step * self.direction
                self.direction = None
            else:
                u = rng.standard_normal(self.dim)
                u /= max(math.sqrt(float(u.dot(u))), 1e-300)  # = np.linalg.norm, cheaper
                self.direction = u
                raw = self.x + self.step * u
            # = np.clip(raw, 0, 1), cheaper; + 0.0 turns -0.0 into 0.0
            x = self._snap(np.minimum(np.maximum(raw, 0.0), 1.0) + 0.0, self.x, rng)
            if self._known(x):
                self.n_allowed += 1  # answered from memory: no trial, no slot used
                self.n_complete += 1
                if self.init_phase:
                    self.step = min(self.step + STEP_SIZE, self.step_ub)
                continue
            pid = self.next_id
            self.next_id += 1
            self.pending[pid] = _Pending(x, self.step, self.epoch)
            return Proposal(pid, x, self.step)
        self.converged = True  # every direction lands on known points: nothing new nearby
        return None

    def _maybe_shrink(self) -> bool:
        """Shrink after ``n_dir`` proposals without improvement; ``True`` once converged."""
        if self.n_proposed < self.n_dir or self.hold:
            return False
        self.n_proposed -= 2
        self.init_phase = False
        if self.step < self.step_lb:
            self.converged = True
            return True
        if self.shrink == "flaml":
            self.k_old = self.k_shrink or self.k_best
            self.k_shrink = self.k + 1
            self.step *= math.sqrt(self.k_old / self.k_shrink)
        else:
            self.step *= math.sqrt(self.k_best / (self.k + 1))
        return False

    def _known(self, x: FloatArray) -> bool:
        key = x.tobytes()
        if key == (self.x + 0.0).tobytes():
            return True
        return any(key == p.x.tobytes() for p in self.pending.values())

    def _snap(self, x: FloatArray, ref: FloatArray, rng: np.random.Generator | None) -> FloatArray:
        """Snap discrete columns of ``x`` to their levels (categories: see module docstring)."""
        assert self.levels is not None and self.categorical is not None
        if not self._discrete:
            return x
        for j, (lv, cat) in enumerate(zip(self.levels, self.categorical, strict=True)):
            if lv is None:
                continue
            if cat:
                n = len(lv)
                here = min(int(ref[j] * n), n - 1)
                cell = min(int(x[j] * n), n - 1)
                if cell == here or rng is None or n < 2:
                    x[j] = lv[here]
                else:
                    other = int(rng.integers(n - 1))
                    x[j] = lv[other + (other >= here)]
            else:
                x[j] = lv[int(np.argmin(np.abs(lv - x[j])))]
        return x

    # -- results --------------------------------------------------------------------------
    def tell(self, pid: int, value: float | None, x: FloatArray | None = None) -> bool:
        """The result of proposal ``pid`` (``None`` or NaN: failed). ``x``: the point actually
        evaluated, when it differs from the proposal. Returns whether the incumbent moved."""
        pending = self.pending.pop(pid, None)
        if pending is None:
            return False
        point = pending.x if x is None else np.asarray(x, dtype=float)
        f = math.inf if value is None or math.isnan(value) else float(value)
        if f < self.best_value:
            self.best_prev = self.best_value
            self.best_value = f
            self.x = point
            self.step = pending.step
            if self.shrink == "flaml" and self.k_shrink > 0:
                self.step *= math.sqrt(self.k_shrink / self.k_old)
            self.step = min(self.step, self.step_ub)
            self.k_best = self.k
            self.epoch += 1
            self.n_proposed = self.n_complete = 0
            self.n_allowed = 2 * self.dim
            self.direction = None
            self.converged = False
            return True
        if pending.epoch == self.epoch:
            self.n_complete += 1
            if self.n_complete >= 2 * self.dim and self.n_allowed <= 0:
                self.n_allowed = 2
        return False

    def rebase(self, value: float) -> None:
        """The incumbent was evaluated again (at a larger resource) with ``value``: that is
        its value from now on, and the count of proposals without improvement restarts.
        Pending proposals stay pending."""
        self.best_prev = self.best_value
        self.best_value = float(value)
        self.k_best = self.k
        self.epoch += 1
        self.n_proposed = self.n_complete = 0
        self.n_allowed = 2 * self.dim
        self.direction = None
        self.converged = False

    def reach(self, x: FloatArray) -> bool:
        """Whether ``x`` is within one step of the incumbent (same unordered choices)."""
        assert self.categorical is not None
        x = np.asarray(x, dtype=float)
        if not any(self.categorical):  # the common case, without masks
            d = x - self.x
            return math.sqrt(float(d.dot(d))) <= self.step
        cat = np.asarray(self.categorical, dtype=bool)
        if np.any(np.abs(x[cat] - self.x[cat]) > 1e-12):
            return False
        return float(np.linalg.norm(x[~cat] - self.x[~cat])) <= self.step
