"""Initial schema: studies, trials, parameters, attributes and reports.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "hs_studies",
        sa.Column("study_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_name", sa.String(512), nullable=False, unique=True),
        sa.Column("directions", sa.Text, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("next_number", sa.Integer, nullable=False),
        sa.Column("n_started", sa.Integer, nullable=False),
        sa.Column("n_waiting", sa.Integer, nullable=False),
    )
    for table in ("hs_study_attrs",):
        op.create_table(
            table,
            sa.Column(
                "study_id", sa.Integer, sa.ForeignKey("hs_studies.study_id"), primary_key=True
            ),
            sa.Column("kind", sa.String(8), primary_key=True),
            sa.Column("key", sa.String(255), primary_key=True),
            sa.Column("value", LongText, nullable=False),
        )
    op.create_table(
        "hs_study_params",
        sa.Column("study_id", sa.Integer, sa.ForeignKey("hs_studies.study_id"), primary_key=True),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("distribution", sa.Text, nullable=False),
    )
    op.create_table(
        "hs_trials",
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
    )
    op.create_index("ix_hs_trials_study_state", "hs_trials", ["study_id", "state"])
    op.create_table(
        "hs_trial_params",
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("hs_trials.trial_id"), primary_key=True),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("internal", sa.Double, nullable=False),
        sa.Column("distribution", sa.Text, nullable=False),
    )
    op.create_table(
        "hs_trial_attrs",
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("hs_trials.trial_id"), primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("value", LongText, nullable=False),
    )
    op.create_table(
        "hs_trial_reports",
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("hs_trials.trial_id"), primary_key=True),
        sa.Column("step", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("values_json", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "hs_trial_reports",
        "hs_trial_attrs",
        "hs_trial_params",
        "hs_trials",
        "hs_study_params",
        "hs_study_attrs",
        "hs_studies",
    ):
        op.drop_table(table)
