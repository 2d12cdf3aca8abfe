"""ResMan's streams, declared as data.

ResMan's classic API has no paging and no modified-since filter on its reference data
(properties, units, residents): every sync reads them whole, one property at a time
(`PropertyID` on each call; the properties come from `Account/GetProperties`). The ledger is
date-windowed instead: `MITS/GetResidentTransactions2_0` takes `StartDate`/`EndDate`
(YYYY-MM-DD, inclusive), so a normal sync asks for its lookback window and a back-sync reaches
its 50 years back; recurring charges are read for the current posting month.

Resume token: `{"property": i}`, the i-th property in PropertyID order; a property is re-read
whole on resume (the upsert makes that harmless).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.declared import by_model, one_record, parents
from pmsgate.connectors.resman import ledger
from pmsgate.connectors.resman import mapping as m

Row = dict[str, Any]
Params = Callable[[ReadRequest, date], dict[str, str]]
PROPERTIES_METHOD, PROPERTIES_KEY = "Account/GetProperties", "Properties"
LEDGER_METHOD, RECURRING_METHOD = "MITS/GetResidentTransactions2_0", "MITS/GetRecurringCharges2_0"
MITS_KEY = "ResidentTransactions"


def _none(_request: ReadRequest, _today: date) -> dict[str, str]:
    return {}


def ledger_window(request: ReadRequest, today: date) -> dict[str, str]:
    """StartDate from the run's window; EndDate a day past today (ResMan dates are the
    property's local days, which can be a day ahead of UTC's)."""
    params = {"EndDate": (today + timedelta(days=1)).isoformat()}
    if request.window_start is not None:
        params["StartDate"] = request.window_start.date().isoformat()
    return params


def posting_month(_request: ReadRequest, today: date) -> dict[str, str]:
    return {"PostingMonth": today.replace(day=1).isoformat()}


def this_month(_request: ReadRequest, today: date) -> dict[str, str]:
    month = today.replace(day=1).isoformat()
    return {"StartMonth": month, "EndMonth": month}


@dataclass(frozen=True)
class Stream:
    model: Model
    method: str
    key: str  # where the answer holds the rows (or the MITS document)
    mapper: Callable[[Row, str], Sequence[CanonicalRecord]]  # (native row, PropertyID) -> records
    x_id: str  # the native id field, to name a record that cannot be mapped
    params: Params = _none
    per_property: bool = True
    mits: bool = False  # the answer is a MITS document; rows are its ledger lines
    kinds: tuple[str, ...] = ()  # MITS line kinds this stream keeps
    grouped_by: str | None = None  # rows are grouped by this field; the mapper gets {"rows": [...]}
    account_wide: bool = False  # the same records come back for every property: keep the first
    children: tuple[Model, ...] = field(default=())


def _alone(mapper: Callable[[Row], CanonicalRecord]) -> Callable[[Row, str], list[CanonicalRecord]]:
    """A mapper of account-level rows: the PropertyID asked for adds nothing to them."""
    return lambda raw, _property_id: [mapper(raw)]


def _account_list(
    model: Model, method: str, key: str, mapper: Callable[[Row], CanonicalRecord], x_id: str
) -> Stream:
    """A list one call answers for the whole account (no PropertyID)."""
    return Stream(model, method, key, _alone(mapper), x_id, per_property=False)


def _leases(group: Row, property_id: str) -> list[CanonicalRecord]:
    return m.map_leases(group["rows"], property_id)


def _mits(
    model: Model,
    method: str,
    mapper: Callable[[Row, str], Sequence[CanonicalRecord]],
    params: Params,
    kinds: tuple[str, ...],
) -> Stream:
    """The lines of `kinds` from a MITS document of the property's transactions."""
    return Stream(model, method, MITS_KEY, mapper, "TransactionID", params=params, mits=True, kinds=kinds)


STREAMS: dict[Model, Stream] = by_model(
    _account_list(Model.PROPERTIES, PROPERTIES_METHOD, PROPERTIES_KEY, m.map_property, "PropertyID"),
    Stream(Model.UNITS, "Property/GetUnits", "Units", one_record(m.map_unit), "UnitID"),
    Stream(
        Model.RESIDENTS, "Leasing/GetCurrentResidents", "Residents", one_record(m.map_resident), "PersonID"
    ),
    Stream(
        Model.LEASES,
        "Leasing/GetCurrentResidents",
        "Residents",
        _leases,
        "LeaseID",
        grouped_by="LeaseID",
        children=(Model.RESIDENTS_TO_LEASES,),
    ),
    _account_list(Model.CHARGE_CODES, "Accounting/GetChargeCodes", "ChargeCodes", m.map_charge_code, "Code"),
    Stream(
        Model.FINANCIAL_ACCOUNTS,
        "Accounting/GetBudgetAndActual",
        "GLAccounts",
        _alone(m.map_gl_account),
        "Number",
        params=this_month,
        account_wide=True,
    ),
    _mits(Model.RESIDENT_CHARGES, LEDGER_METHOD, ledger.map_line, ledger_window, ledger.CHARGE_KINDS),
    _mits(Model.RESIDENT_PAYMENTS, LEDGER_METHOD, ledger.map_line, ledger_window, ledger.PAYMENT_KINDS),
    _mits(
        Model.RECURRING_RESIDENT_CHARGES,
        RECURRING_METHOD,
        ledger.map_recurring,
        posting_month,
        ("RecurringCharge",),
    ),
)
PARENT_OF: dict[Model, Model] = parents(STREAMS)
MODELS: frozenset[Model] = frozenset(STREAMS) | frozenset(PARENT_OF)  # what the connector reads
