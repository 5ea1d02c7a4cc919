"""HyperBand (Li et al., JMLR 2018): successive halving brackets from aggressive to none."""

from __future__ import annotations

from dataclasses import dataclass

from ..trial import FrozenTrial, History
from ..trial.lineage import Lineage, LineageTable, Promotion
from ._rungs import (
    RungScheduler,
    async_decide,
    async_promotions,
    check_resources,
    may_cross,
    milestones,
    sync_decide,
)
from .base import CONTINUE, Decision


@dataclass(frozen=True)
class Bracket:
    """One successive-halving bracket of HyperBand (a row of the paper's table).

    ``rung_sizes[i]`` configurations are run to step ``rung_steps[i]``; the last entry is
    ``max_resource``.
    """

    s: int
    n_configs: int
    min_resource: int
    milestones: tuple[int, ...]
    rung_sizes: tuple[int, ...]
    rung_steps: tuple[int, ...]


def hyperband_brackets(min_resource: int, max_resource: int, eta: int) -> tuple[Bracket, ...]:
    """HyperBand's brackets, most aggressive first.

    ``s_max`` is the largest ``s`` with ``min_resource * eta**s <= max_resource``; bracket
    ``s`` starts ``ceil((s_max + 1) / (s + 1) * eta**s)`` configurations at step
    ``min_resource * eta**(s_max - s)``.

    >>> [(b.n_configs, b.min_resource) for b in hyperband_brackets(1, 81, 3)]
    [(81, 1), (34, 3), (15, 9), (8, 27), (5, 81)]
    >>> hyperband_brackets(1, 81, 3)[1].rung_sizes
    (34, 11, 3, 1)
    """
    check_resources(min_resource, max_resource, eta)
    s_max = 0
    while min_resource * eta ** (s_max + 1) <= max_resource:
        s_max += 1
    out = []
    for s in range(s_max, -1, -1):
        n = -(-(s_max + 1) * eta**s // (s + 1))  # ceil without floats
        r = min_resource * eta ** (s_max - s)
        steps = milestones(r, max_resource, eta)
        sizes = tuple(n if k == 0 else max(1, n // eta**k) for k in range(len(steps) + 1))
        out.append(Bracket(s, n, r, steps, sizes, (*steps, max_resource)))
    return tuple(out)


class HyperBandScheduler(RungScheduler):
    """HyperBand: successive-halving brackets that trade many configurations on a small
    budget against few configurations on the full budget.

    Bracket assignment is a function of the configuration's position (trial numbers, not
    counting continuation trials): one *cycle* is ``sum(n_s)`` configurations, the first
    ``n_{s_max}`` of a cycle go to the most aggressive bracket, the next ``n_{s_max - 1}`` to
    the next one, and so on (the paper's order). Every worker computes the same bracket
    from the history, so workers agree without talking. :attr:`brackets` lists them.

    ``asynchronous=False`` (default, as in the paper and BOHB): each bracket of each cycle
    is synchronous successive halving (see ``SuccessiveHalvingScheduler`` for what
    ``pause`` does). ``asynchronous=True``: each bracket is an ASHA ladder over all the
    configurations assigned to it (the asynchronous HyperBand of Li et al. 2020).

    >>> import hypersweep as hs
    >>> from hypersweep.schedulers.hyperband import HyperBandScheduler
    >>> hb = HyperBandScheduler(min_resource=1, max_resource=27, reduction_factor=3)
    >>> [(b.n_configs, b.min_resource) for b in hb.brackets]
    [(27, 1), (12, 3), (6, 9), (4, 27)]
    >>> hb.bracket_of(0).s, hb.bracket_of(27).s, hb.bracket_of(48).s
    (3, 2, 0)
    """

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: int = 81,
        reduction_factor: int = 3,
        *,
        asynchronous: bool = False,
        pause: bool = False,
    ) -> None:
        super().__init__()
        self.brackets = hyperband_brackets(min_resource, max_resource, reduction_factor)
        if len(self.brackets) == 1 and not asynchronous:
            raise ValueError(
                f"max_resource ({max_resource}) must be >= min_resource * reduction_factor "
                f"({min_resource * reduction_factor}) for synchronous HyperBand: below that "
                "it has one bracket of one configuration, which never stops a trial. Raise "
                "max_resource, lower min_resource or reduction_factor, or pass "
                "asynchronous=True (one ASHA ladder over every configuration)."
            )
        self.min_resource = min_resource
        self.max_resource = max_resource
        self.reduction_factor = reduction_factor
        self.asynchronous = bool(asynchronous)
        self.pause = bool(pause)
        self._cycle = sum(b.n_configs for b in self.brackets)
        self._offsets = []
        start = 0
        for b in self.brackets:
            self._offsets.append(start)
            start += b.n_configs

    @property
    def budgets(self) -> tuple[int, ...]:
        """Every step at which some bracket compares configurations, and ``max_resource``."""
        steps = {self.max_resource}
        for b in self.brackets:
            steps.update(b.milestones)
        return tuple(sorted(steps))

    def _locate(self, index: int) -> tuple[int, int]:
        """(bracket position, first index of that bracket's instance) of a configuration."""
        cycle, pos = divmod(index, self._cycle)
        i = len(self._offsets) - 1
        while self._offsets[i] > pos:
            i -= 1
        return i, cycle * self._cycle + self._offsets[i]

    def bracket_of(self, index: int) -> Bracket:
        """The bracket of the ``index``-th configuration (0-based, continuations excluded)."""
        return self.brackets[self._locate(index)[0]]

    def _members(self, table: LineageTable, index: int) -> tuple[Bracket, list[Lineage]]:
        i, lo = self._locate(index)
        bracket = self.brackets[i]
        if self.asynchronous:
            members = [lin for j, lin in enumerate(table.configs) if self._locate(j)[0] == i]
        else:
            members = table.configs[lo : lo + bracket.n_configs]
        return bracket, members

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        step = trial.last_step
        if step is None or step < self.min_resource:
            return CONTINUE
        if (self.pause or self.asynchronous) and not may_cross(trial, self.budgets):
            return CONTINUE  # no rung of any bracket crossed: nothing to decide
        table = self._table(history, trial)
        lin = table.of(trial)
        index = table.position(lin)
        bracket = self.bracket_of(index)
        if not bracket.milestones or step < bracket.milestones[0]:
            return CONTINUE
        bracket, members = self._members(table, index)
        eta = self.reduction_factor
        if self.asynchronous:
            return async_decide(lin, trial, members, bracket.milestones, eta, self.pause)
        return sync_decide(lin, members, bracket.n_configs, bracket.milestones, eta, self.pause)

    def _promotions(self, table: LineageTable) -> list[tuple[int, float, Promotion]]:
        eta = self.reduction_factor
        out: list[tuple[int, float, Promotion]] = []
        if self.asynchronous:
            groups: dict[int, list[Lineage]] = {}
            for j, lin in enumerate(table.configs):
                groups.setdefault(self._locate(j)[0], []).append(lin)
            for i, members in groups.items():
                out += async_promotions(members, self.brackets[i].milestones, eta)
            return out
        index = 0
        while index < len(table.configs):
            i, lo = self._locate(index)
            bracket = self.brackets[i]
            members = table.configs[lo : lo + bracket.n_configs]
            out += self._bracket_promotions(members, bracket.n_configs, bracket.milestones)
            index = lo + bracket.n_configs
        return out

    def __repr__(self) -> str:
        return (
            f"HyperBandScheduler(min_resource={self.min_resource}, "
            f"max_resource={self.max_resource}, reduction_factor={self.reduction_factor}, "
            f"asynchronous={self.asynchronous}, pause={self.pause})"
        )
