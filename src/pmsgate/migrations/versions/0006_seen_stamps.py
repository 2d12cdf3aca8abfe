"""seen stamps

Revision ID: seen_stamps
Revises: read_indexes

An unchanged re-sync no longer bumps `last_seen` on every row it saw. Per (integration, model)
`seen_stamps.stamp` holds the start of the last complete read of the model; a row's effective
`last_seen` is max(its own, the stamp) unless it is marked `unseen` (the last complete read did
not see it: vendor-deleted, or out of the read's window), in which case it is its own. The
partial index holds the unseen rows alone. `seen_keys` keeps the keys a complete read saw so
far, per committed batch, so a read resumed from its checkpoint still ends with the whole set.
Adding a column with a constant default rewrites no row on PostgreSQL 11+ and on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pmsgate.kit.sqltypes
from pmsgate.migrations.history import RECORD_TABLES_0001, create_per_integration_model_table

revision = "seen_stamps"
down_revision = "read_indexes"
branch_labels = None
depends_on = None

_TABLES = RECORD_TABLES_0001


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("unseen", sa.Boolean(), nullable=False, server_default=sa.false()))
        op.create_index(
            f"ix_{table}_unseen",
            table,
            ["integration_id", "last_seen", "id"],
            sqlite_where=sa.text("unseen = 1"),
            postgresql_where=sa.text("unseen"),
        )
    create_per_integration_model_table(
        "seen_stamps", sa.Column("stamp", pmsgate.kit.sqltypes.UTCDateTime(), nullable=False)
    )
    op.create_table(
        "seen_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("started", pmsgate.kit.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("packed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["sync_runs.id"], name=op.f("fk_seen_keys_run_id_sync_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_keys")),
    )
    op.create_index("ix_seen_keys_run_model", "seen_keys", ["run_id", "model", "id"])


def downgrade() -> None:
    """Back to bumped rows: every seen row's stamp is first written into its own `last_seen`,
    so the older code serves the same times."""
    for table in _TABLES:
        stamp = (
            f"(SELECT s.stamp FROM seen_stamps s "  # noqa: S608 (fixed names)
            f"WHERE s.integration_id = {table}.integration_id AND s.model = '{table}')"
        )
        op.execute(f"UPDATE {table} SET last_seen = {stamp} WHERE NOT unseen AND last_seen < {stamp}")  # noqa: S608
    op.drop_index("ix_seen_keys_run_model", table_name="seen_keys")
    op.drop_table("seen_keys")
    op.drop_table("seen_stamps")
    for table in _TABLES:
        op.drop_index(f"ix_{table}_unseen", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("unseen")
