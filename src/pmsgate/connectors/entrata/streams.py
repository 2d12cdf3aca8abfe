"""Entrata's methods and streams, declared as data.

Entrata has no account-wide list of most things and no last-modified filter on them: properties,
AR codes and the chart of accounts are one call each; units, customers, leases, ledgers and
scheduled charges are read property by property (`propertyId`), and the lease-shaped lists
(`getLeases`, `getLeaseArTransactions`, `getLeaseDetails`) page by `page_no`/`per_page` (query
parameters). Date filters exist where Entrata offers them: the ledger's
`transactionFromDate` and the payments' `fromDate`/`toDate` (Mountain Time calendar days).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.declared import by_model, parents
from pmsgate.connectors.entrata import ledger as lg
from pmsgate.connectors.entrata import mapping as m
from pmsgate.connectors.entrata.client import Rpc
from pmsgate.connectors.entrata.fields import items
from pmsgate.connectors.parsing import MappingError

GET_PROPERTIES = Rpc("properties", "getProperties")
GET_UNITS = Rpc("propertyunits", "getPropertyUnits")
GET_CUSTOMERS = Rpc("customers", "getCustomers")
GET_LEASES = Rpc("leases", "getLeases", "r2")
GET_AR_CODES = Rpc("arcodes", "getArCodes")
GET_GL_TREES = Rpc("financial", "getGlTrees")
GET_LEDGER = Rpc("artransactions", "getLeaseArTransactions")
GET_PAYMENTS = Rpc("arpayments", "getArPayments")
GET_LEASE_DETAILS = Rpc("leases", "getLeaseDetails", "r2")
SEND_TRANSACTIONS = Rpc("artransactions", "sendLeaseArTransactions")
SEND_SCHEDULED = Rpc("leases", "sendScheduledCharges")

MAX_PER_PAGE = 500

Row = tuple[Any, Any]  # (native record, what it belongs to)
Rows = Callable[[dict[str, Any], str | None], list[Row]]


@dataclass(frozen=True)
class Stream:
    model: Model
    rpc: Rpc
    rows: Rows  # (result, property id asked for) -> rows
    mapper: Callable[[Any, Any], Sequence[CanonicalRecord]]
    x_id: Callable[[Any], Any]
    by_property: bool = True  # one call per property (else one call for the client)
    property_param: str = "propertyId"
    paged: bool = False  # page_no/per_page over a list of leases
    params: Mapping[str, Any] = field(default_factory=dict)
    children: tuple[Model, ...] = ()


def _field(name: str) -> Callable[[Any], Any]:
    return lambda row: row[0].get(name) if isinstance(row[0], dict) else None


def _attribute_id(row: Row) -> Any:
    attributes = row[0].get("@attributes") if isinstance(row[0], dict) else None
    return attributes.get("Id") if isinstance(attributes, dict) else None


def _properties(result: dict[str, Any], _property: str | None) -> list[Row]:
    return [(p, None) for p in items(result.get("PhysicalProperty"), "Property")]


def _units(result: dict[str, Any], _property: str | None) -> list[Row]:
    return [
        (unit, str(prop.get("propertyId")))
        for prop in items(result.get("properties"), "property")
        for unit in items(prop.get("units") if isinstance(prop, dict) else None, "unit")
    ]


def _customers(result: dict[str, Any], property_id: str | None) -> list[Row]:
    return [(c, property_id) for c in items(result.get("Customers"), "Customer")]


def _leases(result: dict[str, Any], _property: str | None) -> list[Row]:
    return [(lease, None) for lease in items(result.get("leases"), "lease")]


def _ar_codes(result: dict[str, Any], _property: str | None) -> list[Row]:
    return [(code, None) for code in items(result.get("arcodes"), "arcode")]


def _gl_accounts(result: dict[str, Any], _property: str | None) -> list[Row]:
    seen: set[str] = set()
    rows: list[Row] = []
    for tree in items(result.get("GlTrees"), "GlTree"):
        for account in items(tree.get("GlAccounts") if isinstance(tree, dict) else None, "GlAccount"):
            key = str(_attribute_id((account, None)))
            if key not in seen:  # an account appears in every tree that uses it
                seen.add(key)
                rows.append((account, None))
    return rows


def _ledger(result: dict[str, Any], _property: str | None) -> list[Row]:
    rows: list[Row] = []
    for lease in items(result.get("leases"), "lease"):
        try:
            rows.extend(lg.ledger_rows(lease))
        except (MappingError, AttributeError):
            rows.append((lease, None))  # reported as skipped by the mapper
    return rows


def _scheduled(result: dict[str, Any], property_id: str | None) -> list[Row]:
    rows: list[Row] = []
    for lease in items(result.get("leases"), "lease"):
        try:
            rows.extend(lg.scheduled_rows(lease, str(property_id)))
        except (MappingError, AttributeError):
            rows.append((lease, None))
    return rows


def _keyed(
    mapper: Callable[[Any, Any], Sequence[CanonicalRecord]],
) -> Callable[[Any, Any], Sequence[CanonicalRecord]]:
    def mapped(raw: Any, key: Any) -> Sequence[CanonicalRecord]:
        if key is None or not isinstance(raw, dict):
            raise MappingError("a lease without the ids its records need")
        return mapper(raw, key)

    return mapped


def _unkeyed(
    mapper: Callable[[Any], Sequence[CanonicalRecord]],
) -> Callable[[Any, Any], Sequence[CanonicalRecord]]:
    """A mapper of rows that need nothing of what they belong to."""
    return lambda raw, _key: mapper(raw)


def _client_list(
    model: Model,
    rpc: Rpc,
    rows: Rows,
    mapper: Callable[[Any], Sequence[CanonicalRecord]],
    x_id: Callable[[Any], Any],
    **params: Any,
) -> Stream:
    """A list one call answers for the whole client (no propertyId)."""
    return Stream(model, rpc, rows, _unkeyed(mapper), x_id, by_property=False, params=params)


def _lease_pages(
    model: Model,
    rpc: Rpc,
    rows: Rows,
    mapper: Callable[[Any, Any], Sequence[CanonicalRecord]],
    children: tuple[Model, ...] = (),
    **params: Any,
) -> Stream:
    """A property's leases, page by page (`page_no`/`per_page`), and what each lease lists."""
    return Stream(model, rpc, rows, mapper, _field("id"), paged=True, params=params, children=children)


