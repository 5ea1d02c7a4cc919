"""Real database servers for the storage tests (CI has them running; see the brief)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ..conftest import IN_CI

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def require_server(url: str) -> str:
    """``url`` if its server answers; skip outside CI, fail under CI otherwise."""
    from hypersweep.storage.sql.engine import create_engine

    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        if IN_CI:
            raise AssertionError(f"CI must provide {url}: {exc}") from exc
        pytest.skip(f"{url} is not reachable here ({type(exc).__name__}); CI runs this test")
    return url


def reset_database(url: str) -> None:
    """Drop hypersweep's tables (and the schema version) from a shared test database."""
    from hypersweep.storage.sql.engine import create_engine
    from hypersweep.storage.sql.schema import metadata

    engine = create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS hs_alembic_version")
    engine.dispose()
