from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import hypersweep as hs
from hypersweep.storage.sql import SCHEMA_HEAD, SQLStorage, StorageError, current_revision, upgrade
from hypersweep.storage.sql.engine import create_engine
from hypersweep.storage.sql.schema import VERSION_TABLE, metadata
from hypersweep.testing import check_storage

from .servers import MYSQL_URL, POSTGRES_URL, require_server, reset_database


def _sqlite_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    counter = iter(range(1000))
    return lambda: SQLStorage(f"sqlite:///{tmp_path}/c{next(counter)}.db")


def test_conformance_sqlite(tmp_path: Path) -> None:
    check_storage(_sqlite_factory(tmp_path))


@pytest.mark.parametrize("url", [POSTGRES_URL, MYSQL_URL], ids=["postgresql", "mysql"])
def test_conformance_servers(url: str) -> None:
    require_server(url)

    def factory() -> SQLStorage:
        reset_database(url)
        return SQLStorage(url)

    check_storage(factory)


def test_migrations_build_exactly_the_declared_schema(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/m.db")
    upgrade(engine)
    assert current_revision(engine) == SCHEMA_HEAD
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    # Only our version table is not part of the declared schema.
    assert [d for d in diff if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)] == []


def test_an_older_schema_is_refused_until_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(create_engine(url), "0001")
    with pytest.raises(StorageError, match="hypersweep storage upgrade"):
        SQLStorage(url)
    out = subprocess.run(
        [sys.executable, "-m", "hypersweep", "storage", "upgrade", "--storage", url],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "from 0001 to 0002" in out.stdout
    study = hs.create_study(storage=SQLStorage(url), study_name="after-upgrade")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert len(study.trials) == 2


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new.db"
    SQLStorage(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE hs_alembic_version SET version_num = '9999'"))
    with pytest.raises(StorageError, match="newer hypersweep"):
        SQLStorage(url)


def test_bad_urls_and_unreachable_servers() -> None:
    with pytest.raises(ValueError, match="Invalid storage URL"):
        SQLStorage("sqlite:/:nonsense::")
    with pytest.raises(ValueError, match="Unsupported database 'oracle'"):
        SQLStorage("oracle://u@h/db")
    with pytest.raises(StorageError, match="Cannot open the storage") as info:
        SQLStorage("postgresql://me:secret@127.0.0.1:1/db")
    assert "secret" not in str(info.value)
    with pytest.raises(ValueError, match="heartbeat_interval"):
        SQLStorage("sqlite://", heartbeat_interval=0)


def test_study_outlives_the_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    study = hs.create_study(storage=url, study_name="s", sampler=hs.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"x": 0.5})
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 1, 3), n_trials=5)
    script = (
        "import json, hypersweep as hs\n"
        f"s = hs.load_study(study_name='s', storage={url!r})\n"
        "print(json.dumps([[t.number, t.state.name, t.params, t.value] for t in s.trials]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [
        [t.number, t.state.name, t.params, t.value] for t in study.trials
    ]
    assert study.trials[0].params["x"] == 0.5


def test_two_storage_objects_see_each_others_trials(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/two.db"
    a, b = SQLStorage(url), SQLStorage(url)
    study_a = hs.create_study(storage=a, study_name="s")
    study_b = hs.load_study(study_name="s", storage=b)
    running = study_a.ask()
    running.suggest_float("x", 0, 1)
    assert [t.state for t in study_b.trials] == [hs.TrialState.RUNNING]
    assert study_b.trials[0].params == {}  # buffered until report, heartbeat or finish
    running.report(0.3, 0)
    assert study_b.trials[0].params == running.params
    study_a.tell(running, 1.0)
    study_b.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert [t.state for t in study_b.trials] == [hs.TrialState.COMPLETE] * 3
    assert [t.number for t in study_a.trials] == [0, 1, 2]
    assert study_a.trials[1].params == study_b.trials[1].params


def test_heartbeats_renew_the_lease_and_flush_parameters(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/hb.db"
    storage = SQLStorage(url, heartbeat_interval=0.05, grace_period=0.5)
    observer = SQLStorage(url)
    study = hs.create_study(storage=storage, study_name="s")
    seen: dict[str, object] = {}

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        import time

        time.sleep(0.8)  # longer than the grace period: only heartbeats keep it alive
        other = hs.load_study(study_name="s", storage=observer)
        seen["reaped"] = other._storage.fail_stale_trials(other._study_id, 0.5)
        seen["params"] = other.trials[0].params
        return x

    study.optimize(objective, n_trials=1)
    assert seen["reaped"] == []
    assert seen["params"] == study.trials[0].params
    assert study.trials[0].state is hs.TrialState.COMPLETE


def test_storage_objects_pickle_by_url(tmp_path: Path) -> None:
    storage = SQLStorage(f"sqlite:///{tmp_path}/p.db", heartbeat_interval=3.0)
    clone = pickle.loads(pickle.dumps(storage))
    assert clone.url == storage.url and clone.heartbeat_interval == 3.0


def test_large_studies_read_incrementally(tmp_path: Path) -> None:
    storage = SQLStorage(f"sqlite:///{tmp_path}/big.db")
    study = hs.create_study(storage=storage, study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=300)
    reader = SQLStorage(f"sqlite:///{tmp_path}/big.db")
    study_id = reader.get_study_id_from_name("s")
    assert len(reader.get_all_trials(study_id)) == 300
    statements: list[str] = []
    sa.event.listen(
        reader._engine,
        "before_cursor_execute",
        lambda conn, cursor, stmt, *a: statements.append(stmt),
    )
    assert len(reader.get_all_trials(study_id)) == 300
    # Nothing changed: one query that returns no rows, no per-trial queries.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_a_database_shared_with_optuna_works_for_both(tmp_path: Path) -> None:
    from ..conftest import require

    optuna = require("optuna")
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # type: ignore[attr-defined]
    url = f"sqlite:///{tmp_path}/shared.db"
    ours = hs.create_study(storage=url, study_name="ours")
    ours.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    theirs = optuna.create_study(storage=url, study_name="theirs")  # type: ignore[attr-defined]
    theirs.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert len(hs.load_study(study_name="ours", storage=url).trials) == 2
    assert hs.get_all_study_names(url) == ["ours"]
