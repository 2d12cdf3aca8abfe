"""record versions

Revision ID: record_versions
Revises: page_digests

`record_counts.version` goes up in every transaction that writes a model's rows of an
integration (or its seen stamp). A filtered total counted at one version of the integrations it
covers stays exact until one of them moves, so the pages of a filtered list share one count
(records/counts.py) instead of counting hundreds of thousands of index entries per page.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "record_versions"
down_revision = "page_digests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record_counts") as batch:
        batch.add_column(sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("record_counts") as batch:
        batch.drop_column("version")
