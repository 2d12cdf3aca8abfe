"""YARDI writes: a generic `WriteRequest` -> a MITS ResidentTransactions document, imported.

    CREATE_RESIDENT_CHARGE        ImportCharge_Login(TransactionXml)       Messages, no id
    CREATE_RESIDENT_PAYMENT       ImportReceipt_Login(TransactionXml)      Messages, no id
    CREATE_RESIDENT_CHARGE_BATCH  SysBatch: OpenChargeBatch -> BatchId, AddChargesToBatch (≤ 500
                                  charges a call), PostChargeBatch; CancelChargeBatch when a step
                                  fails before the post, so nothing half-done reaches the ledger

Amounts go as "123.45" (exact, from cents), dates as YYYY-MM-DD, PostMonth as the month's first
day. The marker: every transaction carries " [PMSG-…]" in its Comment (Yardi returns no ids);
`find_written` reads the property's ledger for the transaction days and keeps the transactions
whose Comment carries it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from lxml import etree

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.connectors import markers
from pmsgate.connectors.errors import (
    ConnectorError,
    OutcomeUnknown,
    PermanentError,
    TransientError,
    VendorRejected,
)
from pmsgate.connectors.writes import WriteOperation, WriteOutcome, WriteRequest, utc_day
from pmsgate.connectors.yardi import mapping as m
from pmsgate.connectors.yardi.rules import COMMENT_LIMIT
from pmsgate.connectors.yardi.service import BILLING, SYSBATCH
from pmsgate.connectors.yardi.soap import YardiSoap
from pmsgate.connectors.yardi.streams import WINDOW_DAYS
from pmsgate.kit.money import cents_to_decimal_str

Op = WriteOperation
MITS = "http://yardi.com/ResidentTransactions20"
BATCH_LIMIT = 500  # "Add Charges to a Batch; 500 limit max."
PAYMENT_TYPE = "Other"  # Propexo's Yardi payment takes no payment type


def _el(parent: etree._Element, name: str, value: Any = None) -> etree._Element:
    node = etree.SubElement(parent, f"{{{MITS}}}{name}")
    if value is not None:
        node.text = str(value)
    return node


def _month(value: Any) -> str:
    day = utc_day(value)
    return date(day.year, day.month, 1).isoformat()


def place(fields: Mapping[str, Any]) -> tuple[str, str, str]:
    """(property code, tenant code, unit code) of a write, checked to agree."""
    code = str(fields["x_property_id"])
    unit_property, unit = m.split_unit_key(str(fields["x_unit_id"]))
    if unit_property != code or not unit:
        raise VendorRejected(f"unit_id: unit {fields['x_unit_id']!r} is not in property {code!r}")
    return code, str(fields["x_resident_id"]), unit


def document(details: Iterable[etree._Element]) -> etree._Element:
    root = etree.Element(f"{{{MITS}}}ResidentTransactions", nsmap={None: MITS})
    transactions = _el(
        _el(_el(_el(root, "Property"), "RT_Customer"), "RTServiceTransactions"), "Transactions"
    )
    for detail in details:
        transactions.append(detail)
    return root


def charge(fields: Mapping[str, Any], marker: str) -> etree._Element:
    code, tenant, unit = place(fields)
    node = etree.Element(f"{{{MITS}}}Charge")
    detail = _el(node, "Detail")
    _el(detail, "Description", fields.get("description") or fields["x_charge_code_id"])
    _el(detail, "TransactionDate", utc_day(fields["transaction_date"]).isoformat())
    _el(detail, "ChargeCode", fields["x_charge_code_id"])
    _el(detail, "GLAccountNumber", fields["x_financial_account_id"])
    _el(detail, "CustomerID", tenant)
    _el(detail, "UnitID", unit)
    _el(detail, "Amount", cents_to_decimal_str(int(fields["amount_in_cents"])))
    _el(detail, "Comment", markers.tag(marker))
    _el(detail, "PropertyPrimaryID", code)
    if fields.get("post_month") is not None:
        _el(detail, "PostMonth", _month(fields["post_month"]))
    return node


def receipt(fields: Mapping[str, Any], marker: str) -> etree._Element:
    code, tenant, unit = place(fields)
    node = etree.Element(f"{{{MITS}}}Payment", Type=PAYMENT_TYPE)
    detail = _el(node, "Detail")
    _el(detail, "DocumentNumber", fields["reference_number"])
    _el(detail, "TransactionDate", utc_day(fields["transaction_date"]).isoformat())
    _el(detail, "CustomerID", tenant)
    _el(detail, "UnitID", unit)
    _el(detail, "Amount", cents_to_decimal_str(int(fields["amount_in_cents"])))
    _el(detail, "GLAccountNumber", fields["x_financial_account_id"])
    _el(detail, "Comment", markers.append(fields.get("description"), marker, COMMENT_LIMIT))
    _el(detail, "PropertyPrimaryID", code)
    return node


# The single-transaction writes: the Billing import method and the transaction it takes.
IMPORTS: dict[WriteOperation, tuple[str, Callable[[Mapping[str, Any], str], etree._Element]]] = {
    Op.CREATE_RESIDENT_CHARGE: ("ImportCharge_Login", charge),
    Op.CREATE_RESIDENT_PAYMENT: ("ImportReceipt_Login", receipt),
}


def items(request: WriteRequest) -> list[Mapping[str, Any]]:
    if request.operation is Op.CREATE_RESIDENT_CHARGE_BATCH:
        return list(request.fields["items"])
    return [request.fields]


class YardiWrites:
    def __init__(self, soap: YardiSoap) -> None:
        self.soap = soap

    def write(self, request: WriteRequest) -> WriteOutcome:
        op = request.operation
        if op in IMPORTS:
            method, transaction = IMPORTS[op]
            xml = document([transaction(request.fields, request.marker)])
            self.soap.call(BILLING, method, write=True, TransactionXml=xml)
        elif op is Op.CREATE_RESIDENT_CHARGE_BATCH:
            self._batch(request)
        else:
            raise VendorRejected(f"Yardi does not support {op.value}")
        return WriteOutcome(x_id=None)

    def _batch(self, request: WriteRequest) -> None:
        rows = items(request)
        codes = {str(row["x_property_id"]) for row in rows}
        if len(codes) != 1:
            raise VendorRejected("a Yardi charge batch belongs to one property; send one batch per property")
        details = [charge(row, request.marker) for row in rows]
        batch_id = self.soap.call(
            SYSBATCH,
            "OpenChargeBatch",
            YardiPropertyId=codes.pop(),
            BatchDescription=f"pmsgate {request.marker}",
        )
        try:
            for start in range(0, len(details), BATCH_LIMIT):
                chunk = document(details[start : start + BATCH_LIMIT])
                self.soap.call(
                    SYSBATCH, "AddChargesToBatch", write=True, BatchId=batch_id, TransactionXml=chunk
                )
        except ConnectorError as exc:
            self._cancel(batch_id)
            if isinstance(exc, OutcomeUnknown):  # cancelled unposted: nothing reached the ledger
                raise TransientError(f"charge batch {batch_id} cancelled: {exc.message}") from exc
            raise
        try:
            self.soap.call(SYSBATCH, "PostChargeBatch", write=True, BatchId=batch_id)
        except (PermanentError, TransientError) as exc:
            if not isinstance(exc, OutcomeUnknown):
                self._cancel(batch_id)
            raise

    def _cancel(self, batch_id: int) -> None:
        # An unposted batch never reaches the ledger, cancelled or not.
        with contextlib.suppress(ConnectorError):
            self.soap.call(SYSBATCH, "CancelChargeBatch", BatchId=batch_id)

    def find_written(self, request: WriteRequest) -> list[str]:
        rows = items(request)
        code = str(rows[0]["x_property_id"])
        days = sorted({utc_day(row["transaction_date"]) for row in rows})
        tag = markers.tag(request.marker)
        kind = "Payment" if request.operation is Op.CREATE_RESIDENT_PAYMENT else "Charge"
        found: list[str] = []
        for start, end in _spans(days):
            answer = self.soap.call(
                BILLING,
                "GetResidentTransactions_ByChargeDate_Login",
                YardiPropertyId=code,
                FromDate=datetime.combine(start, datetime.min.time()),
                ToDate=datetime.combine(end, datetime.min.time()),
            )
            for node in m.descendants(answer, kind):
                for detail in m.children(node, "Detail"):
                    values = m.fields(detail)
                    if tag in (values.get("Comment") or "") and values.get("TransactionID"):
                        found.append(values["TransactionID"])
        return sorted(set(found))

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        raise PermanentError(f"Yardi record {x_id}: Yardi's imports return no ids; the next sync reads it")


def _spans(days: Sequence[date]) -> list[tuple[date, date]]:
    """Inclusive day ranges of at most 31 days covering `days` (sorted)."""
    spans: list[tuple[date, date]] = []
    for day in days:
        if spans and (day - spans[-1][0]).days < WINDOW_DAYS:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans
