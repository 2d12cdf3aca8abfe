"""What Buildium's read endpoints select: each list's filters as the OpenAPI declares them for
that endpoint, applied to the emulator's rows; get-by-id; the per-lease charges and recurring
transactions; outstanding balances; general-ledger transactions.

Every handler first refuses a query parameter its endpoint does not declare (`allow`), so no
filter is ever silently ignored. Enum values are Buildium's (from its OpenAPI).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from starlette.datastructures import QueryParams

from pmsgate.emulators.buildium.query import (
    allow,
    choice,
    choices,
    day,
    day_range,
    ids,
    instant_range,
    integer,
    text,
)
from pmsgate.emulators.buildium.seed import Record, dollars
from pmsgate.emulators.buildium.store import BuildiumError, BuildiumStore

Predicate = Callable[[Record], bool]

LEASE_STATUSES = ("Active", "Past", "Future")
LEASE_TYPES = ("None", "Fixed", "FixedWithRollover", "AtWill")
RENTAL_TYPES = ("Residential", "Commercial")
RENTAL_SUBTYPES = (
    "CondoTownhome",
    "MultiFamily",
    "SingleFamily",
    "Industrial",
    "Office",
    "Retail",
    "ShoppingCenter",
    "Storage",
    "ParkingSpace",
)
ACTIVE_STATUSES = ("Active", "InActive")
ACCOUNT_TYPES = ("Asset", "Liability", "Equity", "Income", "Expense")
TRANSACTION_TYPES = (
    "Bill",
    "Check",
    "Charge",
    "Payment",
    "Credit",
    "Refund",
    "ApplyDeposit",
    "ElectronicFundsTransfer",
    "Other",
    "Deposit",
    "GeneralJournalEntry",
    "OwnerContribution",
    "ReversePayment",
    "ReverseElectronicFundsTransfer",
    "VendorCredit",
    "RentalApplicationFeePayment",
    "ReverseRentalApplicationFeePayment",
    "ReverseOwnerContribution",
    "VendorRefund",
    "UnreversedPayment",
    "UnreversedElectronicFundsTransfer",
    "UnreversedOwnerContribution",
    "UnreversedRentalApplicationFeePayment",
    "ReversedEftRefund",
    "CreditCardPurchase",
    "CreditCardPayment",
)
BALANCE_DURATIONS = (
    "TotalBalance",
    "Balance0to30Days",
    "Balance31to60Days",
    "Balance61to90Days",
    "BalanceOver90Days",
)
_BUCKET = {
    "Balance0to30Days": "Balance0To30Days",
    "Balance31to60Days": "Balance31To60Days",
    "Balance61to90Days": "Balance61To90Days",
    "BalanceOver90Days": "BalanceOver90Days",
    "TotalBalance": "TotalBalance",
}
_UPDATED = ("lastupdatedfrom", "lastupdatedto")
_CREATED = ("createddatetimefrom", "createddatetimeto")
LIST_PARAMETERS: dict[str, frozenset[str]] = {
    "rentals": frozenset(
        {"location", "types", "subtypes", "status", "rentalownerids", "propertyids", *_UPDATED}
    ),
    "units": frozenset({"propertyids", *_UPDATED}),
    "tenants": frozenset(
        {"buildingstatuses", "leasetermstatuses", "unitnumber", "name", "phone", "email"}
        | {"propertyids", "rentalownerids", "unitids", *_UPDATED}
    ),
    "leases": frozenset(
        {"propertyids", "rentalownerids", "unitnumber", "tenantname", "leasedatefrom", "leasedateto"}
        | {"leasetypes", "leasestatuses", *_CREATED, *_UPDATED}
    ),
    "glaccounts": frozenset({"accounttypes"}),
    "recurring": frozenset({"leaseids", *_CREATED, *_UPDATED}),
}


def _contains(needle: str | None, *haystacks: Any) -> bool:
    return needle is None or any(needle in str(h or "").lower() for h in haystacks)


def _stamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _within(moment: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    if start is None and end is None:
        return True
    return moment is not None and (start is None or moment >= start) and (end is None or moment <= end)


def list_filter(name: str, params: QueryParams, store: BuildiumStore) -> Predicate:
    """The rows of list `name` that `params` select (after refusing undeclared parameters)."""
    allow(params, LIST_PARAMETERS[name])
    tests: list[Predicate] = []
    if _UPDATED[0] in LIST_PARAMETERS[name]:
        since, until = instant_range(params, *_UPDATED)
        if since is not None or until is not None:
            tests.append(lambda r: _within(store.updated_at(name, r), since, until))
    if _CREATED[0] in LIST_PARAMETERS[name]:
        made_from, made_to = instant_range(params, *_CREATED)
        if made_from is not None or made_to is not None:
            tests.append(lambda r: _within(_stamp(r.get("CreatedDateTime")), made_from, made_to))
    tests.extend(_FILTERS[name](params, store))
    return lambda r: all(test(r) for test in tests)


def _owners(params: QueryParams) -> list[Predicate]:
    # The emulator's rentals have no rental owners, so no row belongs to any owner asked for.
    return [] if ids(params, "rentalownerids") is None else [lambda r: False]


def _rentals(params: QueryParams, store: BuildiumStore) -> list[Predicate]:
    tests = _owners(params)
    location = text(params, "location")
    types, subtypes = choices(params, "types", RENTAL_TYPES), choices(params, "subtypes", RENTAL_SUBTYPES)
    status, properties = choice(params, "status", ACTIVE_STATUSES), ids(params, "propertyids")
    if location is not None:
        tests.append(
            lambda r: _contains(
                location, (r.get("Address") or {}).get("City"), (r.get("Address") or {}).get("State")
            )
        )
    if types is not None:
        tests.append(lambda r: r.get("RentalType") in types)
    if subtypes is not None:
        tests.append(lambda r: r.get("RentalSubType") in subtypes)
    if status is not None:
        tests.append(lambda r: bool(r.get("IsActive")) == (status == "Active"))
    if properties is not None:
        tests.append(lambda r: r["Id"] in properties)
    return tests


def _units(params: QueryParams, store: BuildiumStore) -> list[Predicate]:
    properties = ids(params, "propertyids")
    return [] if properties is None else [lambda r: r.get("PropertyId") in properties]


def _tenants(params: QueryParams, store: BuildiumStore) -> list[Predicate]:
    tests = _owners(params)
    buildings = choices(params, "buildingstatuses", ACTIVE_STATUSES)
    terms = choices(params, "leasetermstatuses", LEASE_STATUSES)
    unit_number, name = text(params, "unitnumber"), text(params, "name")
    phone, email = text(params, "phone"), text(params, "email")
    properties, units = ids(params, "propertyids"), ids(params, "unitids")

    def leases(r: Record) -> list[Record]:
        return [lease for lease in r.get("Leases") or [] if isinstance(lease, dict)]

    if buildings is not None:
        rentals = store.tables["rentals"]
        tests.append(
            lambda r: any(
                (
                    "Active"
                    if (rentals.get(lease.get("PropertyId") or 0) or {}).get("IsActive")
                    else "InActive"
                )
                in buildings
                for lease in leases(r)
            )
        )
    if terms is not None:
        tests.append(lambda r: any(lease.get("LeaseStatus") in terms for lease in leases(r)))
    if unit_number is not None:
        table = store.tables["units"]
        tests.append(
            lambda r: any(
                _contains(unit_number, (table.get(lease.get("UnitId") or 0) or {}).get("UnitNumber"))
                for lease in leases(r)
            )
        )
    if name is not None:
        tests.append(lambda r: _contains(name, f"{r.get('FirstName') or ''} {r.get('LastName') or ''}"))
    if phone is not None:
        tests.append(lambda r: _contains(phone, *(p.get("Number") for p in r.get("PhoneNumbers") or [])))
    if email is not None:
        tests.append(lambda r: _contains(email, r.get("Email"), r.get("AlternateEmail")))
    if properties is not None:
        tests.append(lambda r: any(lease.get("PropertyId") in properties for lease in leases(r)))
    if units is not None:
        tests.append(lambda r: any(lease.get("UnitId") in units for lease in leases(r)))
    return tests


def _leases(params: QueryParams, store: BuildiumStore) -> list[Predicate]:
    tests = _owners(params)
    properties, unit_number = ids(params, "propertyids"), text(params, "unitnumber")
    tenant_name = text(params, "tenantname")
    starts, ends = day(params, "leasedatefrom"), day(params, "leasedateto")
    kinds, statuses = (
        choices(params, "leasetypes", LEASE_TYPES),
        choices(params, "leasestatuses", LEASE_STATUSES),
    )
    if properties is not None:
        tests.append(lambda r: r.get("PropertyId") in properties)
    if unit_number is not None:
        tests.append(lambda r: _contains(unit_number, r.get("UnitNumber")))
    if tenant_name is not None:
        tenants = store.tables["tenants"]

        def named(r: Record) -> bool:
            people = [tenants.get(t.get("Id")) or {} for t in r.get("Tenants") or []]
            return any(
                _contains(tenant_name, f"{p.get('FirstName') or ''} {p.get('LastName') or ''}")
                for p in people
            )

        tests.append(named)
    if starts is not None:
        tests.append(lambda r: str(r.get("LeaseFromDate") or "") >= starts.isoformat())
    if ends is not None:
        tests.append(lambda r: bool(r.get("LeaseToDate")) and str(r["LeaseToDate"]) <= ends.isoformat())
    if kinds is not None:
        tests.append(lambda r: r.get("LeaseType") in kinds)
    if statuses is not None:
        tests.append(lambda r: r.get("LeaseStatus") in statuses)
    return tests


def _glaccounts(params: QueryParams, store: BuildiumStore) -> list[Predicate]:
    kinds = choices(params, "accounttypes", ACCOUNT_TYPES)
    return [] if kinds is None else [lambda r: r.get("Type") in kinds]


def _recurring(params: QueryParams, store: BuildiumStore) -> list[Predicate]:
    leases = ids(params, "leaseids")
    return [] if leases is None else [lambda r: r.get("LeaseId") in leases]


_FILTERS: dict[str, Callable[[QueryParams, BuildiumStore], list[Predicate]]] = {
    "rentals": _rentals,
    "units": _units,
    "tenants": _tenants,
    "leases": _leases,
    "glaccounts": _glaccounts,
    "recurring": _recurring,
}


def one(store: BuildiumStore, name: str, record_id: int) -> Record:
    """A record by id, sub-accounts included for GL accounts; 404 in Buildium's shape if none."""
    with store.lock:
        found = store.tables[name].get(record_id)
        if found is None and name == "glaccounts":
            found = accounts(store).get(record_id)
    if found is None:
        raise BuildiumError(404, "NotFound", f"The resource with Id {record_id} was not found")
    return found


