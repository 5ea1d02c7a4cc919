"""``check_storage`` passes the shipped storages and rejects each broken twin, saying why."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hypersweep.storage import InMemoryStorage, Storage
from hypersweep.testing import ConformanceError, check_storage

from . import broken_storages as b

BROKEN: dict[str, tuple[Callable[[], Storage], str]] = {
    "finish_trial is not compare-and-set": (
        b.NotCompareAndSetStorage,
        r"finish_trial must be a compare-and-set: finishing a trial that is already finished "
        r"must return False",
    ),
    "drops NaN intermediate values": (
        b.DropsNanReportsStorage,
        r"intermediate values must round-trip \(every step, NaN included\): reported "
        r"\{0: 1\.5, 3: nan, 4: -2\.0\}, got \{0: 1\.5, 4: -2\.0\}",
    ),
    "loses the user attrs of added trials": (
        b.LosesTemplateUserAttrsStorage,
        r"a trial from a template keeps its user attrs \{'note': 'added'\}, got \{\}",
    ),
    "lists trials without their user attrs": (
        b.ListsWithoutUserAttrsStorage,
        r"get_all_trials and get_trial disagree on the user_attrs of trial 0: \{\} vs "
        r"\{'u': \[1, 'two'\], 'v': \{'k': None\}\}",
    ),
}


def test_the_correct_storage_passes() -> None:
    """The twins' parent; SQL and journal storages are checked in tests/storage."""
    check_storage(InMemoryStorage)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_twin_is_rejected_with_its_reason(name: str) -> None:
    factory, message = BROKEN[name]
    with pytest.raises(ConformanceError, match=message):
        check_storage(factory)
