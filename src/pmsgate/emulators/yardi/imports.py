"""Yardi's imports: MITS ResidentTransactions documents of charges (ImportCharge_Login, a
charge batch's AddChargesToBatch) and receipts (ImportReceipt_Login), validated the way Voyager
does before anything is stored: an import is all or nothing, and its answer is a `Messages`
document."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from pmsgate.emulators.yardi.seed import Row, money
from pmsgate.emulators.yardi.store import Invalid, YardiStore

_PAYMENT_TYPES = {"Check", "ACH", "Money Order", "Credit Card", "Cash", "Cashiers Check", "Other"}


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname


def _details(document: etree._Element | None, kind: str) -> list[tuple[etree._Element, dict[str, str]]]:
    """(transaction element, Detail fields) of every `kind` (Charge|Payment) in the document."""
    if document is None or _local(document) != "ResidentTransactions":
        raise Invalid("TransactionXml must hold a MITS ResidentTransactions document")
    found = []
    for node in document.iter(etree.Element):
        if _local(node) != kind:
            continue
        detail = next((c for c in node if _local(c) == "Detail"), None)
        if detail is None:
            raise Invalid(f"{kind} without Detail")
        found.append((node, {_local(c): (c.text or "").strip() for c in detail}))
    return found


def _amount(fields: dict[str, str], index: int) -> str:
    try:
        value = Decimal(fields.get("Amount", ""))
    except InvalidOperation:
        raise Invalid(f"Transaction {index}: Amount {fields.get('Amount')!r} is not a number") from None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise Invalid(f"Transaction {index}: Amount has more than 2 decimals")
    return money(int(value * 100))


def _date(fields: dict[str, str], name: str, index: int, required: bool = True) -> str | None:
    text = fields.get(name)
    if not text:
        if required:
            raise Invalid(f"Transaction {index}: {name} is required")
        return None
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise Invalid(f"Transaction {index}: {name} {text!r} is not a date") from None


def _tenant(store: YardiStore, fields: dict[str, str], index: int) -> Row:
    code = fields.get("PropertyPrimaryID") or ""
    store.accessible(code)
    tenant = store.tenants.get(fields.get("CustomerID") or "")
    if tenant is None or tenant["PropertyID"] != code:
        raise Invalid(
            f"Transaction {index}: Resident {fields.get('CustomerID')!r} not found in property {code}"
        )
    unit = fields.get("UnitID")
    if unit and unit != tenant["UnitCode"]:
        raise Invalid(
            f"Transaction {index}: Unit {unit!r} is not the unit of resident {tenant['TenantCode']}"
        )
    return tenant


def _transactions(
    store: YardiStore, document: etree._Element | None, kind: str
) -> Iterator[tuple[int, etree._Element, dict[str, str], Row]]:
    """(index from 1, element, Detail fields, resident) of each `kind` (Charge|Payment), each
    resident checked just before its transaction is; Invalid when the document holds none."""
    found = _details(document, kind)
    if not found:
        plural = {"Charge": "charges", "Payment": "receipts"}[kind]
        raise Invalid(f"No {plural} found in TransactionXml")
    for index, (node, fields) in enumerate(found, start=1):
        yield index, node, fields, _tenant(store, fields, index)


def charges(store: YardiStore, document: etree._Element | None) -> list[Row]:
    rows = []
    for index, _, fields, tenant in _transactions(store, document, "Charge"):
        code = fields.get("ChargeCode") or ""
        if code not in store.charge_types:
            raise Invalid(f"Transaction {index}: Charge Code {code!r} not found")
        gl = fields.get("GLAccountNumber") or store.charge_types[code][1]
        if gl not in store.accounts:
            raise Invalid(f"Transaction {index}: GL Account {gl!r} not found")
        amount = _amount(fields, index)
        day = _date(fields, "TransactionDate", index)
        assert day is not None
        rows.append(
            {
                "Kind": "Charge",
                "Description": fields.get("Description") or store.charge_types[code][0],
                "TransactionDate": day,
                "PostMonth": _date(fields, "PostMonth", index, required=False) or day[:8] + "01",
                "ChargeCode": code,
                "GLAccountNumber": gl,
                "CustomerID": tenant["TenantCode"],
                "PropertyPrimaryID": tenant["PropertyID"],
                "UnitID": tenant["UnitCode"],
                "Amount": amount,
                "AmountPaid": "0.00",
                "BalanceDue": amount,
                "Comment": fields.get("Comment") or "",
            }
        )
    return rows


def receipts(store: YardiStore, document: etree._Element | None) -> list[Row]:
    rows = []
    for index, node, fields, tenant in _transactions(store, document, "Payment"):
        kind = node.get("Type") or "Other"
        if kind not in _PAYMENT_TYPES:
            raise Invalid(f"Transaction {index}: Payment Type {kind!r} is not valid")
        if not fields.get("DocumentNumber"):
            raise Invalid(f"Transaction {index}: DocumentNumber is required")
        gl = fields.get("GLAccountNumber") or "1000-0000"
        if gl not in store.accounts:
            raise Invalid(f"Transaction {index}: GL Account {gl!r} not found")
        day = _date(fields, "TransactionDate", index)
        assert day is not None
        rows.append(
            {
                "Kind": "Payment",
                "Type": kind,
                "DocumentNumber": fields["DocumentNumber"],
                "TransactionDate": day,
                "PostMonth": _date(fields, "PostMonth", index, required=False) or day[:8] + "01",
                "CustomerID": tenant["TenantCode"],
                "PropertyPrimaryID": tenant["PropertyID"],
                "UnitID": tenant["UnitCode"],
                "Amount": _amount(fields, index),
                "GLAccountNumber": gl,
                "Comment": fields.get("Comment") or "",
            }
        )
    return rows


def store_rows(store: YardiStore, rows: list[Row]) -> None:
    with store.lock:
        for row in rows:
            row["TransactionID"] = store.next_transaction_id()
            store.transactions[row["TransactionID"]] = row
