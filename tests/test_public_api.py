"""The public surface: names exported, documented with a runnable example."""

from __future__ import annotations

import inspect

import hypersweep as hs


def test_all_names_exist() -> None:
    for name in hs.__all__:
        assert hasattr(hs, name), name


def _public_classes() -> list[type]:
    modules = [hs, hs.samplers, hs.schedulers, hs.storage, hs.executors]
    classes = {
        obj
        for module in modules
        for name, obj in vars(module).items()
        if inspect.isclass(obj)
        and not name.startswith("_")
        and obj.__module__.startswith("hypersweep")
        and not issubclass(obj, BaseException)
    }
    return sorted(classes, key=lambda c: c.__qualname__)


def test_public_classes_have_docstrings_with_examples() -> None:
    missing = [c.__qualname__ for c in _public_classes() if ">>>" not in (c.__doc__ or "")]
    allowed = {
        "Action",
        "Decision",
        "Bracket",
        "StudyDirection",
        "TrialState",
        "StudyInfo",
        "VersionedState",
        "Storage",
    }
    assert sorted(set(missing) - allowed) == []
