"""page digests

Revision ID: page_digests
Revises: property_scope_index

A complete re-sync that meets a page it met before, unchanged, need not map it: `page_digests`
keeps, per page a complete read stored or found unchanged, the digest of the vendor's page and
the keys of the rows it holds (8 bytes each, per model of those rows), so the next complete
read adds those keys to its seen set and moves on (sync/pages.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pmsgate.kit.sqltypes

revision = "page_digests"
down_revision = "property_scope_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_digests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("integration_id", sa.String(length=40), nullable=False),
        sa.Column("read_model", sa.String(length=40), nullable=False),
        sa.Column("read_started", pmsgate.kit.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=40), nullable=False),
        sa.Column("keys_model", sa.String(length=40), nullable=False),
        sa.Column("packed", sa.LargeBinary(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_page_digests_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_digests")),
    )
    op.create_index(
        "ix_page_digests_read", "page_digests", ["integration_id", "read_model", "read_started", "digest"]
    )
    op.create_index("ix_page_digests_keys", "page_digests", ["integration_id", "keys_model", "read_started"])
    op.create_index("ix_page_digests_page", "page_digests", ["page_id"])


def downgrade() -> None:
    op.drop_table("page_digests")  # its indexes go with it
