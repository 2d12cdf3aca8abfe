"""The documents Yardi's read operations answer with, rendered from the store.

Resident transactions and lease charges are MITS ResidentTransactions 2.0 documents
(`http://yardi.com/ResidentTransactions20`: Property / RT_Customer / RTServiceTransactions /
Transactions / Charge|Payment / Detail), as Yardi's import examples show them. The shapes of the
property list, units, charge types, chart of accounts and Common Data residents are not
published; the ones here are inferred (element names from Yardi's field names) and documented in
docs/vendors/yardi.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from lxml import etree

from pmsgate.emulators.yardi.seed import Row
from pmsgate.emulators.yardi.store import YardiStore

MITS = "http://yardi.com/ResidentTransactions20"
_CHARGE_FIELDS = (
    "TransactionID",
    "Description",
    "TransactionDate",
    "PostMonth",
    "ChargeCode",
    "GLAccountNumber",
    "CustomerID",
    "UnitID",
    "Amount",
    "AmountPaid",
    "BalanceDue",
    "Comment",
    "PropertyPrimaryID",
)
_PAYMENT_FIELDS = (
    "TransactionID",
    "DocumentNumber",
    "TransactionDate",
    "PostMonth",
    "CustomerID",
    "UnitID",
    "Amount",
    "GLAccountNumber",
    "Comment",
    "PropertyPrimaryID",
)


def _add(parent: etree._Element, tag: str, value: object) -> etree._Element:
    child = etree.SubElement(parent, tag)
    if value is not None:
        child.text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    return child


def _fields(parent: etree._Element, row: Row, names: Iterable[str]) -> None:
    for name in names:
        if row.get(name) is not None:
            _add(parent, name, row[name])


def messages(kind: str, *texts: str) -> etree._Element:
    """`<Messages><Message messageType="Error|Success">…</Message></Messages>`."""
    root = etree.Element("Messages")
    for text in texts:
        _add(root, "Message", text).set("messageType", kind)
    return root


def properties(store: YardiStore) -> etree._Element:
    return _listing("Properties", "Property", store.visible_properties())


def units(store: YardiStore, code: str) -> etree._Element:
    root = etree.Element("UnitInformation")
    prop = etree.SubElement(root, "Property")
    _add(prop, "PropertyID", code)
    for (property_code, _), row in sorted(store.units.items()):
        if property_code == code:
            _fields(etree.SubElement(prop, "Unit"), row, [k for k in row if k != "PropertyID"])
    return root


def _listing(tag: str, item: str, rows: Iterable[Row]) -> etree._Element:
    root = etree.Element(tag)
    for row in rows:
        _fields(etree.SubElement(root, item), row, row.keys())
    return root


def charge_types(store: YardiStore) -> etree._Element:
    rows = ({"Code": c, "Description": name, "GLAccount": gl} for c, (name, gl) in store.charge_types.items())
    return _listing("ChargeTypes", "ChargeType", rows)


def chart(store: YardiStore) -> etree._Element:
    rows = (
        {"AccountNumber": number, "Description": name, "AccountType": kind, "Inactive": "false"}
        for number, (name, kind) in store.accounts.items()
    )
    return _listing("ChartOfAccounts", "Account", rows)


def residents(store: YardiStore, code: str, since: datetime | None, status: str | None) -> etree._Element:
    """Common Data residents of one property: tenants (households) changed at or after `since`."""
    root = etree.Element("ResidentsByDate")
    prop = etree.SubElement(root, "Property")
    _add(prop, "PropertyID", code)
    for tenant in store.tenants.values():
        if tenant["PropertyID"] != code or (status and tenant["Status"] != status):
            continue
        if since is not None and tenant["LastModified"].replace(tzinfo=None) < since.replace(tzinfo=None):
            continue
        node = etree.SubElement(prop, "Tenant")
        simple = [k for k in tenant if k not in ("residents", "PropertyID", "LastModified")]
        _fields(node, tenant, simple)
        _add(node, "LastModified", tenant["LastModified"].replace(tzinfo=None).isoformat(timespec="seconds"))
        for resident in tenant["residents"]:
            _fields(etree.SubElement(node, "Resident"), resident, resident.keys())
    return root


def _customers(store: YardiStore, code: str) -> list[Row]:
    return [t for t in store.tenants.values() if t["PropertyID"] == code]


def transactions(store: YardiStore, code: str, start: date | None, end: date | None) -> etree._Element:
    """MITS resident transactions of one property; with a range, only tenants with transactions
    dated in it, and only those transactions."""
    root = etree.Element(f"{{{MITS}}}ResidentTransactions", nsmap={None: MITS})
    prop = etree.SubElement(root, f"{{{MITS}}}Property")
    by_customer: dict[str, list[Row]] = {}
    for row in store.transactions.values():
        if row["PropertyPrimaryID"] != code:
            continue
        day = date.fromisoformat(row["TransactionDate"])
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        by_customer.setdefault(row["CustomerID"], []).append(row)
    for tenant in _customers(store, code):
        rows = by_customer.get(tenant["TenantCode"])
        if not rows and start is not None:
            continue
        customer = _customer(prop, tenant)
        txns = etree.SubElement(
            etree.SubElement(customer, f"{{{MITS}}}RTServiceTransactions"), f"{{{MITS}}}Transactions"
        )
        for row in sorted(rows or [], key=lambda r: (r["TransactionDate"], int(r["TransactionID"]))):
            names: tuple[str, ...] = _CHARGE_FIELDS
            if row["Kind"] == "Charge":
                kind = etree.SubElement(txns, f"{{{MITS}}}Charge")
            else:
                kind = etree.SubElement(txns, f"{{{MITS}}}Payment", Type=row["Type"])
                names = _PAYMENT_FIELDS
            detail = etree.SubElement(kind, f"{{{MITS}}}Detail")
            shown = _malformed(store, row)
            for name in names:
                if shown.get(name) is not None:
                    etree.SubElement(detail, f"{{{MITS}}}{name}").text = str(shown[name])
    return root


def _malformed(store: YardiStore, row: Row) -> Row:
    """The row as served: with the `malformed_every` fault, every Nth one (by transaction id)
    carries an amount no client can read."""
    every = store.faults.plan.malformed_every
    if every and int(row["TransactionID"]) % every == 0:
        store.faults.note("malformed_every")
        return {**row, "Amount": "twelve dollars"}
    return row


def _customer(prop: etree._Element, tenant: Row) -> etree._Element:
    customer = etree.SubElement(prop, f"{{{MITS}}}RT_Customer")
    etree.SubElement(customer, f"{{{MITS}}}CustomerID").text = tenant["TenantCode"]
    unit = etree.SubElement(customer, f"{{{MITS}}}RTUnit")
    etree.SubElement(unit, f"{{{MITS}}}UnitID").text = tenant["UnitCode"]
    return customer


def lease_charges(store: YardiStore, code: str, post_month: date) -> etree._Element:
    """The recurring lease charges of one property in force in `post_month`."""
    root = etree.Element(f"{{{MITS}}}ResidentTransactions", nsmap={None: MITS})
    prop = etree.SubElement(root, f"{{{MITS}}}Property")
    by_customer: dict[str, list[Row]] = {}
    for row in store.lease_charges:
        ends = row.get("ToDate")
        if row["PropertyID"] == code and (not ends or date.fromisoformat(ends) >= post_month):
            by_customer.setdefault(row["CustomerID"], []).append(row)
    for tenant in _customers(store, code):
        rows = by_customer.get(tenant["TenantCode"])
        if not rows:
            continue
        charges = etree.SubElement(_customer(prop, tenant), f"{{{MITS}}}LeaseCharges")
        for row in rows:
            node = etree.SubElement(charges, f"{{{MITS}}}LeaseCharge")
            for name in (
                "ChargeID",
                "ChargeCode",
                "Amount",
                "FromDate",
                "ToDate",
                "Frequency",
                "Description",
            ):
                if row.get(name) is not None:
                    etree.SubElement(node, f"{{{MITS}}}{name}").text = str(row[name])
    return root
