"""How a write is found again at the PMS: the job's marker, and updates that already happened.

Before a job that may already have reached the PMS is sent again, `find_written` looks for it
(see `connectors.writes`). A create carries the job's marker (`WriteRequest.marker`, "PMSG-…"):
as the vendor's reference number when the client gave none, else appended to a text field
(memo, comment, description) as " [PMSG-…]", the client's text cut so the whole fits the field.
Vendors differ in which field carries it and when, so they choose; the text is built here.
An update carries no marker: `reflects` says whether the PMS record already holds its values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pmsgate.kit.money import to_cents

# What the marker (" [PMSG-" + 16 characters + "]") takes of a text field it is appended to; the
# vendors' write rules keep this room free in their text limits.
MARKER_ROOM = 24


def tag(marker: str) -> str:
    """The marker as it stands in a text field: '[PMSG-…]'."""
    return f"[{marker}]"


def reference(fields: Mapping[str, Any], marker: str) -> str:
    """The reference number a create carries: the client's reference_number, else the marker."""
    given = fields.get("reference_number")
    return str(given) if given else marker


def append(text: Any, marker: str, limit: int | None = None) -> str:
    """The client's text with the marker appended (the marker alone when there is no text),
    the text cut so the whole is at most `limit` characters (None: no limit)."""
    marked = tag(marker)
    if not text:
        return marked
    kept = str(text) if limit is None else str(text)[: limit - len(marked) - 1]
    return f"{kept} {marked}"


def memo(text: Any, marker: str | None, limit: int | None = None) -> str | None:
    """The text a write sends: with the marker when one must go in the text, else the client's
    text (cut to `limit`), or None when there is none."""
    if marker is not None:
        return append(text, marker, limit)
    return None if text is None else str(text)[:limit]


def reflects(patch: Mapping[str, Any], record: Mapping[str, Any]) -> bool:
    """Whether a stored record already holds every value of a native patch (`amount` compared in
    cents, so '12.5' and 12.50 agree)."""
    for name, value in patch.items():
        current = record.get(name)
        if name == "amount":
            try:
                if to_cents(str(current)) != to_cents(str(value)):
                    return False
            except ValueError:
                return False
        elif current != value:
            return False
    return True
