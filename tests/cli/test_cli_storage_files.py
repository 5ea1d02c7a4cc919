"""The command line and SQLite files: reading never creates one; upgrades say what they did."""

from __future__ import annotations

from pathlib import Path

import pytest

import hypersweep as hs
from hypersweep.cli._common import STORAGE_ENV
from hypersweep.cli.main import main
from hypersweep.storage.sql import SCHEMA_HEAD


@pytest.fixture
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(STORAGE_ENV, raising=False)  # the default ./hypersweep.db
    return tmp_path


READ_ONLY = [
    ["best", "--study", "x"],
    ["trials", "--study", "x"],
    ["trials", "fail-stale", "--study", "x"],
    ["studies", "list"],
    ["studies", "delete", "--study", "x"],
    ["studies", "copy", "--study", "x", "--to-storage", "memory"],
    ["export", "--study", "x"],
    ["storage", "version"],
    ["storage", "upgrade"],
    ["worker", "math:sqrt", "--study", "x", "--n-trials", "1"],
]


@pytest.mark.parametrize("argv", READ_ONLY, ids=[" ".join(a[:2]) for a in READ_ONLY])
def test_read_only_commands_create_no_database(
    argv: list[str], empty_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"No SQLite database at {empty_cwd / 'hypersweep.db'}; create a study first" in err
    assert "--storage" in err
    assert list(empty_cwd.iterdir()) == []


def test_creating_commands_still_create_the_file(
    empty_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["studies", "create", "--study", "x"]) == 0
    assert (empty_cwd / "hypersweep.db").exists()
    assert main(["studies", "list"]) == 0
    assert "x" in capsys.readouterr().out


def test_upgrade_of_a_current_schema_says_there_is_nothing_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/current.db"
    hs.create_study(storage=url, study_name="s")
    assert main(["storage", "upgrade", "--storage", url]) == 0
    out = capsys.readouterr().out
    assert f"already at the current revision {SCHEMA_HEAD}" in out
    assert "upgraded from" not in out
