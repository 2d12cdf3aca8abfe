"""Facts about the schema's history that several migrations use. They describe what a past
revision created, so they never change (a later model's table gets its own name list in the
migration that creates it)."""

from __future__ import annotations

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
