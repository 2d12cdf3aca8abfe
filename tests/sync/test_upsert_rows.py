"""A record's stored row is built from its fields' values as they are (no conversion pass):
that holds only while no canonical field is itself a model, which this keeps true."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from pmsgate.canonical import records
from pmsgate.canonical.registry import RECORD_MODEL


def _models_in(annotation: object) -> list[type]:
    found = [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []
    for argument in typing.get_args(annotation):
        found.extend(_models_in(argument))
    return found


def test_no_canonical_field_is_a_model() -> None:
    nested = {
        f"{record.__name__}.{name}": _models_in(field.annotation)
        for record in RECORD_MODEL
        for name, field in record.model_fields.items()
        if _models_in(field.annotation)
    }
    assert nested == {}
    assert records.CanonicalRecord in [base for record in RECORD_MODEL for base in record.__mro__]


def test_a_records_fields_are_the_dumped_values() -> None:
    charge = records.ResidentChargeRecord(
        x_id="c1", x_property_id="p1", amount_in_cents=1234, custom_data={"a": [1, 2]}
    )
    assert dict(charge.__dict__) == charge.model_dump()
