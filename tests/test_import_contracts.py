"""The import contracts (pyproject's [tool.importlinter], run by `lint-imports`) name every
vendor package and every product package, so a new vendor or package cannot slip past them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "pmsgate"


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def _vendor_packages(folder: str) -> set[str]:
    return {f"pmsgate.{folder}.{path.parent.name}" for path in (SRC / folder).glob("*/__init__.py")}


def _top_level() -> set[str]:
    packages = {path.parent.name for path in SRC.glob("*/__init__.py")}
    modules = {path.stem for path in SRC.glob("*.py") if path.stem != "__init__"}
    return packages | modules


def test_every_vendor_connector_is_in_the_independence_contract() -> None:
    vendors = _vendor_packages("connectors")
    assert len(vendors) >= 8
    assert set(_contracts()["connector-vendors"]["modules"]) == vendors


def test_every_vendor_emulator_is_in_the_independence_contract_and_kept_from_product_code() -> None:
    vendors = _vendor_packages("emulators")
    assert len(vendors) >= 8
    contracts = _contracts()
    assert set(contracts["emulator-vendors"]["modules"]) == vendors
    # Product code may use only the registry (to find an emulator) and the server (to serve it).
    emulator_modules = {f"pmsgate.emulators.{path.stem}" for path in (SRC / "emulators").glob("*.py")}
    allowed = {"pmsgate.emulators.__init__", "pmsgate.emulators.registry", "pmsgate.emulators.server"}
    forbidden = vendors | emulator_modules - allowed
    assert set(contracts["emulators-via-registry"]["forbidden_modules"]) == forbidden


def test_every_product_package_is_kept_from_the_emulators() -> None:
    sources = set(_contracts()["emulators-via-registry"]["source_modules"])
    assert sources == {f"pmsgate.{name}" for name in _top_level() - {"emulators"}}


def test_every_top_level_package_has_its_layer() -> None:
    layers = _contracts()["layers"]
    assert layers["exhaustive"] is True  # lint-imports then refuses an unplaced package itself
    placed = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    assert placed == _top_level()
