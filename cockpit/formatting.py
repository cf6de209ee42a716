"""Number formatting shared by tiles, charts and tests, so all agree to the last digit.

Ratios are stored as fractions (0..1) and shown as percentages; counts are whole numbers;
means and sums keep more decimals when small so 0.23 days does not collapse to 0.
"""

from __future__ import annotations

import math

from cockpit.i18n import Lang, t

MISSING = "—"
COUNT_MEASURES = frozenset({"count", "distinct_count"})


def is_missing(value: object) -> bool:
    """True for None and NaN (DuckDB NULLs arrive as NaN in pandas)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def display_scale(measure: str) -> float:
    """Factor from stored value to displayed number (ratios are fractions shown as %)."""
    return 100.0 if measure == "ratio" else 1.0


def decimals_for(measure: str, value: float) -> int:
    """How many decimals make a value readable without pretending to false precision."""
    if measure == "ratio":
        return 1
    if measure in COUNT_MEASURES:
        return 0 if float(value).is_integer() else 1
    magnitude = abs(value)
    if magnitude < 10:
        return 2
    return 1 if magnitude < 1000 else 0


def format_number(value: object, measure: str) -> str:
    """The number alone, scaled for display, with thousands separators."""
    if is_missing(value):
        return MISSING
    shown = float(value) * display_scale(measure)  # type: ignore[arg-type]
    return f"{shown:,.{decimals_for(measure, shown)}f}"


def format_value(value: object, measure: str, unit: str | None) -> str:
    """The number with its unit: ``93.2%``, ``1,328 件``, ``4.96 天``."""
    number = format_number(value, measure)
    if number == MISSING:
        return MISSING
    if measure == "ratio" or unit == "%":
        return f"{number}%"
    return f"{number} {unit}" if unit else number


def format_target(
    target: object, measure: str, unit: str | None, direction: str, lang: Lang
) -> str:
    """Target with the comparison the direction implies (≥ for higher, ≤ for lower)."""
    if is_missing(target):
        return t("tile.no_target", lang)
    sign = {"higher": "≥ ", "lower": "≤ "}.get(direction, "")
    return f"{t('tile.target', lang)} {sign}{format_value(target, measure, unit)}"


def format_change(current: object, before: object, measure: str, lang: Lang) -> str | None:
    """Signed change between two values; ratios in percentage points, None when unknown."""
    if is_missing(current) or is_missing(before):
        return None
    change = (float(current) - float(before)) * display_scale(measure)  # type: ignore[arg-type]
    digits = decimals_for("mean" if measure in COUNT_MEASURES else measure, change)
    if measure in COUNT_MEASURES and float(change).is_integer():
        digits = 0
    text = f"{change:+,.{digits}f}"
    return text + t("tile.pp", lang) if measure == "ratio" else text


def format_delta(current: object, previous: object, measure: str, lang: Lang) -> str | None:
    """Change since the previous period, labelled for the tile's delta line."""
    text = format_change(current, previous, measure, lang)
    return None if text is None else f"{text} {t('tile.vs_prev', lang)}"


def format_score(score: object) -> str:
    """Score as a plain two-decimal number (1.00 means exactly on target)."""
    return MISSING if is_missing(score) else f"{float(score):.2f}"  # type: ignore[arg-type]
