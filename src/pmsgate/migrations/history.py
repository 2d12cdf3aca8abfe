"""Facts about the schema's history that several migrations use. They describe what a past
revision created, so they never change (a later model's table gets its own name list in the
migration that creates it)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

# The record tables of the common data model as 0001 created them.
RECORD_TABLES_0001 = (
    "properties",
    "units",
    "residents",
    "leases",
    "residents_to_leases",
    "charge_codes",
    "financial_accounts",
    "resident_charges",
    "resident_payments",
    "resident_allocations",
    "recurring_resident_charges",
    "fees",
)


def create_per_integration_model_table(name: str, value: sa.Column[Any]) -> None:
    """A table of one value per (integration, model), deleted with its integration: 0005's
    `record_counts`, 0006's `seen_stamps`."""
    op.create_table(
        name,
        sa.Column("integration_id", sa.String(length=40), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        value,
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f(f"fk_{name}_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("integration_id", "model", name=op.f(f"pk_{name}")),
    )
