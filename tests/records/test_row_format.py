"""RowFormat: the times and dates of a page as the driver returns them (SQLite text,
PostgreSQL naive UTC datetimes) become the API's text, and `last_seen` its effective value."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Date

from pmsgate.canonical.registry import Model
from pmsgate.models.records import RECORD_TABLES
from pmsgate.records.serialize import RowFormat, iso_utc

TABLE = RECORD_TABLES[Model.RESIDENT_CHARGES]
STAMP = datetime(2025, 3, 1, 12, 0, 0, 500_000, tzinfo=UTC)


def _driver_row(shape: RowFormat, values: dict[str, Any], unseen: bool) -> tuple[Any, ...]:
    return (*(values.get(name) for name in shape.names), unseen)


def _stored(dialect: str, at: datetime) -> Any:
    naive = at.astimezone(UTC).replace(tzinfo=None)
    return naive if dialect == "postgresql" else naive.isoformat(sep=" ", timespec="microseconds")


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize(
    ("own", "unseen", "shown"),
    [
        (datetime(2025, 1, 1, 5, 31, 57, 123_456, tzinfo=UTC), False, "2025-03-01T12:00:00.500Z"),
        (datetime(2025, 1, 1, 5, 31, 57, 123_456, tzinfo=UTC), True, "2025-01-01T05:31:57.123Z"),
        (datetime(2025, 3, 1, 12, 0, 0, 500_900, tzinfo=UTC), False, "2025-03-01T12:00:00.500Z"),
        (datetime(2025, 4, 2, tzinfo=UTC), False, "2025-04-02T00:00:00.000Z"),
    ],
)
def test_times_dates_and_effective_last_seen(dialect: str, own: datetime, unseen: bool, shown: str) -> None:
    shape = RowFormat(TABLE, frozenset(), dialect)
    created = datetime(2024, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
    row = {
        "id": "chg_1",
        "integration_id": "intg_1",
        "created_at": _stored(dialect, created),
        "updated_at": _stored(dialect, created),
        "last_seen": _stored(dialect, own),
        "transaction_date": _stored(dialect, datetime(2024, 2, 29, tzinfo=UTC)),
        "amount_in_cents": 1250,
    }
    (item,) = shape.rows([_driver_row(shape, row, unseen)], {"intg_1": "SAMPLE1"}, {"intg_1": STAMP})
    assert item["created_at"] == iso_utc(created) == "2024-12-31T23:59:59.999Z"
    assert item["transaction_date"] == "2024-02-29T00:00:00.000Z"
    assert item["last_seen"] == shown
    assert item["amount_in_cents"] == 1250 and item["due_date"] is None
    assert item["integration_vendor"] == "SAMPLE1"
    assert "unseen" not in item and "content_hash" not in item and "vendor" not in item
    assert all(type(key) is str for key in item)  # orjson encodes plain str keys


def test_sqlite_times_written_without_microseconds_are_read_too() -> None:
    """SQLAlchemy writes `YYYY-MM-DD HH:MM:SS.ffffff`; a time written some other way (by hand,
    by another tool) is parsed instead of sliced."""
    shape = RowFormat(TABLE, frozenset(), "sqlite")
    row = {"id": "chg_1", "integration_id": "intg_1", "created_at": "2025-01-01 05:31:57"}
    row |= {"updated_at": "2025-01-01T05:31:57.25", "last_seen": "2025-01-01 05:31:57.000000"}
    (item,) = shape.rows([_driver_row(shape, row, False)], {"intg_1": "SAMPLE1"}, {})
    assert item["created_at"] == "2025-01-01T05:31:57.000Z"
    assert item["updated_at"] == "2025-01-01T05:31:57.250Z"
    assert item["last_seen"] == "2025-01-01T05:31:57.000Z"


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_date_columns(dialect: str) -> None:
    table = RECORD_TABLES[Model.LEASES]
    shape = RowFormat(table, frozenset(), dialect)
    column = next(c.name for c in table.c if isinstance(c.type, Date))  # e.g. start_date
    at = date(2025, 2, 28)
    row = {"id": "lea_1", "integration_id": "intg_1", column: at if dialect == "postgresql" else "2025-02-28"}
    row |= {
        name: _stored(dialect, datetime(2025, 1, 1, tzinfo=UTC))
        for name in ("created_at", "updated_at", "last_seen")
    }
    (item,) = shape.rows([_driver_row(shape, row, False)], {"intg_1": "SAMPLE1"}, {})
    assert item[column] == "2025-02-28"
