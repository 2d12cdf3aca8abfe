"""console sessions and connect links

Revision ID: console
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pmsgate.kit.sqltypes

revision = "console"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=True),
        sa.Column("is_operator", sa.Boolean(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", pmsgate.kit.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", pmsgate.kit.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_console_sessions_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
    )
    op.create_index(
        op.f("ix_console_sessions_customer_id"), "console_sessions", ["customer_id"], unique=False
    )
    op.create_table(
        "connect_links",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("vendor", sa.String(length=32), nullable=True),
        sa.Column("integration_name", sa.String(length=200), nullable=True),
        sa.Column("redirect_url", sa.String(length=2000), nullable=True),
        sa.Column("expires_at", pmsgate.kit.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", pmsgate.kit.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("integration_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", pmsgate.kit.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_connect_links_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connect_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_connect_links_token_hash")),
    )
    op.create_index(op.f("ix_connect_links_customer_id"), "connect_links", ["customer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_connect_links_customer_id"), table_name="connect_links")
    op.drop_table("connect_links")
    op.drop_index(op.f("ix_console_sessions_customer_id"), table_name="console_sessions")
    op.drop_table("console_sessions")
