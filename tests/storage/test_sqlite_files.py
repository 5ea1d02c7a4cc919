"""SQLite files as a user meets them: copies, missing and foreign files, clear errors."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import hypersweep as hs
from hypersweep.storage.sql import SQLStorage, StorageError


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _run(script: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-c", script], cwd=cwd, check=True, timeout=120)


def _load_copy(db: Path, name: str) -> list[hs.FrozenTrial]:
    copy = db.with_name("copy.db")
    shutil.copy(db, copy)  # the .db file only: no -wal, no -shm
    return hs.load_study(study_name=name, storage=_url(copy)).trials


# -- point 2: a copy of the .db file holds the study ---------------------------------------------
def test_a_copy_of_the_db_file_after_the_process_exited_holds_every_trial(tmp_path: Path) -> None:
    _run(
        "import hypersweep as hs\n"
        "s = hs.create_study(storage='sqlite:///study.db', study_name='s')\n"
        "s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=20)\n",
        tmp_path,
    )
    assert not (tmp_path / "study.db-wal").exists()  # folded in when the last connection closed
    trials = _load_copy(tmp_path / "study.db", "s")
    assert [t.number for t in trials] == list(range(20))
    assert all(t.state is hs.TrialState.COMPLETE for t in trials)


def test_a_copy_of_the_db_file_after_tune_holds_every_trial(tmp_path: Path) -> None:
    _run(
        "import hypersweep as hs\n"
        "hs.tune(lambda c: (c['x'] - 1) ** 2, {'x': hs.uniform(-3, 3)}, metric='error',\n"
        "        num_samples=8, storage='sqlite:///tune.db', study_name='t')\n",
        tmp_path,
    )
    trials = _load_copy(tmp_path / "tune.db", "t")
    assert len(trials) == 8
    assert all(t.state is hs.TrialState.COMPLETE for t in trials)


def test_optimize_checkpoints_so_a_copy_holds_the_trials_while_the_storage_is_open(
    tmp_path: Path,
) -> None:
    db = tmp_path / "open.db"
    study = hs.create_study(storage=_url(db), study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    assert len(_load_copy(db, "s")) == 5  # this process still holds connections


def test_checkpoint_is_safe_while_another_storage_holds_the_file_open(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    reader, writer = SQLStorage(_url(db)), SQLStorage(_url(db))
    study = hs.create_study(storage=writer, study_name="s")
    assert hs.load_study(study_name="s", storage=reader).trials == []  # reader stays open
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    study.tell(trial, 1.0)
    writer.checkpoint()
    trials = _load_copy(db, "s")
    assert [(t.state, t.params) for t in trials] == [(hs.TrialState.COMPLETE, trial.params)]
    assert len(hs.load_study(study_name="s", storage=reader).trials) == 1
    reader.close()
    writer.close()


# -- point 9: reading never creates a database ---------------------------------------------------
def test_load_study_on_a_missing_file_names_it_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for read in (
        lambda: hs.load_study(study_name="s", storage="sqlite:///missing.db"),
        lambda: hs.get_all_study_names("sqlite:///missing.db"),
        lambda: hs.delete_study(study_name="s", storage="sqlite:///missing.db"),
    ):
        with pytest.raises(StorageError) as info:
            read()
        assert f"No SQLite database at {tmp_path / 'missing.db'}; create a study first" in str(
            info.value
        )
    assert list(tmp_path.iterdir()) == []
    hs.create_study(storage="sqlite:///missing.db", study_name="s")  # creating still creates
    assert hs.load_study(study_name="s", storage="sqlite:///missing.db").trials == []


# -- point 10: SQLite-specific errors ------------------------------------------------------------
def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    url = _url(tmp_path / "nodir" / "x.db")
    for open_it in (
        lambda: hs.create_study(storage=url),
        lambda: hs.load_study(study_name="s", storage=url),
    ):
        with pytest.raises(StorageError, match=f"The folder {tmp_path / 'nodir'} does not exist"):
            open_it()
    assert not (tmp_path / "nodir").exists()


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://"])
def test_a_sqlite_url_without_a_path_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"names no file.*storage=None"):
        hs.create_study(storage=url)


def test_a_zero_byte_file_is_no_storage_to_load_but_can_be_created_in(tmp_path: Path) -> None:
    db = tmp_path / "zero.db"
    db.touch()
    with pytest.raises(StorageError, match=rf"{db} holds no hypersweep storage \(0 bytes\)"):
        hs.load_study(study_name="s", storage=_url(db))
    assert db.stat().st_size == 0
    hs.create_study(storage=_url(db), study_name="s")  # what sqlite itself does
    assert hs.get_all_study_names(_url(db)) == ["s"]


def test_another_sqlite_database_is_named_and_left_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StorageError, match=r"holds no hypersweep storage \(a SQLite database with"):
        hs.load_study(study_name="s", storage=_url(db))
    assert db.read_bytes() == before  # no tables added, journal mode untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_a_file_that_is_not_sqlite_is_refused_clearly(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("these are my notes\n")
    for open_it in (
        lambda: hs.create_study(storage=_url(db)),
        lambda: hs.load_study(study_name="s", storage=_url(db)),
    ):
        with pytest.raises(StorageError, match=f"{db} is not a SQLite database"):
            open_it()
    assert db.read_text() == "these are my notes\n"


def test_sqlite_errors_give_sqlite_advice_not_server_advice(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with pytest.raises(StorageError) as info:
        hs.create_study(storage=_url(db))
    message = str(info.value)
    assert f"Cannot open the SQLite database {db}: file is not a database" in message
    assert "server" not in message and "host, port" not in message
