"""What each SOAP operation does: reads render a document from the store, imports and SysBatch
calls change it. A handler returns the operation's result (a document or a number) or raises
Refused (a return code), Invalid (an error message) or SoapFault (an unreadable request)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeAlias

from lxml import etree

from pmsgate.emulators.yardi import documents, imports
from pmsgate.emulators.yardi.envelope import Call, SoapFault
from pmsgate.emulators.yardi.store import BATCH_LIMIT, Batch, Invalid, YardiStore

Result: TypeAlias = etree._Element | int | str
Handler = Callable[[YardiStore, Call], Result]
MAX_RANGE_DAYS = 31  # "Only allows the consumer to pull up to 31 days worth of information"


class LostAnswer(Exception):
    """The write was stored, then the answer failed (the `fail_writes_after_commit` fault)."""


def _datetime(call: Call, name: str, required: bool = True) -> datetime | None:
    text = call.text(name)
    if text is None or text == "":
        if required:  # a .NET DateTime parameter cannot be absent
            raise SoapFault("soap:Client", f"Server was unable to read request. {name} is required")
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SoapFault("soap:Client", f"Server was unable to read request. {name}: {text!r}") from None


def _batch_id(call: Call) -> int:
    text = call.text("BatchId") or ""
    try:
        return int(text)
    except ValueError:
        raise SoapFault("soap:Client", f"Server was unable to read request. BatchId: {text!r}") from None


def _slow(store: YardiStore) -> None:
    delay = store.faults.plan.slow_ms
    if delay:
        store.faults.note("slow_ms")
        time.sleep(delay / 1000)


def _property(call: Call) -> str:
    return call.text("YardiPropertyId") or ""


def _read(render: Callable[[YardiStore, Call], etree._Element]) -> Handler:
    def handler(store: YardiStore, call: Call) -> Result:
        _slow(store)
        with store.lock:
            return render(store, call)

    return handler


def _by_charge_date(store: YardiStore, call: Call) -> etree._Element:
    start, end = _datetime(call, "FromDate"), _datetime(call, "ToDate")
    assert start is not None and end is not None
    if end.date() < start.date():
        raise Invalid("ToDate must not be before FromDate")
    if (end.date() - start.date()).days > MAX_RANGE_DAYS:
        raise Invalid(f"Date range cannot exceed {MAX_RANGE_DAYS} days")
    return documents.transactions(store, _property(call), start.date(), end.date())


def _lease_charges(store: YardiStore, call: Call) -> etree._Element:
    month = _datetime(call, "PostMonth")
    assert month is not None
    return documents.lease_charges(store, _property(call), month.date().replace(day=1))


def _residents(store: YardiStore, call: Call) -> etree._Element:
    since = _datetime(call, "ModifiedSinceDate")
    return documents.residents(store, _property(call), since, call.text("Status") or None)


def _import(kind: str) -> Handler:
    parse = imports.charges if kind == "charge" else imports.receipts

    def handler(store: YardiStore, call: Call) -> Result:
        with store.lock:
            rows = parse(store, call.document("TransactionXml"))
            imports.store_rows(store, rows)
        if store.faults.take("fail_writes_after_commit"):
            raise LostAnswer()
        noun = "charge(s)" if kind == "charge" else "receipt(s)"
        return documents.messages("Success", f"{len(rows)} {noun} were successfully imported")

    return handler


def _open_batch(store: YardiStore, call: Call) -> Result:
    return store.open_batch(_property(call), call.text("BatchDescription") or "")


def _open(store: YardiStore, call: Call) -> Batch:
    batch = store.batches.get(_batch_id(call))
    if batch is None:
        raise Invalid(f"Batch {call.text('BatchId')} is not an open charge batch")
    return batch


def _add_to_batch(store: YardiStore, call: Call) -> Result:
    with store.lock:
        batch = _open(store, call)
        rows = imports.charges(store, call.document("TransactionXml"))
        if len(rows) > BATCH_LIMIT:
            raise Invalid(f"A batch accepts at most {BATCH_LIMIT} charges per call")
        foreign = [r for r in rows if r["PropertyPrimaryID"] != batch.property_code]
        if foreign:
            raise Invalid(f"Charges must belong to the batch's property {batch.property_code}")
        batch.charges.extend(rows)
        return documents.messages("Success", f"{len(rows)} charge(s) were added to batch {batch.batch_id}")


def _post_batch(store: YardiStore, call: Call) -> Result:
    with store.lock:
        batch = _open(store, call)
        imports.store_rows(store, batch.charges)
        del store.batches[batch.batch_id]
    if store.faults.take("fail_writes_after_commit"):
        raise LostAnswer()
    return documents.messages("Success", f"Batch {batch.batch_id} posted with {len(batch.charges)} charge(s)")


def _cancel_batch(store: YardiStore, call: Call) -> Result:
    with store.lock:
        batch = _open(store, call)
        del store.batches[batch.batch_id]
    return documents.messages("Success", f"Batch {batch.batch_id} cancelled")


HANDLERS: dict[str, Handler] = {
    "GetPropertyConfigurations": _read(lambda store, _call: documents.properties(store)),
    "GetUnitInformation_Login": _read(lambda store, call: documents.units(store, _property(call))),
    "GetChargeTypes_Login": _read(lambda store, _call: documents.charge_types(store)),
    "ExportChartOfAccounts": _read(lambda store, _call: documents.chart(store)),
    "GetResidentTransactions_Login": _read(
        lambda store, call: documents.transactions(store, _property(call), None, None)
    ),
    "GetResidentTransactions_ByChargeDate_Login": _read(_by_charge_date),
    "GetResidentsLeaseCharges_Login": _read(_lease_charges),
    "GetResidentsByDate": _read(_residents),
    "ImportCharge_Login": _import("charge"),
    "ImportResidentTransactions_Login": _import("charge"),
    "ImportReceipt_Login": _import("receipt"),
    "OpenChargeBatch": _open_batch,
    "AddChargesToBatch": _add_to_batch,
    "PostChargeBatch": _post_batch,
    "CancelChargeBatch": _cancel_batch,
}