def accounts(store: BuildiumStore) -> dict[int, Record]:
    """Every GL account by id, sub-accounts included."""
    found: dict[int, Record] = {}
    pending = list(store.tables["glaccounts"].values())
    while pending:
        account = pending.pop()
        found[account["Id"]] = account
        pending.extend(a for a in account.get("SubAccounts") or [] if isinstance(a, dict))
    return found


# --- per-lease reads ---------------------------------------------------------------------------


def transaction_filter(params: QueryParams) -> Predicate:
    allow(params, {"transactiondatefrom", "transactiondateto", "transactiontypes"})
    start, end = day_range(params, "transactiondatefrom", "transactiondateto")
    types = choices(params, "transactiontypes", TRANSACTION_TYPES)
    return lambda r: (
        (start is None or r["Date"] >= start.isoformat())
        and (end is None or r["Date"] <= end.isoformat())
        and (types is None or r["TransactionTypeEnum"] in types)
    )


def lease_charges(params: QueryParams, rows: Iterable[Record]) -> list[Record]:
    """`LeaseChargeMessage`s: the lease's Charge transactions (credits are not charges)."""
    allow(params, {"transactiondatefrom", "transactiondateto", "billids"})
    start, end = day_range(params, "transactiondatefrom", "transactiondateto")
    bills = ids(params, "billids")
    charges = [
        {
            "Id": r["Id"],
            "Date": r["Date"],
            "TotalAmount": r["TotalAmount"],
            "Memo": (r.get("Journal") or {}).get("Memo"),
            "BillId": r.get("BillId"),
            "Lines": [
                {"Amount": line.get("Amount"), "GLAccountId": (line.get("GLAccount") or {}).get("Id")}
                for line in (r.get("Journal") or {}).get("Lines") or []
            ],
        }
        for r in rows
        if r["TransactionTypeEnum"] == "Charge"
    ]
    return [
        c
        for c in charges
        if (start is None or c["Date"] >= start.isoformat())
        and (end is None or c["Date"] <= end.isoformat())
        and (bills is None or c["BillId"] in bills)
    ]


