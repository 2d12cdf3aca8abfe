"""SamplePMS's writes: validate against the stored books, store, keep balances right.

Like most PMSs, SamplePMS does not deduplicate: a repeated `ref` is stored again. Each function
runs under the store lock, so validation and the write see the same state.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pmsgate.emulators.sample.ledger import apply_oldest_first, balance_cents, reduce_open
from pmsgate.emulators.sample.store import Record, SampleStore
from pmsgate.emulators.sample.validate import Body, invalid
from pmsgate.emulators.sample.wire import FaultError, money, stamp, us_date

CHARGE_FIELDS = ("tenancyId", "tenantId", "codeId", "accountId", "amount", "postedOn", "memo", "ref")
RECEIPT_FIELDS = ("tenancyId", "tenantId", "accountId", "amount", "method", "postedOn", "memo", "ref")
RECURRING_FIELDS = (
    "tenancyId", "tenantId", "codeId", "accountId", "amount", "every",
    "dueDay", "startsOn", "endsOn", "memo", "ref",
)  # fmt: skip
METHODS = ("ach", "check", "card", "cash", "money_order", "other")
FREQUENCIES = ("day", "week", "month", "year")


def _existing(store: SampleStore, collection: str, record_id: int, field: str) -> Record:
    record = store.table(collection).get(record_id)
    if record is None:
        raise FaultError(404, "NOT_FOUND", f"no {collection} record with id {record_id}", field=field)
    return record


def _same_site(record: Record, tenancy: Record, field: str) -> None:
    if record["siteId"] != tenancy["siteId"]:
        raise invalid(field, f"{field} {record[field]} belongs to another site than the tenancy")


def _tenant_on(store: SampleStore, tenancy: Record, tenant_id: int | None) -> int:
    """The given tenant, checked to be on the tenancy; None means the head of household."""
    if tenant_id is None:
        return _head(tenancy)
    _existing(store, "tenants", tenant_id, "tenantId")
    if tenant_id not in {o["tenantId"] for o in tenancy["occupants"]}:
        raise invalid("tenantId", f"tenant {tenant_id} is not on tenancy {tenancy['tenancyId']}")
    return tenant_id


def _head(tenancy: Record) -> int:
    head: int = next(o["tenantId"] for o in tenancy["occupants"] if o["role"] == "head")
    return head


def _account_or_default(store: SampleStore, body: Body, tenancy: Record, code: Record) -> int | None:
    """The given GL account (checked to be the tenancy's site's), or the code's income account,
    as the PMS defaults it."""
    account_id = body.optional_ident("accountId")
    if account_id is not None:
        _same_site(_existing(store, "gl-accounts", account_id, "accountId"), tenancy, "accountId")
        return account_id
    books = store.table("gl-accounts").records()
    account = next(
        (a for a in books if a["siteId"] == tenancy["siteId"] and a["number"] == code["creditAccount"]),
        None,
    )
    return None if account is None else int(account["accountId"])


def _charged(store: SampleStore, body: Body) -> tuple[Record, int, Record, int | None]:
    """The tenancy, tenant, ledger code and GL account a charge or schedule names, checked in
    that order."""
    tenancy = _existing(store, "tenancies", body.ident("tenancyId"), "tenancyId")
    tenant_id = _tenant_on(store, tenancy, body.optional_ident("tenantId"))
    code = _existing(store, "ledger-codes", body.ident("codeId"), "codeId")
    _same_site(code, tenancy, "codeId")
    return tenancy, tenant_id, code, _account_or_default(store, body, tenancy, code)


def _parties(tenancy: Record, tenant_id: int) -> Record:
    """How a charge, receipt or schedule names its site, tenancy and tenant."""
    return {"siteId": tenancy["siteId"], "tenancyId": tenancy["tenancyId"], "tenantId": tenant_id}


def _period(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def post_charge(store: SampleStore, raw: object, *, credit: bool) -> int:
    """A charge, or with `credit` a credit: the same body, stored with a negative amount."""
    body = Body(raw, CHARGE_FIELDS)
    with store.lock:
        tenancy, tenant_id, code, account_id = _charged(store, body)
        cents = -body.amount() if credit else body.amount()
        posted = body.day("postedOn")
        table = store.table("charges")
        charge_id = table.put(
            {
                "chargeId": table.new_id(),
                **_parties(tenancy, tenant_id),
                "spaceId": tenancy["spaceId"],
                "codeId": code["codeId"],
                "accountId": account_id,
                "amount": money(cents),
                "open": money(cents),
                "postedOn": us_date(posted),
                "dueOn": us_date(posted),
                "period": _period(posted),
                "memo": body.text("memo"),
                "ref": body.ref(),
                "source": "api",
                "changedOn": stamp(store.now()),
            }
        )
        _rebalance(store, tenancy)
        return charge_id


def post_receipt(store: SampleStore, raw: object) -> int:
    body = Body(raw, RECEIPT_FIELDS)
    with store.lock:
        tenancy = _existing(store, "tenancies", body.ident("tenancyId"), "tenancyId")
        tenant_id = _tenant_on(store, tenancy, body.ident("tenantId"))
        account = _existing(store, "gl-accounts", body.ident("accountId"), "accountId")
        _same_site(account, tenancy, "accountId")
        if account["kind"] != "bank":
            raise invalid("accountId", f"account {account['accountId']} is not a bank account")
        cents = body.amount()
        method = body.choice("method", METHODS)
        posted = body.day("postedOn")
        changed_on = stamp(store.now())
        charges = store.table("charges")
        applied = []
        for charge_id, applied_cents in apply_oldest_first(
            cents, charges.where("tenancyId", tenancy["tenancyId"])
        ):
            charges.put(
                reduce_open(_existing(store, "charges", charge_id, "chargeId"), applied_cents, changed_on)
            )
            applied.append(
                {
                    "allocationId": store.next_allocation_id(),
                    "chargeId": charge_id,
                    "amount": money(applied_cents),
                }
            )
        table = store.table("receipts")
        receipt_id = table.put(
            {
                "receiptId": table.new_id(),
                **_parties(tenancy, tenant_id),
                "spaceId": tenancy["spaceId"],
                "accountId": account["accountId"],
                "amount": money(cents),
                "method": method,
                "postedOn": us_date(posted),
                "period": _period(posted),
                "memo": body.text("memo"),
                "ref": body.ref(),
                "appliedTo": applied,
                "changedOn": changed_on,
            }
        )
        _rebalance(store, tenancy)
        return receipt_id


def _recurring_record(store: SampleStore, body: Body, recurring_id: int, active: bool) -> Record:
    tenancy, tenant_id, code, account_id = _charged(store, body)
    starts, ends = body.day("startsOn"), body.optional_day("endsOn")
    if ends is not None and ends < starts:
        raise invalid("endsOn", "endsOn must not be before startsOn")
    return {
        "recurringId": recurring_id,
        **_parties(tenancy, tenant_id),
        "codeId": code["codeId"],
        "accountId": account_id,
        "amount": money(body.amount()),
        "every": body.choice("every", FREQUENCIES),
        "dueDay": body.day_of_month("dueDay"),
        "startsOn": us_date(starts),
        "endsOn": us_date(ends) if ends else None,
        "active": active,
        "memo": body.text("memo"),
        "ref": body.ref(),
        "changedOn": stamp(store.now()),
    }


def post_recurring(store: SampleStore, raw: object) -> int:
    body = Body(raw, (*RECURRING_FIELDS, "active"))
    with store.lock:
        table = store.table("recurring")
        return table.put(_recurring_record(store, body, table.new_id(), active=body.flag("active", True)))


def patch_recurring(store: SampleStore, recurring_id: int, raw: object) -> Record:
    """Apply a partial update, then validate the merged schedule as a whole."""
    patch = Body(raw, (*RECURRING_FIELDS, "active"))
    with store.lock:
        current = _existing(store, "recurring", recurring_id, "recurringId")
        merged: dict[str, Any] = {name: current.get(name) for name in RECURRING_FIELDS}
        merged.update({k: v for k, v in patch.raw.items() if k != "active"})
        record = _recurring_record(
            store, Body(merged, RECURRING_FIELDS), recurring_id, patch.flag("active", current["active"])
        )
        store.table("recurring").put(record)
        return record


def _rebalance(store: SampleStore, tenancy: Record) -> None:
    """Recompute the tenancy's balance and its head tenant's; touch changedOn only on change."""
    tenancy_id = tenancy["tenancyId"]
    cents = balance_cents(
        store.table("charges").where("tenancyId", tenancy_id),
        store.table("receipts").where("tenancyId", tenancy_id),
    )
    changed_on = stamp(store.now())
    if tenancy["balance"] != money(cents):
        store.table("tenancies").put({**tenancy, "balance": money(cents), "changedOn": changed_on})
    head = store.table("tenants").get(_head(tenancy))
    if head is not None and head["balance"] != money(cents):
        store.table("tenants").put({**head, "balance": money(cents), "changedOn": changed_on})
