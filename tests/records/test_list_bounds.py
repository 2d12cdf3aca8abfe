"""Filters every list accepts (integration_id, updated_at/last_seen bounds) and bad list input
that used to reach the database: huge offsets and dates that leave years 1-9999 in UTC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fixtures.sample import SyncedIntegration
from tests.records.test_reads import RESOURCES, everything


@pytest.fixture
def reader(app: FastAPI, synced: SyncedIntegration) -> Iterator[TestClient]:
    with TestClient(app, headers=synced.customer.headers) as client:
        yield client


@pytest.mark.parametrize("path", list(RESOURCES))
def test_every_list_accepts_integration_id(reader: TestClient, synced: SyncedIntegration, path: str) -> None:
    records = everything(reader, path)
    assert everything(reader, path, integration_id=synced.integration_id) == records
    assert everything(reader, path, integration_id="intg_someone_else") == []


@pytest.mark.parametrize("path", list(RESOURCES))
@pytest.mark.parametrize("column", ["updated_at", "last_seen"])
def test_every_list_bounds_record_times(reader: TestClient, path: str, column: str) -> None:
    records = everything(reader, path)
    if not records:
        pytest.skip(f"{path} has no records in the sample PMS")
    times = sorted(r[column] for r in records)
    middle = times[len(times) // 2]
    since = everything(reader, path, **{f"{column}_gte": middle})
    until = everything(reader, path, **{f"{column}_lte": middle})
    # ISO-8601 'Z' times of one format sort as strings.
    assert {r["id"] for r in since} == {r["id"] for r in records if r[column] >= middle}
    assert {r["id"] for r in until} == {r["id"] for r in records if r[column] <= middle}
    assert everything(reader, path, **{f"{column}_gte": "2999-01-01"}) == []
    assert everything(reader, path, **{f"{column}_lte": "2000-01-01T00:00:00+02:00"}) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": 2**31}, "offset"),
        ({"offset": 2**63}, "offset"),
        ({"offset": 10**30}, "offset"),
        ({"limit": 2**63}, "limit"),
        ({"transaction_date_start": "0001-01-01T00:00:00+01:00"}, "transaction_date_start"),
        ({"transaction_date_end": "9999-12-31T23:59:59-01:00"}, "transaction_date_end"),
        ({"updated_at_gte": "0001-01-01T00:30:00+05:00"}, "updated_at_gte"),
        ({"last_seen_lte": "9999-12-31T23:00:00-02:00"}, "last_seen_lte"),
        ({"updated_at_lte": "tomorrow"}, "updated_at_lte"),
    ],
)
def test_out_of_range_list_input_is_a_400_naming_it(
    reader: TestClient, params: dict[str, Any], field: str
) -> None:
    response = reader.get("/v1/resident-charges/", params=params)
    assert response.status_code == 400, response.text
    issues = response.json()["error"]["details"]["issues"]
    assert any(issue["path"] == [field] for issue in issues), issues


def test_the_last_representable_day_is_a_valid_end(reader: TestClient) -> None:
    everything_until = everything(reader, "/v1/resident-charges/", transaction_date_end="9999-12-31")
    assert everything_until == everything(reader, "/v1/resident-charges/")
    first_day = everything(reader, "/v1/resident-charges/", transaction_date_start="0001-01-01")
    assert first_day == everything_until


def test_data_diff_times_that_overflow_are_a_400(reader: TestClient) -> None:
    response = reader.get("/v1/admin/data-diffs/", params={"before": "0001-01-01T00:00:00+00:01"})
    assert response.status_code == 400
    assert response.json()["error"]["details"]["issues"][0]["path"] == ["before"]