_BULK_ONLY = ("LeaseId", "CreatedDateTime", "LastUpdatedDateTime")


def lease_recurring(params: QueryParams, rows: Iterable[Record]) -> list[Record]:
    """`RecurringTransactionMessage`s of one lease (the bulk shape without its lease and times)."""
    allow(params, set())
    return [{k: v for k, v in r.items() if k not in _BULK_ONLY} for r in rows]


# --- outstanding balances ----------------------------------------------------------------------

_SIGN = {"Charge": 1, "Credit": -1, "Payment": -1}


def _age_bucket(days: int) -> str:
    if days <= 30:
        return "Balance0To30Days"
    if days <= 60:
        return "Balance31To60Days"
    if days <= 90:
        return "Balance61To90Days"
    return "BalanceOver90Days"


def balance_of(lease: Record, rows: list[Record], today: date) -> Record:
    """A lease's `LeaseOutstandingBalanceMessage`. Payments and credits settle the oldest charges
    first (inferred: Buildium does not say how it ages), and what is left is aged by the
    charge's date."""
    open_charges: list[tuple[str, int, int]] = []  # (date, account, cents still due)
    paid = 0
    for r in sorted(rows, key=lambda t: (t["Date"], t["Id"])):
        cents = int(Decimal(str(r["TotalAmount"])) * 100)
        if r["TransactionTypeEnum"] == "Charge":
            for line in (r.get("Journal") or {}).get("Lines") or []:
                account = int((line.get("GLAccount") or {}).get("Id") or 0)
                open_charges.append((r["Date"], account, int(Decimal(str(line.get("Amount") or 0)) * 100)))
        elif r["TransactionTypeEnum"] in _SIGN:
            paid += cents
    buckets = dict.fromkeys(
        ("Balance0To30Days", "Balance31To60Days", "Balance61To90Days", "BalanceOver90Days"), 0
    )
    by_account: dict[int, int] = {}
    for posted, account, due in open_charges:
        settled = min(due, paid)
        paid -= settled
        left = due - settled
        if left:
            buckets[_age_bucket((today - date.fromisoformat(posted)).days)] += left
            by_account[account] = by_account.get(account, 0) + left
    total = sum(buckets.values()) - paid  # an overpayment left over lowers the total
    return {
        "LeaseId": lease["Id"],
        "PropertyId": lease.get("PropertyId"),
        "UnitId": lease.get("UnitId"),
        **{k: dollars(v) for k, v in buckets.items()},
        "TotalBalance": dollars(total),
        "Balances": [{"GlAccountId": a, "TotalBalance": dollars(c)} for a, c in sorted(by_account.items())],
        "PastDueEmailSentDate": None,
        "EvictionPendingDate": None,
        "IsNoticeGiven": False,
    }


