"""ResMan's wire formats: the `Status` envelope as JSON (when the client accepts JSON) or XML
(otherwise), and MITS `ResidentTransactions` documents of ledger lines.

    JSON  {"MethodName", "Status", "AccountID", "PropertyID", "ErrorDescription"?, …payload}
    XML   <ResMan><MethodName/><Status/><AccountID/><PropertyID/><ErrorDescription/>
              <Response>payload</Response></ResMan>

Lists in XML are a container of singular elements (`LIST_ITEMS`); a MITS document travels as
text: the JSON field `ResidentTransactions`, or the escaped text of XML's `<Response>`. These
shapes are inferred from public client code (docs/vendors/resman.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lxml import etree
from starlette.responses import Response

from pmsgate.emulators.resman.seed import Record

LIST_ITEMS = {
    "Properties": "Property",
    "Units": "Unit",
    "Residents": "Resident",
    "GLAccounts": "GLAccount",
    "Periods": "Period",
    "ChargeCodes": "ChargeCode",
}
MITS_KEY = "ResidentTransactions"
# Detail fields of a ledger line, in MITS order; the rest of a line says where it sits.
DETAIL_FIELDS = (
    "TransactionID",
    "TransactionDate",
    "ChargeCode",
    "GLAccountNumber",
    "CustomerID",
    "UnitID",
    "Amount",
    "Description",
    "Comment",
    "DocumentNumber",
    "BatchID",
    "StartDate",
    "EndDate",
    "Frequency",
    "DueDay",
)


def wants_json(accept: str) -> bool:
    return "application/json" in accept.lower()


def _xml_value(parent: Any, name: str, value: Any) -> None:
    if value is None:
        return
    node = etree.SubElement(parent, name)
    if isinstance(value, list):
        for item in value:
            _xml_value(node, LIST_ITEMS.get(name, "Item"), item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(node, key, inner)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    else:
        node.text = str(value)


def envelope(
    method: str,
    accept: str,
    *,
    status: str = "Success",
    account_id: str = "",
    property_id: str | None = None,
    payload: dict[str, Any] | None = None,
    error: str | None = None,
    http_status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    head: dict[str, Any] = {"MethodName": method.split("/")[-1], "Status": status, "AccountID": account_id}
    if property_id is not None:
        head["PropertyID"] = property_id
    if error is not None:
        head["ErrorDescription"] = error
    if wants_json(accept):
        body = json.dumps({**head, **(payload or {})})
        return Response(body, http_status, headers, media_type="application/json")
    root = etree.Element("ResMan")
    for key, value in head.items():
        _xml_value(root, key, value)
    if payload:
        response = etree.SubElement(root, "Response")
        for key, value in payload.items():
            if key == MITS_KEY:
                response.text = value  # the document, escaped as text
            else:
                _xml_value(response, key, value)
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return Response(xml, http_status, headers, media_type="application/xml")


def mits_document(property_id: str, lines: Iterable[Record]) -> str:
    """Ledger (or recurring) lines as a ResidentTransactions document, one RT_Customer per lease."""
    root = etree.Element("ResidentTransactions")
    prop = etree.SubElement(root, "Property")
    etree.SubElement(etree.SubElement(prop, "PropertyID"), "Identification", IDValue=property_id)
    customers: dict[str, Any] = {}
    for line in lines:
        lease = str(line.get("LeaseID") or "")
        customer = customers.get(lease)
        if customer is None:
            customer = customers[lease] = etree.SubElement(prop, "RT_Customer")
            etree.SubElement(customer, "CustomerID").text = lease
            etree.SubElement(etree.SubElement(customer, "RT_Unit"), "UnitID").text = line.get("UnitID")
            etree.SubElement(customer, "RTServiceTransactions")
        service = customer.find("RTServiceTransactions")
        item = etree.SubElement(etree.SubElement(service, "Transactions"), line["Kind"])
        if line.get("PaymentType"):
            item.set("Type", line["PaymentType"])
        detail = etree.SubElement(item, "Detail")
        for name in DETAIL_FIELDS:
            if line.get(name) is not None:
                etree.SubElement(detail, name).text = str(line[name])
    return etree.tostring(root, encoding="unicode")
