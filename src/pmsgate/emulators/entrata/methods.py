"""The Entrata methods this emulator serves, declared as data: service, versions, and each
parameter's kind and whether it is required. Requests are validated against these (an unknown
or malformed parameter is refused with code 302, a missing required one too), and the contract
tests check the declarations against the derived method table in
`../shared/reference/vendors/entrata/` (which is read there, never copied here).

Kinds: int (an integer, or its digits), ids (a comma-separated list of integers), date
(MM/DD/YYYY), month (MM/YYYY), text, number (an amount: a JSON number or decimal text), flag
(0/1), list (a list of objects whose fields are declared in `item`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True)
class Param:
    kind: str
    required: bool = False
    item: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class Method:
    service: str
    name: str
    params: Mapping[str, Param]
    versions: tuple[str, ...] = ("r1",)
    paged: bool = False  # page_no / per_page (query parameters) apply
    write: bool = False


def _p(kind: str, required: bool = False, **item: Param) -> Param:
    return Param(kind, required, item)


_TRANSACTION = {
    "transactionId": _p("text", True),
    "leaseId": _p("int", True),
    "arCodeId": _p("int", True),
    "transactionAmount": _p("number", True),
    "transactionDate": _p("date", True),
    "arPostMonth": _p("month"),
    "description": _p("text"),
    "isApprovalRequired": _p("flag"),
}

METHODS: dict[tuple[str, str], Method] = {
    (m.service, m.name): m
    for m in (
        Method(
            "properties",
            "getProperties",
            {"propertyIds": _p("ids"), "propertyLookupCode": _p("text"), "showAllStatus": _p("flag")},
        ),
        Method(
            "propertyunits",
            "getPropertyUnits",
            {
                "propertyIds": _p("ids", True),
                "availableUnitsOnly": _p("flag"),
                "includeDisabledUnits": _p("flag"),
            },
        ),
        Method("customers", "getCustomers", {"propertyId": _p("int", True), "customerIds": _p("ids")}),
        Method(
            "leases",
            "getLeases",
            {"propertyId": _p("int", True), "leaseIds": _p("ids"), "customerId": _p("int")},
            versions=("r1", "r2"),
            paged=True,
        ),
        Method(
            "leases",
            "getLeaseDetails",
            {"propertyId": _p("int", True), "leaseId": _p("int"), "includeCharge": _p("flag")},
            versions=("r2",),
            paged=True,
        ),
        Method("arcodes", "getArCodes", {"propertyId": _p("int")}),
        Method("financial", "getGlTrees", {"propertyId": _p("int")}),
        Method(
            "artransactions",
            "getLeaseArTransactions",
            {
                "propertyId": _p("int", True),
                "leaseIds": _p("ids"),
                "arCodeIds": _p("ids"),
                "showFullLedger": _p("flag"),
                "includeOtherIncomeLeases": _p("flag"),
                "includeReversals": _p("flag"),
                "transactionFromDate": _p("date"),
                "transactionToDate": _p("date"),
            },
            paged=True,
        ),
        Method(
            "arpayments",
            "getArPayments",
            {
                "arPaymentIds": _p("ids"),
                "fromDate": _p("date"),
                "toDate": _p("date"),
                "isIncludeAllocations": _p("flag"),
            },
        ),
        Method(
            "artransactions",
            "sendLeaseArTransactions",
            {"transaction": Param("list", True, _TRANSACTION)},
            write=True,
        ),
        Method(
            "leases",
            "sendScheduledCharges",
            {
                "propertyId": _p("int", True),
                "leaseId": _p("int", True),
                "chargeTimingId": _p("int", True),
                "chargeCodeTypeId": _p("int", True),
                "chargeCodeId": _p("int", True),
                "amount": _p("number", True),
                "startDate": _p("date", True),
                "leaseIntervalId": _p("int"),
                "endDate": _p("date"),
                "lastPostedDate": _p("date"),
                "monthToMonthAmount": _p("number"),
                "monthToMonthFee": _p("number"),
                "description": _p("text"),
            },
            write=True,
        ),
    )
}

_DATE = re.compile(r"^(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/\d{4}$")
_MONTH = re.compile(r"^(0[1-9]|1[0-2])/\d{4}$")


def problem(kind: str, value: Any) -> str | None:
    """Why `value` is not of `kind` (None when it is)."""
    if kind in ("int", "flag"):
        whole = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.isdigit()
        )
        if not whole:
            return "must be an integer"
        if kind == "flag" and int(value) not in (0, 1):
            return "must be 0 or 1"
        return None
    if kind == "ids":
        parts = (
            [str(value)] if isinstance(value, int) and not isinstance(value, bool) else str(value).split(",")
        )
        return None if all(p.strip().isdigit() for p in parts) else "must be integers separated by commas"
    if kind in ("date", "month"):
        pattern, shape = (_DATE, "MM/DD/YYYY") if kind == "date" else (_MONTH, "MM/YYYY")
        return None if isinstance(value, str) and pattern.match(value) else f"must be {shape}"
    if kind == "text":
        return None if isinstance(value, str) and value.strip() else "must be text"
    if kind == "number":
        if isinstance(value, bool):
            return "must be an amount"
        try:
            Decimal(str(value))
        except InvalidOperation:
            return "must be an amount"
        return None
    return None


def validate(method: Method, params: Any) -> list[str]:
    """Every problem with a call's params, as 'name: problem'."""
    return _check(method.params, params, "")


def _check(declared: Mapping[str, Param], params: Any, where: str) -> list[str]:
    if not isinstance(params, dict):
        return [f"{where or 'params'}: must be an object"]
    issues = [f"{where}{name}: unknown parameter" for name in params if name not in declared]
    for name, param in declared.items():
        value = params.get(name)
        if value is None or value == "":
            if param.required:
                issues.append(f"{where}{name}: required")
            continue
        if param.kind == "list":
            rows = value if isinstance(value, list) else [value]
            for index, row in enumerate(rows):
                issues.extend(_check(param.item, row, f"{where}{name}[{index}]."))
        elif (found := problem(param.kind, value)) is not None:
            issues.append(f"{where}{name}: {found}")
    return issues
