"""The parts of reading a stream that every connector does the same way.

Each vendor pages differently (cursors, offsets, page numbers, several endpoints per stream), so
the paging loops stay in the vendors' `connector.py`. What they share lives here:
- `map_records`: map one page of native records, reporting a record that cannot be mapped in
  `Page.skipped` (model, x_id, reason) instead of failing the stream;
- `mapped_page`: the same as a `Page`, digested during a complete read, and left unmapped when
  the engine knows its digest (for vendors whose pages map from their rows alone);
- `probe_access`: `Connector.data_access()` from one small request per model (refused
  credentials -> nothing readable; 403 or another refusal -> that model is not);
- `no_stream`: the error for a model a vendor does not stream on its own (`children_of` inverts
  its `PARENT_OF` table for `probe_access`);
- `numeric_ids`: the property filter for vendors whose ids are integers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest, ResumeToken
from pmsgate.connectors.errors import AuthError, PermanentError

# What a mapper raises on a malformed native record (pydantic's errors are ValueErrors).
MALFORMED: tuple[type[Exception], ...] = (ValueError, TypeError, KeyError, AttributeError)

Skipped = dict[str, Any]


def map_records(
    model: Model,
    rows: Iterable[Any],
    mapper: Callable[[Any], Iterable[CanonicalRecord]],
    *,
    x_id: str | Callable[[Any], Any],
    objects_only: bool = True,
    malformed: tuple[type[Exception], ...] = MALFORMED,
) -> tuple[list[CanonicalRecord], list[Skipped]]:
    """(records, skipped) of one page. `x_id` names the native id field (or reads the id from a
    row) so a skipped record can be named; with `objects_only` a row that is not a JSON object
    is skipped without calling the mapper."""
    read_id = x_id if callable(x_id) else _field(x_id)
    records: list[CanonicalRecord] = []
    skipped: list[Skipped] = []
    for row in rows:
        native_id = read_id(row)
        try:
            if objects_only and not isinstance(row, dict):
                raise ValueError(f"a {type(row).__name__}, not an object")
            records.extend(mapper(row))
        except malformed as exc:
            skipped.append(
                {
                    "model": model.value,
                    "x_id": None if native_id is None else str(native_id),
                    "reason": str(exc) or type(exc).__name__,
                }
            )
    return records, skipped


def mapped_page(
    request: ReadRequest,
    model: Model,
    rows: list[Any],
    mapper: Callable[[Any], Iterable[CanonicalRecord]],
    *,
    x_id: str | Callable[[Any], Any],
    resume_token: ResumeToken,
    malformed: tuple[type[Exception], ...] = MALFORMED,
) -> Page:
    """One page of `rows` mapped by `mapper`, which must depend on the rows alone (the engine
    adds the connector's code and the disabled properties to the digest). In a complete read
    the page carries the digest of its native rows; a page whose digest the last complete read
    met is handed over unmapped, with its mapping for the engine to run if it must."""

    def mapping() -> tuple[list[CanonicalRecord], list[Skipped]]:
        return map_records(model, rows, mapper, x_id=x_id, malformed=malformed)

    known, digest = request.known_pages, None
    if known is not None:
        try:
            digest = known.digest(model, orjson.dumps(rows, option=orjson.OPT_SORT_KEYS, default=_exact))
        except TypeError:  # a value orjson cannot encode: mapped, not digested
            digest = None
        if digest is not None and digest in known.digests:
            return Page([], resume_token, digest=digest, mapping=mapping)
    records, skipped = mapping()
    return Page(records, resume_token, skipped, digest=digest)


def _exact(value: Any) -> str:
    """Amounts parsed exactly (`Decimal`) enter a page's digest as written; anything else
    orjson cannot encode leaves the page undigested."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def _field(name: str) -> Callable[[Any], Any]:
    return lambda row: row.get(name) if isinstance(row, dict) else None


Probe = Callable[[], object]


def readable(probe: Probe) -> bool:
    """Whether a probe request succeeds. A 403 (a role without that permission) or another
    refusal of the request is False; refused credentials (AuthError, not 403) propagate."""
    try:
        probe()
    except AuthError as exc:
        if exc.status_code != 403:
            raise
        return False
    except PermanentError:
        return False
    return True


def probe_access(
    probes: Mapping[Model, Sequence[Probe]],
    *,
    children: Mapping[Model, Iterable[Model]],
    every_model: Iterable[Model],
) -> dict[Model, bool]:
    """`data_access()` from probes: a model is readable when all its probes are (each is tried);
    its child models (read inside its pages) follow it. When the credentials themselves are
    refused, nothing is readable."""
    access: dict[Model, bool] = {}
    try:
        for model, calls in probes.items():
            allowed = all([readable(call) for call in calls])  # a list: every probe is tried
            access[model] = allowed
            access.update(dict.fromkeys(children.get(model, ()), allowed))
    except AuthError:
        return dict.fromkeys(every_model, False)
    return access


def children_of(parent_of: Mapping[Model, Model]) -> dict[Model, list[Model]]:
    """parent model -> the models read inside its pages (the inverse of a `PARENT_OF` table)."""
    children: dict[Model, list[Model]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    return children


def no_stream(vendor_name: str, model: Model, parent_of: Mapping[Model, Model]) -> PermanentError:
    """The error for a model the vendor has no stream of (naming the stream it arrives in)."""
    parent = parent_of.get(model)
    hint = f"; it arrives inside {parent.value} pages" if parent else ""
    return PermanentError(f"{vendor_name} has no {model.value} stream{hint}")


def numeric_ids(x_property_ids: Iterable[str]) -> list[str]:
    """The ids that can be this vendor's (integers), in numeric order."""
    return sorted((x for x in x_property_ids if x.isdigit()), key=int)
