"""`MITS/PostResidentTransactions2_0` and ResMan's partner-transaction approval.

A partner posts a MITS ResidentTransactions document (form field `xml`) for one `PropertyID`.
Every transaction is checked before any is kept (all or nothing), as ResMan's "Failed to write
resident transaction: …" errors suggest; accepted ones are held as *pending partner
transactions*, invisible to the ledger reads, until the property management company approves
them (here: `POST /_control/approve`). Approval books each as a ledger line with a ResMan
TransactionID of its own; the partner's TransactionID stays refused for ever after ("Duplicate
transaction ID"). ResMan returns no ids for posted transactions.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from pmsgate.emulators.resman.seed import CASH_ACCOUNT, PAYMENT_TYPES, Record, guid
from pmsgate.emulators.resman.store import ResManError, ResManStore

PREFIX = "Failed to write resident transaction: "
ACCEPTED_PAYMENT_TYPES = frozenset({*PAYMENT_TYPES, "Cashier's Check", "Debit Card", "eCheck", "Other"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


def _refuse(text: str) -> ResManError:
    return ResManError(PREFIX + text)


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _detail(item: Any) -> dict[str, str]:
    detail = next((c for c in item if _local(c) == "Detail"), None)
    if detail is None:
        raise _refuse(f"{_local(item)} has no Detail")
    return {_local(c): (c.text or "").strip() for c in detail if _local(c)}


def _amount(text: str) -> str:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _refuse(f"Amount {text!r} is not a number") from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise _refuse("Amount must be greater than 0 with at most 2 decimals")
    return f"{amount:.2f}"


def _transactions(xml: str) -> Iterable[tuple[str, str | None, dict[str, str]]]:
    try:
        root = etree.fromstring(xml.encode(), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise _refuse(f"the xml cannot be read ({exc})") from None
    if _local(root) != "ResidentTransactions":
        raise _refuse("the xml is not a ResidentTransactions document")
    for group in root.iter("{*}Transactions"):
        for item in group:
            yield _local(item), item.get("Type"), _detail(item)


def post_resident_transactions(
    store: ResManStore, form: Mapping[str, str]
) -> tuple[str | None, dict[str, Any]]:
    property_id = store.property(form)
    xml = form.get("xml", "")
    if not xml.strip():
        raise ResManError("xml is required")
    accepted: list[Record] = []
    seen: set[str] = set()
    for kind, payment_type, detail in _transactions(xml):
        accepted.append(_check(store, property_id, kind, payment_type, detail, seen))
    if not accepted:
        raise _refuse("the document holds no transactions")
    with store.lock:
        if any(t["PartnerTransactionID"] in store.partner_ids for t in accepted):
            raise _refuse("Duplicate transaction ID")
        for transaction in accepted:
            store.partner_ids.add(transaction["PartnerTransactionID"])
            store.pending[transaction["PartnerTransactionID"]] = transaction
    return property_id, {}


def _check(
    store: ResManStore,
    property_id: str,
    kind: str,
    payment_type: str | None,
    detail: dict[str, str],
    seen: set[str],
) -> Record:
    if kind not in ("Charge", "Payment"):
        raise _refuse(f"{kind} transactions cannot be posted")
    partner_id = detail.get("TransactionID", "")
    if not partner_id:
        raise _refuse("TransactionID is required")
    if partner_id in seen:
        raise _refuse("Duplicate transaction ID")
    seen.add(partner_id)
    for name in ("BatchID", "Description", "TransactionDate", "CustomerID", "Amount"):
        if not detail.get(name):
            raise _refuse(f"{name} is required")
    try:
        posted = date.fromisoformat(detail["TransactionDate"][:10])
    except ValueError:
        raise _refuse(f"TransactionDate {detail['TransactionDate']!r} is not a date") from None
    resident = store.resident(property_id, detail["CustomerID"].lower())
    if resident is None:
        raise _refuse(f"CustomerID {detail['CustomerID']} is not a resident of property {property_id}")
    code = detail.get("ChargeCode") or None
    if kind == "Charge" and code not in store.charge_codes:
        raise _refuse(f"ChargeCode {code!r} was not found")
    if kind == "Payment" and payment_type not in ACCEPTED_PAYMENT_TYPES:
        raise _refuse(f"Payment Type {payment_type!r} is not accepted")
    return {
        "PartnerTransactionID": partner_id,
        "PropertyID": property_id,
        "Kind": kind,
        "PaymentType": payment_type if kind == "Payment" else None,
        "LeaseID": resident["LeaseID"],
        "UnitID": resident["UnitID"],
        "CustomerID": resident["PersonID"],
        "TransactionDate": posted.isoformat(),
        "ChargeCode": code,
        "GLAccountNumber": store.charge_codes[code][1] if code in store.charge_codes else CASH_ACCOUNT,
        "Amount": _amount(detail["Amount"]),
        "Description": detail["Description"],
        "Comment": detail.get("Comment") or None,
        "DocumentNumber": detail.get("DocumentNumber") or None,
        "BatchID": detail["BatchID"],
        "Status": "Pending Approval",
    }


def approve(store: ResManStore, partner_ids: list[str] | None) -> list[str]:
    """Approve pending partner transactions (all when `partner_ids` is None): each becomes a ledger
    line with a ResMan TransactionID of its own. Returns those ids."""
    rng = random.Random()  # ids need only be unique
    booked: list[str] = []
    with store.lock:
        chosen = list(store.pending) if partner_ids is None else partner_ids
        unknown = [p for p in chosen if p not in store.pending]
        if unknown:
            raise ValueError(f"no pending partner transaction {unknown[0]!r}")
        for partner_id in chosen:
            pending = store.pending.pop(partner_id)
            line = {
                k: v for k, v in pending.items() if k not in ("PartnerTransactionID", "PropertyID", "Status")
            }
            line["TransactionID"] = guid(rng)
            store.ledger[pending["PropertyID"]].append(line)
            booked.append(line["TransactionID"])
    return booked
