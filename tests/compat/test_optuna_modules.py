"""Optuna's modules and paths that scripts import: ``logging``, ``distributions``,
``exceptions``, ``search_space``, ``storages.journal``/``RDBStorage``, ``trial.Trial``,
``study.StudyDirection``. Each behaviour is checked on hypersweep and, where installed, on
Optuna with the same code."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import types
import warnings
from pathlib import Path

import pytest

import hypersweep

from .test_define_by_run import LIBS, lib_param


def _run(script: str, lib: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "script.py"
    path.write_text(f"import {lib} as optuna\n" + textwrap.dedent(script))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HYPERSWEEP_"))}
    return subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, env=env
    )


def _finished_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "Trial" in line and "finished" in line]


# -- logging --------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _restore_logging_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # set_verbosity / disable_default_handler write these for worker processes
    monkeypatch.delenv("HYPERSWEEP_VERBOSITY", raising=False)
    monkeypatch.delenv("HYPERSWEEP_DEFAULT_HANDLER", raising=False)


@lib_param
def test_logging_names(lib: types.ModuleType) -> None:
    for name in ("CRITICAL", "FATAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG"):
        assert getattr(lib.logging, name) == getattr(logging, name)
    before = lib.logging.get_verbosity()
    try:
        lib.logging.set_verbosity(lib.logging.DEBUG)
        assert lib.logging.get_verbosity() == logging.DEBUG
        lib.logging.set_verbosity(lib.logging.ERROR)
        assert lib.logging.get_verbosity() == logging.ERROR
    finally:
        lib.logging.set_verbosity(before)
    for name in (
        "enable_default_handler",
        "disable_default_handler",
        "enable_propagation",
        "disable_propagation",
        "get_logger",
    ):
        assert callable(getattr(lib.logging, name))


@pytest.mark.parametrize("lib", [m.__name__ for m in LIBS])
def test_default_handler_prints_one_line_per_finished_trial(lib: str, tmp_path: Path) -> None:
    out = _run(
        """
        study = optuna.create_study()
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        """,
        lib,
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    lines = _finished_lines(out.stderr)
    assert len(lines) == 4, out.stderr
    assert all(line.startswith("[I ") for line in lines)  # Optuna's "[I <time>] ..." layout


@pytest.mark.parametrize("lib", [m.__name__ for m in LIBS])
def test_disable_default_handler_and_get_logger_by_optuna_name(lib: str, tmp_path: Path) -> None:
    # Optuna's RDB tutorial: a handler added to get_logger("optuna") receives the trials.
    out = _run(
        """
        import logging, sys
        optuna.logging.disable_default_handler()
        optuna.logging.get_logger("optuna").addHandler(logging.StreamHandler(sys.stdout))
        optuna.create_study().optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        """,
        lib,
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert len(_finished_lines(out.stdout)) == 3, out.stdout
    assert _finished_lines(out.stderr) == []


def test_worker_processes_inherit_the_verbosity(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    out = _run(
        f"""
        def objective(trial):
            return trial.suggest_float("x", 0, 1)

        if __name__ == "__main__":
            study = optuna.create_study(storage="sqlite:///{db}")
            study.optimize(objective, n_trials=2, n_jobs=2, executor="processes")
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            study.optimize(objective, n_trials=3, n_jobs=2, executor="processes")
            print(len(study.trials))
        """,
        "hypersweep",
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "5"
    assert len(_finished_lines(out.stderr)) == 2, out.stderr


def test_verbosity_from_the_environment(tmp_path: Path) -> None:
    script = tmp_path / "v.py"
    script.write_text("import hypersweep as hs\nprint(hs.logging.get_verbosity())\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    for value, expected in (("ERROR", "40"), ("10", "10"), ("nonsense", "20")):
        env["HYPERSWEEP_VERBOSITY"] = value
        out = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env
        )
        assert out.stdout.strip() == expected, (value, out.stderr)


def test_configured_root_logger_gets_each_line_once(tmp_path: Path) -> None:
    # hypersweep propagates (Optuna does not): the default handler then stays quiet, so a
    # logging.basicConfig() user sees each trial once, in their own format.
    out = _run(
        """
        import logging
        logging.basicConfig(format="ROOT %(message)s")
        optuna.create_study().optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        optuna.logging.disable_propagation()
        optuna.create_study().optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        """,
        "hypersweep",
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    lines = _finished_lines(out.stderr)
    assert [line.startswith("ROOT ") for line in lines] == [True] * 3 + [False] * 2, lines


def test_package_logging_module_does_not_shadow_the_standard_library() -> None:
    import hypersweep._internal.logging as internal
    import hypersweep.study._core as core

    assert internal.logging is logging
    assert core._logger.name.startswith("hypersweep")
    assert hypersweep.logging is not logging
    assert hypersweep.logging.get_logger("optuna.study").name == "hypersweep.study"


# -- distributions --------------------------------------------------------------------------
@lib_param
def test_distributions_with_ask_tell_create_trial_and_add_trial(lib: types.ModuleType) -> None:
    d = lib.distributions
    space = {
        "x": d.FloatDistribution(0.0, 1.0),
        "lr": d.FloatDistribution(1e-4, 1e-1, log=True),
        "n": d.IntDistribution(1, 9, step=2),
        "kind": d.CategoricalDistribution(["a", "b"]),
    }
    study = lib.create_study()
    trial = study.ask(space)
    assert set(trial.params) == set(space)
    assert trial.params["n"] in (1, 3, 5, 7, 9) and trial.params["kind"] in ("a", "b")
    study.tell(trial, 1.0)
    study.add_trial(
        lib.create_trial(
            params={"x": 0.5, "lr": 0.01, "n": 3, "kind": "b"}, distributions=space, value=0.5
        )
    )
    assert study.best_params == {"x": 0.5, "lr": 0.01, "n": 3, "kind": "b"}
    assert study.best_trial.distributions["n"] == d.IntDistribution(1, 9, step=2)
    with pytest.raises(ValueError):  # 0.5 is not one of n's values
        lib.create_trial(params={"n": 4}, distributions={"n": space["n"]}, value=0.0)


@lib_param
def test_distribution_json_and_compatibility(lib: types.ModuleType) -> None:
    d = lib.distributions
    for dist in (
        d.FloatDistribution(0.0, 1.0, step=0.25),
        d.FloatDistribution(1e-3, 1.0, log=True),
        d.IntDistribution(1, 100, log=True),
        d.CategoricalDistribution([None, 1, "x"]),
    ):
        text = d.distribution_to_json(dist)
        assert json.loads(text)["name"] == type(dist).__name__
        assert d.json_to_distribution(text) == dist
    legacy = (
        '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0, "high": 1, "q": 0.5}}'
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # Optuna warns on its old names
        got = d.json_to_distribution(legacy)
    assert isinstance(got, d.FloatDistribution)  # Optuna: a deprecated subclass of it
    assert (got.low, got.high, got.step, got.log) == (0.0, 1.0, 0.5, False)
    d.check_distribution_compatibility(d.FloatDistribution(0, 1), d.FloatDistribution(0, 5))
    with pytest.raises(ValueError):
        d.check_distribution_compatibility(d.FloatDistribution(0, 1), d.IntDistribution(0, 1))
    with pytest.raises(ValueError):
        d.check_distribution_compatibility(
            d.CategoricalDistribution(["a"]), d.CategoricalDistribution(["b"])
        )
    assert issubclass(d.FloatDistribution, d.BaseDistribution)


@lib_param
def test_deprecated_distribution_names_warn_and_mean_the_new_ones(lib: types.ModuleType) -> None:
    d = lib.distributions
    with pytest.warns(FutureWarning):
        old = d.UniformDistribution(0.0, 2.0)
    expected = {
        "UniformDistribution": ((0.0, 2.0), {}, (0.0, 2.0, False, None)),
        "LogUniformDistribution": ((1e-3, 1.0), {}, (1e-3, 1.0, True, None)),
        "DiscreteUniformDistribution": ((0, 1), {"q": 0.5}, (0.0, 1.0, False, 0.5)),
        "IntUniformDistribution": ((0, 10), {"step": 2}, (0, 10, False, 2)),
        "IntLogUniformDistribution": ((1, 10), {}, (1, 10, True, 1)),
    }
    assert isinstance(old, d.FloatDistribution)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        for name, (args, kwargs, attrs) in expected.items():
            dist = getattr(d, name)(*args, **kwargs)
            base = d.IntDistribution if name.startswith("Int") else d.FloatDistribution
            assert isinstance(dist, base), name
            assert (dist.low, dist.high, dist.log, dist.step) == attrs, name
            # usable where the current kinds are: sampled in the range
            trial = lib.create_study().ask({"p": dist})
            assert dist.low <= trial.params["p"] <= dist.high


# -- exceptions -----------------------------------------------------------------------------
@lib_param
def test_exception_names(lib: types.ModuleType) -> None:
    e = lib.exceptions
    assert issubclass(e.TrialPruned, e.OptunaError)
    assert issubclass(e.DuplicatedStudyError, e.OptunaError)
    assert issubclass(e.StorageInternalError, e.OptunaError)
    assert issubclass(e.CLIUsageError, e.OptunaError)
    assert issubclass(e.ExperimentalWarning, Warning)
    assert lib.TrialPruned is e.TrialPruned
    storage = lib.storages.InMemoryStorage()
    lib.create_study(study_name="twice", storage=storage)
    with pytest.raises(e.OptunaError) as info:
        lib.create_study(study_name="twice", storage=storage)
    assert isinstance(info.value, e.DuplicatedStudyError)


def test_hypersweep_exception_aliases() -> None:
    e = hypersweep.exceptions
    assert e.OptunaError is hypersweep.HypersweepError
    assert e.DuplicatedStudyError is hypersweep.DuplicatedStudyError
    from hypersweep.storage.sql.engine import StorageError

    assert e.StorageInternalError is StorageError
    with pytest.raises(AttributeError):
        _ = e.NoSuchError  # type: ignore[attr-defined]


@lib_param
def test_raising_exceptions_trial_pruned_prunes(lib: types.ModuleType) -> None:
    def objective(trial):  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 2:
            raise lib.exceptions.TrialPruned()
        return x

    study = lib.create_study()
    study.optimize(objective, n_trials=4)
    states = [t.state.name for t in study.trials]
    assert states == ["COMPLETE", "PRUNED", "COMPLETE", "PRUNED"]


def test_optunas_own_trial_pruned_prunes_a_hypersweep_trial() -> None:
    optuna = pytest.importorskip("optuna")

    def objective(trial):  # type: ignore[no-untyped-def]
        trial.suggest_float("x", 0, 1)
        if trial.number == 0:
            raise optuna.TrialPruned("too slow")
        if trial.number == 1:
            raise optuna.exceptions.TrialPruned()
        raise RuntimeError("a real failure")

    study = hypersweep.create_study()
    study.optimize(objective, n_trials=3)
    assert [t.state.name for t in study.trials] == ["PRUNED", "PRUNED", "FAIL"]


def test_a_class_merely_named_trial_pruned_still_fails() -> None:
    class TrialPruned(Exception):  # the name is the point
        pass

    def objective(trial):  # type: ignore[no-untyped-def]
        trial.suggest_float("x", 0, 1)
        raise TrialPruned()

    study = hypersweep.create_study()
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state.name == "FAIL"


# -- paths and names ------------------------------------------------------------------------
@lib_param
def test_journal_file_backend_with_optunas_arguments(lib: types.ModuleType, tmp_path: Path) -> None:
    from importlib import import_module

    journal = import_module(f"{lib.__name__}.storages.journal")
    path = str(tmp_path / "journal.log")
    storage = journal.JournalStorage(journal.JournalFileBackend(file_path=path))
    study = lib.create_study(study_name="j", storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    again = journal.JournalStorage(
        journal.JournalFileBackend(path, lock_obj=journal.JournalFileOpenLock(path))
    )
    assert len(lib.load_study(study_name="j", storage=again).trials) == 3
    assert lib.storages.journal.JournalFileBackend is journal.JournalFileBackend


@lib_param
def test_rdb_storage(lib: types.ModuleType, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    storage = lib.storages.RDBStorage(url, engine_kwargs={"pool_pre_ping": True})
    study = lib.create_study(study_name="r", storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert len(lib.load_study(study_name="r", storage=url).trials) == 2


def test_rdb_storage_pickles() -> None:
    import pickle
    import tempfile

    url = f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'p.db')}"
    storage = hypersweep.storages.RDBStorage(url, heartbeat_interval=None)
    copy = pickle.loads(pickle.dumps(storage))
    assert type(copy) is hypersweep.storages.RDBStorage and copy.heartbeat_interval is None


@lib_param
def test_module_paths(lib: types.ModuleType) -> None:
    assert lib.study.StudyDirection.MINIMIZE.name == "MINIMIZE"
    assert lib.trial.TrialState.PRUNED.name == "PRUNED"
    seen = []
    lib.create_study().optimize(lambda t: seen.append(t) or 0.0, n_trials=1)
    assert isinstance(seen[0], lib.trial.Trial)
    assert lib.create_study().direction == lib.study.StudyDirection.MINIMIZE


@lib_param
def test_intersection_search_space(lib: types.ModuleType) -> None:
    def objective(trial):  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 0:
            trial.suggest_int("n", 1, 3)
        if trial.number == 2:
            trial.suggest_int("k", 1, 3)
            raise lib.TrialPruned()
        return x

    study = lib.create_study()
    study.optimize(objective, n_trials=3)
    space = lib.search_space.intersection_search_space(study.trials)
    assert space == {"x": lib.distributions.FloatDistribution(0, 1)}
    assert list(lib.search_space.intersection_search_space(study.trials[:1])) == ["n", "x"]
    with_pruned = lib.search_space.intersection_search_space(study.trials, include_pruned=True)
    assert list(with_pruned) == ["x"]
    assert lib.search_space.intersection_search_space([]) == {}
