"""Registers the sample PMS for `pmsgate emulate sample`: it accepts any login (open mode)."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.emulators.registry import EmulatorDefinition, register
from pmsgate.emulators.sample.app import create_sample_app


def _credentials(_app: Any) -> dict[str, Any]:
    return {}


register(EmulatorDefinition("sample", (Vendor.SAMPLE1, Vendor.SAMPLE2), create_sample_app, _credentials))