STREAMS: dict[Model, Stream] = by_model(
    _client_list(
        Model.PROPERTIES, GET_PROPERTIES, _properties, m.map_property, _field("PropertyID"), showAllStatus=1
    ),
    Stream(
        Model.UNITS,
        GET_UNITS,
        _units,
        m.map_unit,
        _field("id"),
        property_param="propertyIds",
        params={"includeDisabledUnits": 1},
    ),
    Stream(Model.RESIDENTS, GET_CUSTOMERS, _customers, m.map_customer, _attribute_id),
    _lease_pages(
        Model.LEASES, GET_LEASES, _leases, _unkeyed(m.map_lease), children=(Model.RESIDENTS_TO_LEASES,)
    ),
    _client_list(Model.CHARGE_CODES, GET_AR_CODES, _ar_codes, m.map_ar_code, _field("id")),
    _client_list(Model.FINANCIAL_ACCOUNTS, GET_GL_TREES, _gl_accounts, m.map_gl_account, _attribute_id),
    _lease_pages(
        Model.RESIDENT_CHARGES,
        GET_LEDGER,
        _ledger,
        _keyed(lg.map_transaction),
        showFullLedger=1,
        includeOtherIncomeLeases=1,
    ),
    _lease_pages(
        Model.RECURRING_RESIDENT_CHARGES,
        GET_LEASE_DETAILS,
        _scheduled,
        _keyed(lg.map_scheduled),
        includeCharge=1,
    ),
)
# Payments are read for the whole client by date window (getArPayments has no property filter)
# and placed through their customer's tenancy: see the connector.
PAYMENTS_CHILDREN = (Model.RESIDENT_ALLOCATIONS,)
PARENT_OF: dict[Model, Model] = {
    **parents(STREAMS),
    **dict.fromkeys(PAYMENTS_CHILDREN, Model.RESIDENT_PAYMENTS),
}
STREAMED: frozenset[Model] = frozenset(STREAMS) | {Model.RESIDENT_PAYMENTS}
MODELS: frozenset[Model] = STREAMED | frozenset(PARENT_OF)  # what the connector reads
