"""read indexes and record counts

Revision ID: read_indexes
Revises: webhooks

Every sortable column of the record tables gets an (integration_id, column, id) index, so a
sorted page over 1,000,000 charges reads `limit` index entries in order (ties included)
instead of sorting the integration's rows; `property_id` is indexed with `created_at` for its
default sort. `record_counts` holds the rows per (integration, model), kept by the sync's
upsert, for the exact `total` of unfiltered lists.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pmsgate.migrations.history import RECORD_TABLES_0001, create_per_integration_model_table

revision = "read_indexes"
down_revision = "webhooks"
branch_labels = None
depends_on = None

_TABLES = RECORD_TABLES_0001
_LEDGER = ("resident_charges", "resident_payments")
_WITH_PROPERTY = tuple(t for t in _TABLES if t != "properties")


def _new_indexes() -> list[tuple[str, str]]:
    pairs = [(table, column) for table in _TABLES for column in ("updated_at", "last_seen")]
    return pairs + [(table, "amount_in_cents") for table in _LEDGER]


def upgrade() -> None:
    for table in _TABLES:
        op.drop_index(f"ix_{table}_integration_created", table_name=table)
        op.create_index(f"ix_{table}_integration_created", table, ["integration_id", "created_at", "id"])
    for table in _LEDGER:
        op.drop_index(f"ix_{table}_transaction_date", table_name=table)
        op.create_index(f"ix_{table}_transaction_date", table, ["integration_id", "transaction_date", "id"])
    for table in _WITH_PROPERTY:
        op.drop_index(f"ix_{table}_property_id", table_name=table)
        op.create_index(f"ix_{table}_property_id", table, ["property_id", "created_at"])
    for table, column in _new_indexes():
        op.create_index(f"ix_{table}_integration_{column}", table, ["integration_id", column, "id"])
    create_per_integration_model_table("record_counts", sa.Column("count", sa.BigInteger(), nullable=False))
    for table in _TABLES:
        op.execute(
            f"INSERT INTO record_counts (integration_id, model, count) "  # noqa: S608 (fixed names)
            f"SELECT integration_id, '{table}', count(*) FROM {table} GROUP BY integration_id"
        )


def downgrade() -> None:
    op.drop_table("record_counts")
    for table, column in _new_indexes():
        op.drop_index(f"ix_{table}_integration_{column}", table_name=table)
    for table in _WITH_PROPERTY:
        op.drop_index(f"ix_{table}_property_id", table_name=table)
        op.create_index(f"ix_{table}_property_id", table, ["property_id"])
    for table in _LEDGER:
        op.drop_index(f"ix_{table}_transaction_date", table_name=table)
        op.create_index(f"ix_{table}_transaction_date", table, ["integration_id", "transaction_date"])
    for table in _TABLES:
        op.drop_index(f"ix_{table}_integration_created", table_name=table)
        op.create_index(f"ix_{table}_integration_created", table, ["integration_id", "created_at"])
