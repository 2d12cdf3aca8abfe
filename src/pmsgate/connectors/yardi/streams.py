"""Yardi's streams, declared as data: which operation of which interface feeds each model, its
scope (the database, or one property per call: Yardi has no paging, a call answers one whole
document) and how it narrows the read.

- incremental: Common Data's GetResidentsByDate takes ModifiedSinceDate (residents, leases and
  their links come from it; the first sync sends 1900-01-01).
- windowed: the ledger comes from GetResidentTransactions_ByChargeDate_Login, which "only allows
  the consumer to pull up to 31 days worth of information": the sync's window is split into
  31-day windows (FromDate..ToDate inclusive, by day), plus one ahead for charges posted early.
  A window longer than `MAX_WINDOWS` of those (a back-sync 50 years deep would be 600 calls per
  property) reads the whole ledger with GetResidentTransactions_Login instead, one call per
  property, and keeps the transactions dated in the window.
- recurring charges: GetResidentsLeaseCharges_Login for the current post month.
Everything else is read whole, property by property where the operation takes YardiPropertyId.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.declared import by_model, one_record, parents
from pmsgate.connectors.yardi import mapping as m
from pmsgate.connectors.yardi.service import BILLING, COMMON, Interface

WINDOW_DAYS = 31
MAX_WINDOWS = 24
EPOCH = "1900-01-01T00:00:00"  # ModifiedSinceDate of a first sync
CHANGED_RESIDENTS = "GetResidentsByDate"
BY_CHARGE_DATE = "GetResidentTransactions_ByChargeDate_Login"
WHOLE_LEDGER = "GetResidentTransactions_Login"

Row = tuple[etree._Element, dict[str, str]]  # a native element and its context (customer, tenant)
Mapper = Callable[[etree._Element, dict[str, str], str], list[CanonicalRecord]]


@dataclass(frozen=True)
class Stream:
    model: Model
    interface: Interface
    operation: str
    rows: Callable[[etree._Element], list[Row]]  # the document's native records
    mapper: Mapper  # (element, context, property code) -> records
    by_property: bool = True
    incremental: bool = False
    windowed: bool = False
    lease_charges: bool = False
    children: tuple[Model, ...] = ()


def _plain(name: str) -> Callable[[etree._Element], list[Row]]:
    return lambda doc: [(node, {}) for node in m.descendants(doc, name)]


def _tenants(doc: etree._Element) -> list[Row]:
    return [(node, {}) for node in m.descendants(doc, "Tenant")]


def _residents(doc: etree._Element) -> list[Row]:
    return [(res, m.fields(t)) for t in m.descendants(doc, "Tenant") for res in m.children(t, "Resident")]


def _in_customers(kind: str) -> Callable[[etree._Element], list[Row]]:
    def rows(doc: etree._Element) -> list[Row]:
        found: list[Row] = []
        for customer in m.descendants(doc, "RT_Customer"):
            context = m.fields(customer)
            found.extend((node, context) for node in customer.iter(etree.Element) if m.local(node) == kind)
        return found

    return rows


def _charge_detail(node: etree._Element, context: dict[str, str], code: str) -> list[CanonicalRecord]:
    details = m.children(node, "Detail")
    if not details:
        raise m.MappingError("Charge without Detail")
    return [m.map_charge(details[0], code, context)]


def _database_list(
    model: Model, operation: str, element: str, mapper: Callable[[etree._Element], CanonicalRecord]
) -> Stream:
    """A list one call answers for the whole database: a record of each `element`, from it alone."""
    return Stream(
        model, BILLING, operation, _plain(element), lambda n, _c, _p: [mapper(n)], by_property=False
    )


def _residents_since(
    model: Model,
    rows: Callable[[etree._Element], list[Row]],
    mapper: Mapper,
    children: tuple[Model, ...] = (),
) -> Stream:
    """Residents or their leases, from Common Data's residents changed since the last sync."""
    return Stream(model, COMMON, CHANGED_RESIDENTS, rows, mapper, incremental=True, children=children)


def _ledger(model: Model, kind: str, mapper: Mapper) -> Stream:
    """Charges or payments (`kind`: their element in each RT_Customer), read window by window."""
    return Stream(model, BILLING, BY_CHARGE_DATE, _in_customers(kind), mapper, windowed=True)


STREAMS: dict[Model, Stream] = by_model(
    _database_list(Model.PROPERTIES, "GetPropertyConfigurations", "Property", m.map_property),
    Stream(
        Model.UNITS, BILLING, "GetUnitInformation_Login", _plain("Unit"), lambda n, _c, p: [m.map_unit(n, p)]
    ),
    _residents_since(Model.RESIDENTS, _residents, one_record(m.map_resident)),
    _residents_since(
        Model.LEASES, _tenants, lambda n, _c, p: m.map_lease(n, p), children=(Model.RESIDENTS_TO_LEASES,)
    ),
    _database_list(Model.CHARGE_CODES, "GetChargeTypes_Login", "ChargeType", m.map_charge_type),
    _database_list(Model.FINANCIAL_ACCOUNTS, "ExportChartOfAccounts", "Account", m.map_account),
    _ledger(Model.RESIDENT_CHARGES, "Charge", _charge_detail),
    _ledger(Model.RESIDENT_PAYMENTS, "Payment", lambda n, c, p: [m.map_payment(n, p, c)]),
    Stream(
        Model.RECURRING_RESIDENT_CHARGES,
        BILLING,
        "GetResidentsLeaseCharges_Login",
        _in_customers("LeaseCharge"),
        lambda n, c, p: [m.map_lease_charge(n, p, c)],
        lease_charges=True,
    ),
)
PARENT_OF: dict[Model, Model] = parents(STREAMS)
MODELS: frozenset[Model] = frozenset(STREAMS) | frozenset(PARENT_OF)  # what the connector reads