OUTSTANDING_PARAMETERS = frozenset(
    {
        "entitytype",
        "entityid",
        "leasestatuses",
        "leaseids",
        "pastdueemail",
        "balanceduration",
        "evictionstatus",
    }
)


def outstanding_balances(params: QueryParams, store: BuildiumStore) -> list[Record]:
    """Leases owing more than zero (inferred), in lease Id order."""
    allow(params, OUTSTANDING_PARAMETERS)
    entity_type, entity_id = (
        choice(params, "entitytype", ("Rental", "RentalOwner")),
        integer(params, "entityid"),
    )
    if (entity_type is None) != (entity_id is None):
        raise BuildiumError(
            400,
            "InvalidRequest",
            "The request has invalid parameters",
            {"entityid": "entitytype and entityid go together"},
        )
    statuses, leases = choices(params, "leasestatuses", LEASE_STATUSES), ids(params, "leaseids")
    email = choice(params, "pastdueemail", ("NoEmailAddress", "Sent"))
    duration = choice(params, "balanceduration", BALANCE_DURATIONS)
    eviction = choice(params, "evictionstatus", ("NotEvictionPending", "EvictionPending"))
    today = datetime.now(UTC).date()
    with store.lock:
        chosen = [
            lease
            for _, lease in sorted(store.tables["leases"].items())
            if (entity_type is None or (entity_type == "Rental" and lease.get("PropertyId") == entity_id))
            and (statuses is None or lease.get("LeaseStatus") in statuses)
            and (leases is None or lease["Id"] in leases)
            and (eviction is None or bool(lease.get("IsEvictionPending")) == (eviction == "EvictionPending"))
        ]
        ledgers = {
            lease["Id"]: [store.transactions[i] for i in store.by_lease[lease["Id"]]] for lease in chosen
        }
    balances = [balance_of(lease, ledgers[lease["Id"]], today) for lease in chosen]
    balances = [b for b in balances if b["TotalBalance"] > 0]
    if email is not None:  # the emulator sends no past-due emails, so none was sent to anyone
        balances = []
    if duration is not None:
        balances = [b for b in balances if b[_BUCKET[duration]] > 0]
    return balances


# --- general ledger ----------------------------------------------------------------------------

GL_PARAMETERS = frozenset(
    {"selectionentityid", "selectionentitytype", "startdate", "enddate", "glaccountids"}
    | {"selectionentityunitid", *_UPDATED}
)


