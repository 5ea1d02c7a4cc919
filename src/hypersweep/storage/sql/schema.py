"""The SQL schema (SQLAlchemy Core). Alembic migrations in ``migrations/`` build exactly this.

Times are Unix timestamps (floats); objective and reported values are JSON text (so that
``inf`` and ``NaN`` survive every database); parameters keep their internal float and their
distribution as JSON.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

SCHEMA_HEAD = "0002"
# Our own Alembic version table, so that a database shared with other tools (Optuna keeps
# its version in "alembic_version") confuses neither.
VERSION_TABLE = "hs_alembic_version"

metadata = sa.MetaData()

LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
LongBlob = sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")
Name = sa.String(255)

studies = sa.Table(
    "hs_studies",
    metadata,
    sa.Column("study_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("study_name", sa.String(512), nullable=False, unique=True),
    sa.Column("directions", sa.Text, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("next_number", sa.Integer, nullable=False),
    sa.Column("n_started", sa.Integer, nullable=False),
    sa.Column("n_waiting", sa.Integer, nullable=False),
)

study_attrs = sa.Table(
    "hs_study_attrs",
    metadata,
    sa.Column("study_id", sa.Integer, sa.ForeignKey("hs_studies.study_id"), primary_key=True),
    sa.Column("kind", sa.String(8), primary_key=True),
    sa.Column("key", Name, primary_key=True),
    sa.Column("value", LongText, nullable=False),
)

study_params = sa.Table(
    "hs_study_params",
    metadata,
    sa.Column("study_id", sa.Integer, sa.ForeignKey("hs_studies.study_id"), primary_key=True),
    sa.Column("name", Name, primary_key=True),
    sa.Column("distribution", sa.Text, nullable=False),
)

trials = sa.Table(
    "hs_trials",
    metadata,
    sa.Column("trial_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("study_id", sa.Integer, sa.ForeignKey("hs_studies.study_id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("state", sa.Integer, nullable=False),
    sa.Column("values_json", sa.Text, nullable=True),
    sa.Column("fail_reason", sa.Text, nullable=True),
    sa.Column("datetime_start", sa.Double, nullable=True),
    sa.Column("datetime_complete", sa.Double, nullable=True),
    sa.Column("heartbeat", sa.Double, nullable=True),
    sa.UniqueConstraint("study_id", "number", name="uq_hs_trials_study_number"),
    sa.Index("ix_hs_trials_study_state", "study_id", "state"),
)

trial_params = sa.Table(
    "hs_trial_params",
    metadata,
    sa.Column("trial_id", sa.Integer, sa.ForeignKey("hs_trials.trial_id"), primary_key=True),
    sa.Column("name", Name, primary_key=True),
    sa.Column("internal", sa.Double, nullable=False),
    sa.Column("distribution", sa.Text, nullable=False),
)

trial_attrs = sa.Table(
    "hs_trial_attrs",
    metadata,
    sa.Column("trial_id", sa.Integer, sa.ForeignKey("hs_trials.trial_id"), primary_key=True),
    sa.Column("kind", sa.String(8), primary_key=True),
    sa.Column("key", Name, primary_key=True),
    sa.Column("value", LongText, nullable=False),
)

trial_reports = sa.Table(
    "hs_trial_reports",
    metadata,
    sa.Column("trial_id", sa.Integer, sa.ForeignKey("hs_trials.trial_id"), primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("values_json", sa.Text, nullable=False),
)

# Added by revision 0002.
study_state = sa.Table(
    "hs_study_state",
    metadata,
    sa.Column("study_id", sa.Integer, sa.ForeignKey("hs_studies.study_id"), primary_key=True),
    sa.Column("key", Name, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("data", LongBlob, nullable=False),
)

trial_checkpoints = sa.Table(
    "hs_trial_checkpoints",
    metadata,
    sa.Column("trial_id", sa.Integer, sa.ForeignKey("hs_trials.trial_id"), primary_key=True),
    sa.Column("key", Name, primary_key=True),
    sa.Column("data", LongBlob, nullable=False),
)
