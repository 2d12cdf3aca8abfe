"""MITS `ResidentTransactions` documents, read and written with lxml.

ResMan's ledger methods (`MITS/GetResidentTransactions2_0`, `MITS/GetRecurringCharges2_0`) answer
a MITS document and `MITS/PostResidentTransactions2_0` takes one (form field `xml`). The shape,
as public MITS clients read it (namespaces, if any, are ignored):

    ResidentTransactions/Property/RT_Customer
        CustomerID                      the household, i.e. the lease
        RT_Unit/UnitID
        RTServiceTransactions/Transactions/(Charge | Concession | Payment[@Type] | RecurringCharge)
            Detail/{TransactionID, TransactionDate, ChargeCode, GLAccountNumber, CustomerID (the
                    resident), UnitID, Amount ("1500.00"), Description, Comment, DocumentNumber,
                    BatchID, …}

`transactions` flattens a document into one dict per transaction: the Detail's fields as text,
plus `Kind`, `PaymentType`, `LeaseID` and `UnitID` from around it. Amounts stay text (parsed to
cents exactly by the mappers).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from lxml import etree

from pmsgate.connectors.errors import TransientError

KINDS = ("Charge", "Concession", "Payment", "RecurringCharge")
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=True)


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: Any, name: str) -> Iterator[Any]:
    return (child for child in element if _local(child) == name)


def _text(element: Any, name: str) -> str | None:
    child = next(_children(element, name), None)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def parse(text: str | bytes) -> Any:
    data = text.encode() if isinstance(text, str) else text
    try:
        return etree.fromstring(data, parser=SAFE_XML)
    except etree.XMLSyntaxError as exc:
        raise TransientError(f"ResMan answered a MITS document that cannot be read: {exc}") from None


def transactions(text: str | bytes) -> Iterator[dict[str, Any]]:
    """One dict per transaction of a ResidentTransactions document, in document order."""
    root = parse(text)
    for customer in root.iter("{*}RT_Customer", "RT_Customer"):
        lease_id = _text(customer, "CustomerID")
        unit = next(_children(customer, "RT_Unit"), None)
        unit_id = None if unit is None else _text(unit, "UnitID")
        for service in _children(customer, "RTServiceTransactions"):
            for group in _children(service, "Transactions"):
                for item in group:
                    kind = _local(item)
                    if kind not in KINDS:
                        continue
                    detail = next(_children(item, "Detail"), None)
                    fields: dict[str, Any] = {}
                    if detail is not None:
                        fields = {
                            _local(c): (c.text.strip() if c.text else None) for c in detail if _local(c)
                        }
                    yield {
                        **fields,
                        "Kind": kind,
                        "PaymentType": item.get("Type"),
                        "LeaseID": lease_id,
                        "UnitID": fields.get("UnitID") or unit_id,
                    }


def document(property_id: str, customers: Sequence[Mapping[str, Any]]) -> str:
    """A ResidentTransactions document to post: one RT_Customer per entry of `customers`, each
    `{"CustomerID", "UnitID", "transactions": [(kind, payment_type, {detail field: text})]}`."""
    root = etree.Element("ResidentTransactions")
    prop = etree.SubElement(root, "Property")
    etree.SubElement(etree.SubElement(prop, "PropertyID"), "Identification", IDValue=property_id)
    for customer in customers:
        node = etree.SubElement(prop, "RT_Customer")
        if customer.get("CustomerID"):
            etree.SubElement(node, "CustomerID").text = str(customer["CustomerID"])
        if customer.get("UnitID"):
            etree.SubElement(etree.SubElement(node, "RT_Unit"), "UnitID").text = str(customer["UnitID"])
        service = etree.SubElement(node, "RTServiceTransactions")
        for kind, payment_type, detail in customer["transactions"]:
            item = etree.SubElement(etree.SubElement(service, "Transactions"), kind)
            if payment_type:
                item.set("Type", payment_type)
            details = etree.SubElement(item, "Detail")
            for name, value in detail.items():
                if value is not None:
                    etree.SubElement(details, name).text = str(value)
    return etree.tostring(root, encoding="unicode")