def general_ledger(params: QueryParams, store: BuildiumStore) -> list[Record]:
    """`GeneralLedgerTransactionMessage`s of the lease ledgers (the emulator keeps no other
    journal), dated `startdate`..`enddate` and touching one of `glaccountids`."""
    allow(params, GL_PARAMETERS)
    missing = [k for k in ("startdate", "enddate", "glaccountids") if not params.get(k)]
    if missing:
        raise BuildiumError(
            400,
            "InvalidRequest",
            "The request has invalid parameters",
            {k: f"{k} is required" for k in missing},
        )
    start, end = day_range(params, "startdate", "enddate")
    wanted = ids(params, "glaccountids") or set()
    entity_type = choice(params, "selectionentitytype", ("Rental", "RentalOwner", "Association"))
    entity_id, unit_id = integer(params, "selectionentityid"), integer(params, "selectionentityunitid")
    if entity_id is not None and entity_type is None:
        raise BuildiumError(
            400,
            "InvalidRequest",
            "The request has invalid parameters",
            {"selectionentitytype": "selectionentitytype is required with selectionentityid"},
        )
    since, until = instant_range(params, *_UPDATED)
    with store.lock:
        rows = sorted(store.transactions.values(), key=lambda t: (t["Date"], t["Id"]))
        every_account = accounts(store)
        leases, units = store.tables["leases"], store.tables["units"]
    found = []
    for txn in rows:
        assert start is not None and end is not None
        if not start.isoformat() <= txn["Date"] <= end.isoformat():
            continue
        lines = [line for line in (txn.get("Journal") or {}).get("Lines") or [] if isinstance(line, dict)]
        if not any((line.get("GLAccount") or {}).get("Id") in wanted for line in lines):
            continue
        if entity_id is not None and not (
            entity_type == "Rental" and any(line.get("PropertyId") == entity_id for line in lines)
        ):
            continue
        if unit_id is not None and not any(line.get("UnitId") == unit_id for line in lines):
            continue
        updated = _updated(store, txn)
        if not _within(updated, since, until):
            continue
        found.append(_gl_message(txn, lines, updated, every_account, leases, units))
    return found


def _updated(store: BuildiumStore, txn: Record) -> datetime:
    return store.updated.get(("transactions", txn["Id"])) or datetime.fromisoformat(
        f"{txn['Date']}T00:00:00+00:00"
    )


def _gl_message(  # nullable objects (allOf in the spec) are left out rather than sent as null
    txn: Record,
    lines: list[Record],
    updated: datetime,
    every_account: dict[int, Record],
    leases: dict[int, Record],
    units: dict[int, Record],
) -> Record:
    lease = leases.get(txn.get("LeaseId") or 0) or {}
    unit_id = lease.get("UnitId")
    payee = txn.get("PayeeTenantId")
    payment = txn["TransactionTypeEnum"] == "Payment"
    message = {
        "Id": txn["Id"],
        "Date": txn["Date"],
        "TransactionType": txn["TransactionTypeEnum"],
        "TotalAmount": txn["TotalAmount"],
        "CheckNumber": txn.get("CheckNumber"),
        "UnitAgreement": {"Id": txn.get("LeaseId"), "Type": "Lease", "Href": None} if lease else None,
        "UnitId": unit_id,
        "UnitNumber": (units.get(unit_id) or {}).get("UnitNumber") if unit_id else None,
        "PaymentDetail": {
            "PaymentMethod": txn.get("PaymentMethod") or "None",
            **(
                {}
                if payee is None
                else {"Payee": {"Id": payee, "Name": None, "Type": "Tenant", "Href": None}}
            ),
            "IsInternalTransaction": False,
        }
        if payment
        else None,
        "Journal": {
            "Memo": (txn.get("Journal") or {}).get("Memo"),
            "Lines": [
                {
                    "GLAccount": every_account.get((line.get("GLAccount") or {}).get("Id") or 0)
                    or line.get("GLAccount"),
                    "Amount": line.get("Amount"),
                    "IsCashPosting": bool(line.get("IsCashPosting")),
                    "ReferenceNumber": line.get("ReferenceNumber"),
                    "Memo": line.get("Memo"),
                    "AccountingEntity": {
                        "Id": line.get("PropertyId"),
                        "AccountingEntityType": "Rental",
                        "Href": None,
                        **(
                            {}
                            if line.get("UnitId") is None
                            else {"Unit": {"Id": line["UnitId"], "Href": None}}
                        ),
                    },
                }
                for line in lines
            ],
        },
        "LastUpdatedDateTime": updated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return {k: v for k, v in message.items() if v is not None or k not in ("UnitAgreement", "PaymentDetail")}
