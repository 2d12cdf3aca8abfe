"""The data-access report in the contract's shape. Per model, each of `read`, `create` and
`update` is one of `{status: SUCCESS|FAILED|PROCESSING, error_message}`, `{unsupported: true}`
or `{untested: true}`. Reads are probed against the PMS; writes are never tried (a test write
would post money into a ledger), so a write the vendor supports is `untested`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.registry import definition_for
from pmsgate.connectors.writes import OPERATION_MODEL, WriteOperation

_UPDATES = {WriteOperation.UPDATE_RECURRING_CHARGE}


def _status(status: str, error_message: str | None = None) -> dict[str, Any]:
    return {"status": status, "error_message": error_message}


def _read(allowed: bool, model: str) -> dict[str, Any]:
    return _status("SUCCESS") if allowed else _status("FAILED", f"these credentials cannot read {model}")


def _writes(vendor: Vendor, model: Model) -> dict[str, Any]:
    operations = {op for op in definition_for(vendor).write_rules if OPERATION_MODEL.get(op) is model}
    create = any(op not in _UPDATES for op in operations)
    update = any(op in _UPDATES for op in operations)
    return {
        "create": {"untested": True} if create else {"unsupported": True},
        "update": {"untested": True} if update else {"unsupported": True},
    }


def report(vendor: Vendor, access: Mapping[Model, bool]) -> dict[str, Any]:
    """What a completed check found: each probed model readable or not."""
    return {
        model.value: {
            "read": _read(allowed, model.value),
            **_writes(vendor, model),
        }
        for model, allowed in access.items()
    }


def failed(vendor: Vendor, models: Iterable[Model], message: str) -> dict[str, Any]:
    """The check could not run (credentials refused, PMS unreachable): every model failed with why."""
    return {
        model.value: {"read": _status("FAILED", message), **_writes(vendor, model)}
        for model in sorted(models, key=lambda m: m.value)
    }


def processing(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """A check has begun: the models known so far read PROCESSING until it ends."""
    return {name: {**entry, "read": _status("PROCESSING")} for name, entry in present(stored).items()}


def present(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored report as answered. Reports stored before this shape (`{"read": bool}` per
    model, and an `error` entry that is no model) are converted or dropped."""
    out: dict[str, Any] = {}
    for name, entry in (stored or {}).items():
        if not isinstance(entry, dict) or (name == "error" and "read" not in entry):
            continue
        if isinstance(entry.get("read"), bool):
            ok = entry["read"]
            entry = {
                "read": _status("SUCCESS")
                if ok
                else _status("FAILED", f"these credentials cannot read {name}"),
                "create": {"untested": True},
                "update": {"untested": True},
            }
        out[name] = entry
    return out


def enabled_models(vendor: Vendor, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The integration's `models` (the contract's `{enabled, from_interfaces}` per model): each
    model the vendor offers, enabled unless the last data-access check found it unreadable."""
    checked = present(stored)
    out = {}
    for model in sorted(definition_for(vendor).models, key=lambda m: m.value):
        read = checked.get(model.value, {}).get("read", {})
        out[model.value] = {"enabled": read.get("status") != "FAILED", "from_interfaces": []}
    return out


def first_error(report: Mapping[str, Any]) -> str | None:
    """The first read error of a report (why a check failed), if any."""
    for entry in report.values():
        read = entry.get("read") if isinstance(entry, dict) else None
        if isinstance(read, dict) and read.get("error_message"):
            return str(read["error_message"])
    return None
