from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import hypersweep as hs
from hypersweep.cli.main import main

from ..conftest import require


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hypersweep", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def test_version() -> None:
    out = _cli("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"hypersweep {hs.__version__}"


def test_demo_tunes_an_svm_on_digits_into_the_default_sqlite_file(tmp_path: Path) -> None:
    out = _cli("demo", "--n-trials", "4", "--seed", "1", "--top", "3", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Best trial: #" in out.stdout
    assert "Top 3 of 4 trials:" in out.stdout
    error = float(out.stdout.split("validation error ")[1].split()[0])
    assert 0.0 <= error < 0.9  # better than chance (0.9) on ten classes
    assert (tmp_path / "hypersweep.db").exists()
    again = _cli("demo", "--n-trials", "2", cwd=tmp_path)
    assert "(4 trials so far)" in again.stdout
    study = hs.load_study(
        study_name="demo-svm-digits", storage=f"sqlite:///{tmp_path}/hypersweep.db"
    )
    assert len(study.trials) == 6


@pytest.fixture
def stored(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/cli.db"
    study = hs.create_study(storage=url, study_name="s", sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 1, 3), n_trials=6)
    return url


def test_studies_commands(stored: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["studies", "list", "--storage", stored]) == 0
    assert "s  " in capsys.readouterr().out
    assert (
        main(
            [
                "studies",
                "create",
                "--storage",
                stored,
                "--study",
                "mo",
                "--direction",
                "minimize",
                "--direction",
                "maximize",
            ]
        )
        == 0
    )
    assert hs.load_study(study_name="mo", storage=stored).directions == [
        hs.StudyDirection.MINIMIZE,
        hs.StudyDirection.MAXIMIZE,
    ]
    target = f"sqlite:///{tmp_path}/copy.db"
    assert (
        main(["studies", "copy", "--storage", stored, "--study", "s", "--to-storage", target]) == 0
    )
    assert len(hs.load_study(study_name="s", storage=target).trials) == 6
    assert main(["studies", "delete", "--storage", stored, "--study", "mo"]) == 0
    assert hs.get_all_study_names(stored) == ["s"]


def test_trials_best_and_export(stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    study = hs.load_study(study_name="s", storage=stored)
    assert main(["trials", "--storage", stored, "--study", "s", "--top", "2"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 4 and table[2].split()[0] == str(study.best_trial.number)
    assert main(["trials", "--storage", stored, "--study", "s", "--state", "FAIL"]) == 0
    assert (
        capsys.readouterr().out == "No FAIL trials in study 's': it holds 6 trials (6 COMPLETE).\n"
    )
    assert main(["best", "--storage", stored, "--study", "s"]) == 0
    assert f"trial {study.best_trial.number}:" in capsys.readouterr().out
    assert main(["export", "--storage", stored, "--study", "s", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [float(r["value"]) for r in rows] == [t.value for t in study.trials]
    assert main(["export", "--storage", stored, "--study", "s", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["params"] == study.trials[0].params


def test_fail_stale_by_hand(stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    study = hs.load_study(study_name="s", storage=stored)
    abandoned = study.ask()
    assert main(["trials", "fail-stale", "--storage", stored, "--study", "s", "--grace", "0"]) == 0
    assert f"[{abandoned.number}]" in capsys.readouterr().out
    assert hs.load_study(study_name="s", storage=stored).trials[-1].state is hs.TrialState.FAIL


def test_import_from_an_optuna_storage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    optuna = require("optuna")
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # type: ignore[attr-defined]
    source = f"sqlite:///{tmp_path}/optuna.db"
    theirs = optuna.create_study(storage=source, study_name="o", direction="maximize")  # type: ignore[attr-defined]

    def objective(trial):  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", 1e-3, 1, log=True)
        k = trial.suggest_categorical("k", ["a", "b"])
        trial.report(x, 0)
        return x if k == "a" else -x

    theirs.optimize(objective, n_trials=5)
    ours = f"sqlite:///{tmp_path}/ours.db"
    assert main(["import", "--from", source, "--study", "o", "--storage", ours]) == 0
    assert "Imported 5 trials" in capsys.readouterr().out
    study = hs.load_study(study_name="o", storage=ours)
    assert study.direction is hs.StudyDirection.MAXIMIZE
    assert [t.params for t in study.trials] == [t.params for t in theirs.trials]
    assert [t.value for t in study.trials] == [t.value for t in theirs.trials]
    assert study.trials[0].intermediate_values == theirs.trials[0].intermediate_values
    assert study.best_value == theirs.best_value


def test_storage_version(stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["storage", "version", "--storage", stored]) == 0
    assert "schema revision: 0002" in capsys.readouterr().out


def test_errors_are_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["studies", "list", "--storage", "ftp://x"]) == 2
    assert "Unknown storage URL" in capsys.readouterr().err
    assert main(["trials", "--storage", "memory", "--study", "nope"]) == 2
    assert "No study named 'nope'" in capsys.readouterr().err
    assert main(["worker", "no_colon", "--storage", "memory", "--study", "x"]) == 2
    assert "module:function" in capsys.readouterr().err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "demo" in capsys.readouterr().out
