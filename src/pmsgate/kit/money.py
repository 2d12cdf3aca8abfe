"""Money: integer cents plus the vendor's original string. Decimal only, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

_CENT = Decimal("0.01")


def to_cents(raw: str | int | Decimal | None) -> int | None:
    """'1,250.005' -> 125000 (banker's rounding at the half cent); None stays None."""
    if raw is None or raw == "":
        return None
    text = str(raw).strip().replace(",", "").replace("$", "")
    negative = text.startswith("(") and text.endswith(")")  # accounting notation
    if negative:
        text = text[1:-1]
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {raw!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {raw!r}")
    cents = int((value.quantize(_CENT, rounding=ROUND_HALF_EVEN) * 100).to_integral_value())
    return -cents if negative else cents


def cents_to_decimal_str(cents: int) -> str:
    """125000 -> '1250.00' (what decimal-amount vendors expect on writes)."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"
