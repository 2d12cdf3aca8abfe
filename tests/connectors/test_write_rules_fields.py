"""Every vendor's write rules name only fields of the generic body they apply to: a misspelt
name in a `rules.py` would otherwise make a field silently required (every write refused) or
silently ignored."""

from __future__ import annotations

import pytest

from pmsgate.connectors.registry import definition_for, supported_vendors
from pmsgate.writes.schemas import BODIES


@pytest.mark.parametrize("vendor", supported_vendors(), ids=str)
def test_write_rules_name_fields_of_the_generic_body(vendor: str) -> None:
    definition = definition_for(vendor)
    for operation, rules in definition.write_rules.items():
        fields = set(BODIES[operation].model_fields)
        named = set(rules.required) | set(rules.optional)  # (a shared constraint may name more)
        assert named <= fields, f"{vendor} {operation}: not fields of the body: {sorted(named - fields)}"
