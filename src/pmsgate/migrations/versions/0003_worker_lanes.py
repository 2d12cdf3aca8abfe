"""worker lanes: the time a deferred sync run or write job may run again

Revision ID: worker_lanes
Revises: console
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pmsgate.kit.sqltypes

revision = "worker_lanes"
down_revision = "console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.add_column(sa.Column("run_after", pmsgate.kit.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table("write_jobs") as batch:
        batch.add_column(sa.Column("run_after", pmsgate.kit.sqltypes.UTCDateTime(), nullable=True))
        batch.create_index("ix_write_jobs_integration_status", ["integration_id", "status"])


def downgrade() -> None:
    with op.batch_alter_table("write_jobs") as batch:
        batch.drop_index("ix_write_jobs_integration_status")
        batch.drop_column("run_after")
    with op.batch_alter_table("sync_runs") as batch:
        batch.drop_column("run_after")
