"""Entrata's wire shapes, rendered from the emulator's internal rows (`seed.py`).

Entrata's JSON is translated from XML, and it shows: getProperties, getCustomers, getArPayments
and getGlTrees spell fields in PascalCase with ids under `@attributes`; getPropertyUnits,
getLeases, getLeaseArTransactions and getLeaseDetails in camelCase. Dates are Mountain Time
'MM/DD/YYYY', date-times 'MM/DD/YYYY HH:MM:SS', post months 'MM/YYYY'. Amounts are JSON numbers
with cents. `malformed_every` breaks every Nth record: its id is dropped, or its amount garbled.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from pmsgate.emulators.entrata.seed import ANCHOR, AR_CODES, GL_ACCOUNTS, Row

MALFORMED_AMOUNT = "12,3x"
LEASE_STATUS_TYPE = {"Future": 2, "Current": 4, "Notice": 5, "Past": 6}
CHARGE_TIMINGS = {1: "Monthly", 2: "Weekly", 3: "Daily"}  # chargeTimingId (emulator's pick list)
CHARGE_CODE_TYPES = {1: "Rent", 2: "Other Income", 3: "Concession"}  # chargeCodeTypeId


def day(value: date | None) -> str | None:
    return None if value is None else value.strftime("%m/%d/%Y")


def month(value: date) -> str:
    return value.strftime("%m/%Y")


def stamp(value: datetime) -> str:
    return value.strftime("%m/%d/%Y %H:%M:%S")


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def dumps(body: Any) -> bytes:
    # A float of a two-decimal Decimal prints its exact shortest text (1450.1), so cents survive.
    return json.dumps(body, default=_number, separators=(",", ":")).encode()


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def malform(row: Row, index: int, every: int, id_key: str, amount_key: str | None) -> Row:
    """Break the `every`-th record: alternately drop its id or garble its amount."""
    if every <= 0 or (index + 1) % every:
        return row
    broken = dict(row)
    if amount_key is not None and ((index + 1) // every) % 2:
        broken[amount_key] = MALFORMED_AMOUNT
    else:
        broken.pop(id_key, None)
    return broken


def property_(p: Row) -> Row:
    return {
        "PropertyID": p["id"],
        "MarketingName": p["name"],
        "Type": p["type"],
        "YearBuilt": str(p["yearBuilt"]),
        "webSite": f"https://www.mesaview{p['id']}.example.com",
        "ShortDescription": {"b": f"{p['name']} apartments"},
        "Address": {
            "@attributes": {"AddressType": "property"},
            "Address": p["address"],
            "City": p["city"],
            "State": p["state"],
            "PostalCode": p["postalCode"],
            "Country": "US",
            "Email": f"office{p['id']}@example.com",
        },
        "PostMonths": {
            "ArPostMonth": month(ANCHOR),
            "ApPostMonth": month(ANCHOR),
            "GlPostMonth": month(ANCHOR),
        },
        "IsDisabled": 1 if p["disabled"] else 0,
        "IsFeaturedProperty": 0,
    }


def unit(u: Row, p: Row) -> Row:
    return {
        "id": u["id"],
        "unitNumber": u["number"],
        "buildingName": "",
        "floorplanId": 300 + u["bedrooms"],
        "floorplanName": f"{u['bedrooms']} Bed",
        "unitTypeId": 400 + u["bedrooms"],
        "unitTypeName": f"{u['bedrooms']}x{u['bathrooms']}",
        "noOfBedrooms": u["bedrooms"],
        "noOfBathrooms": u["bathrooms"],
        "squareFeet": u["squareFeet"],
        "isFurnished": 0,
        "unitAddress": {
            "address": f"{p['address']} #{u['number']}",
            "city": p["city"],
            "state": p["state"],
            "postalCode": p["postalCode"],
            "country": "US",
        },
        "unitSpaces": {
            "unitSpace": [
                {
                    "unitSpaceId": u["spaceId"],
                    "unitNumber": str(u["number"]),
                    "availabilityStatus": "Occupied" if u["occupied"] else "Vacant Unrented Ready",
                    "rent": {"minRent": u["rent"], "maxRent": u["rent"] + 50},
                }
            ]
        },
    }


def customer(c: Row, u: Row | None, p: Row) -> Row:
    return {
        "@attributes": {"Id": c["id"]},
        "LeaseId": [
            {
                "Identification": [
                    {"IDValue": str(c["leaseId"]), "@attributes": {"IDType": "Lease", "IDRank": "Primary"}}
                ],
                "CustomerType": c["type"],
            }
        ],
        "FirstName": c["firstName"],
        "LastName": c["lastName"],
        "UnitNumber": "" if u is None else str(u["number"]),
        "BuildingName": "",
        "Address": p["address"],
        "City": p["city"],
        "State": p["state"],
        "PostalCode": p["postalCode"],
        "Email": c["email"],
        "PhoneNumber": c["phone"],
    }


def lease(row: Row, people: list[Row], u: Row, p: Row) -> Row:
    return {
        "id": row["id"],
        "leaseStatusTypeId": LEASE_STATUS_TYPE.get(row["status"], 4),
        "propertyId": row["propertyId"],
        "propertyName": p["name"],
        "moveInDate": day(row["moveIn"]),
        "moveOutDate": day(row["moveOut"]),
        "leaseIntervalStatus": row["status"],
        "occupancyTypeId": 1,
        "occupancyType": "Conventional",
        "isMonthToMonth": 0,
        "leaseIntervalId": row["intervalId"],
        "unitId": row["unitId"],
        "unitSpaces": {"unitSpace": [{"unitSpaceId": u["spaceId"], "unitSpace": str(u["number"])}]},
        "customers": {
            "customer": [
                {
                    "id": c["id"],
                    "customerType": c["type"],
                    "firstName": c["firstName"],
                    "lastName": c["lastName"],
                    "nameFull": f"{c['firstName']} {c['lastName']}",
                    "emailAddress": c["email"],
                    "leaseCustomerStatus": row["status"],
                    "moveInDate": day(row["moveIn"]),
                    "moveOutDate": day(row["moveOut"]),
                }
                for c in people
            ]
        },
        "leaseIntervals": {
            "leaseInterval": [
                {
                    "id": row["intervalId"],
                    "startDate": day(row["start"]),
                    "endDate": day(row["end"]),
                    "leaseIntervalTypeId": 1,
                    "leaseIntervalTypeName": "Initial",
                    "leaseIntervalStatusTypeId": LEASE_STATUS_TYPE.get(row["status"], 4),
                }
            ]
        },
    }


def ar_codes() -> list[Row]:
    return [
        {
            "id": code_id,
            "code": code_id,
            "name": name,
            "codeType": kind,
            "chargeUsage": "Recurring" if code_id in (101, 103) else "One Time",
            "chargeTiming": "Monthly" if code_id in (101, 103) else "Once",
            "associatedLedger": "Resident",
            "debitGlAccountId": 1200,
            "creditGlAccountId": gl,
            "displayAs": short,
            "isDisabled": False,
            "isEntrataDisabled": False,
            "isTaxable": False,
        }
        for code_id, short, name, kind, gl in AR_CODES
    ]


def gl_trees() -> Row:
    accounts = [
        {
            "@attributes": {"Id": str(account_id), "BranchId": "1"},
            "AccountNumber": number,
            "AccountName": name,
            "GlGroupType": group,
            "Description": name,
            "Status": "Active",
            "IsSystem": "0",
        }
        for account_id, number, name, group in GL_ACCOUNTS
    ]
    tree = {"@attributes": {"Id": "1", "Name": "Standard"}, "GlAccounts": {"GlAccount": accounts}}
    return {"GlTrees": {"GlTree": [tree]}}


def transaction(t: Row, code_names: dict[int, str]) -> Row:
    row = {
        "id": t["id"],
        "transactionTypeId": t["typeId"],
        "arCodeId": t["arCodeId"],
        "arCodeName": code_names.get(t["arCodeId"], ""),
        "description": t["description"],
        "transactionDate": day(t["date"]),
        "postDate": day(t["date"]),
        "postMonth": month(t["postMonth"]),
        "isTemporary": bool(t.get("temporary")),
        "amount": t["amount"],
        "amountPaid": t["amountPaid"],
        "balanceDue": t["amount"] - t["amountPaid"] if t["arPaymentId"] is None else Decimal(0),
    }
    if t["arPaymentId"] is not None:
        row["arPaymentId"] = t["arPaymentId"]
    return row


def ledger_lease(row: Row, payer: Row, space_id: int, transactions: list[Row], balance: Decimal) -> Row:
    return {
        "id": row["id"],
        "propertyId": row["propertyId"],
        "unitSpaceId": space_id,
        "customers": {
            "customer": {"id": payer["id"], "firstName": payer["firstName"], "lastName": payer["lastName"]},
            "ledgers": {
                "ledger": [
                    {
                        "id": 1,
                        "name": "Resident",
                        "balance": balance,
                        "pastDueBalance": Decimal(0),
                        "writeOff": Decimal(0),
                        "transactions": {"transaction": transactions},
                    }
                ]
            },
        },
    }


def payment(pay: Row, payer: Row, p: Row, u: Row | None, code_names: dict[int, str]) -> Row:
    return {
        "ArPaymentId": pay["id"],
        "PropertyName": p["name"],
        "CustomerId": payer["id"],
        "CustomerFirstName": payer["firstName"],
        "CustomerLastName": payer["lastName"],
        "UnitNumber": None if u is None else u["number"],
        "EmailAddress": payer["email"],
        "PaymentAmount": pay["amount"],
        "PaymentDate": stamp(pay["date"]),
        "PaymentType": pay["type"],
        "PaymentStatus": pay["status"],
        "CurrencyCode": "USD",
        "ArAllocations": {
            "ArAllocation": [
                {
                    "ArTransactionId": charge_id,
                    "ChargeCodeId": 101,
                    "ChargeCodeName": code_names.get(101, ""),
                    "AllocationDateTime": stamp(pay["date"]),
                    "Amount": amount,
                }
                for charge_id, amount in pay["allocations"]
            ]
        },
    }


def lease_details(row: Row, u: Row, scheduled: list[Row], code_names: dict[int, str]) -> Row:
    return {
        "leaseId": row["id"],
        "name": f"Lease {row['id']}",
        "propertyUnitId": u["id"],
        "unitNumber": str(u["number"]),
        "scheduledCharges": {
            "recurringCharge": [
                {
                    "leaseIntervalId": str(row["intervalId"]),
                    "leaseIntervalStatus": row["status"],
                    "leaseIntervalType": "Initial",
                    "leaseStartDate": day(row["start"]),
                    "leaseEndDate": day(row["end"]),
                    "activeScheduledCharges": {
                        "activeScheduledCharge": [
                            {
                                "id": s["id"],
                                "arCodeId": s["arCodeId"],
                                "chargeCode": code_names.get(s["arCodeId"], ""),
                                "chargeTiming": s["timing"],
                                "chargeUsage": "Recurring",
                                "chargeStartDate": day(s["start"]),
                                "chargeEndDate": day(s["end"]),
                                "chargeAmount": str(s["amount"]),
                                "description": s["description"],
                            }
                            for s in scheduled
                        ]
                    },
                }
            ]
        },
    }
