from __future__ import annotations

from pathlib import Path

from pmsgate.connectors.matrix import render

MATRIX = Path(__file__).resolve().parents[2] / "docs" / "vendors" / "README.md"


def test_the_committed_support_matrix_is_current() -> None:
    assert MATRIX.read_text() == render(), "regenerate it: pmsgate vendors > docs/vendors/README.md"
