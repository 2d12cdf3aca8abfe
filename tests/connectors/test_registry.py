"""The vendor registry loads a connector package the first time one of its vendors is asked for,
and the table saying which package registers which vendors is true. Checked in a fresh
interpreter: the suite's own process has imported every package long ago."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.registry import BUILTIN, definition_for, supported_vendors

_PROBE = """
import importlib, json, sys
from pmsgate.connectors import registry

out = {}
registry.definition_for("BUILDIUM")
out["after_buildium"] = sorted(m for m in registry.BUILTIN if m in sys.modules)
out["zeep_loaded"] = "zeep" in sys.modules
registered = set(registry.VENDORS._entries)
for package in registry.BUILTIN:
    importlib.import_module(package)
    out[package] = sorted(v.value for v in set(registry.VENDORS._entries) - registered)
    registered = set(registry.VENDORS._entries)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def probed() -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_asking_for_one_vendor_loads_only_its_package(probed: dict[str, object]) -> None:
    assert probed["after_buildium"] == ["pmsgate.connectors.buildium"]
    assert probed["zeep_loaded"] is False  # Yardi's SOAP client stays out of a Buildium worker


def test_each_package_registers_the_vendors_the_table_names(probed: dict[str, object]) -> None:
    for package, vendors in BUILTIN.items():
        if package == "pmsgate.connectors.buildium":
            continue  # registered before the loop of the probe, by definition_for
        assert probed[package] == sorted(v.value for v in vendors), package


def test_every_supported_vendor_has_its_definition() -> None:
    listed = supported_vendors()
    assert set(listed) == {vendor for vendors in BUILTIN.values() for vendor in vendors}
    for vendor in listed:
        assert definition_for(vendor.value).vendor is vendor


def test_a_vendor_without_a_connector_names_the_supported_ones() -> None:
    with pytest.raises(KeyError, match=r"supported vendors: .*BUILDIUM"):
        definition_for(Vendor.MRI)
    with pytest.raises(KeyError, match="has no connector"):
        definition_for("NOT_A_VENDOR")
