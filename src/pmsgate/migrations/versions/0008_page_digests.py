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

from pmsgate.kit.sqltypes import UTCDateTime

revision = "page_digests"
down_revision = "property_scope_index"

# (name, type) of the columns besides the id, all NOT NULL, in the table's order.
_COLUMNS = (
    ("integration_id", sa.String(length=40)),
    ("read_model", sa.String(length=40)),
    ("read_started", UTCDateTime()),
    ("digest", sa.String(length=32)),
    ("page_id", sa.String(length=40)),
    ("keys_model", sa.String(length=40)),
    ("packed", sa.LargeBinary()),
    ("skipped", sa.Integer()),
)
_INDEXES = {
    "ix_page_digests_read": ["integration_id", "read_model", "read_started", "digest"],
    "ix_page_digests_keys": ["integration_id", "keys_model", "read_started"],
    "ix_page_digests_page": ["page_id"],
}


def upgrade() -> None:
    op.create_table(
        "page_digests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *(sa.Column(name, kind, nullable=False) for name, kind in _COLUMNS),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_page_digests_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_digests")),
    )
    for name, columns in _INDEXES.items():
        op.create_index(name, "page_digests", columns)


def downgrade() -> None:
    op.drop_table("page_digests")  # its indexes go with it
