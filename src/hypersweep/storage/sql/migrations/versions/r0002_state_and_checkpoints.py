"""Study-level sampler state and per-trial checkpoints.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LongBlob = sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "hs_study_state",
        sa.Column("study_id", sa.Integer, sa.ForeignKey("hs_studies.study_id"), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", LongBlob, nullable=False),
    )
    op.create_table(
        "hs_trial_checkpoints",
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("hs_trials.trial_id"), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("data", LongBlob, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hs_trial_checkpoints")
    op.drop_table("hs_study_state")
