"""Dirty data: each defect breaks exactly one row for exactly one reason.

Real exports are messy, and the ingest path must quarantine every broken row with the right
reason and nothing else. So a defect is designed, not sprinkled: it changes one thing of an
otherwise valid row, chosen from what the table's contract says (required columns, types,
code lists, ranges, date orders), and is written to a ground-truth ledger. The defective row
replaces its clean twin, except a DUPLICATE, which is a second copy right after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from sources.contracts import Column, Reason, TableContract
from sources.simulator.formats import Row

# Replaced by bytes that are invalid in both UTF-8 and GBK after the line is encoded.
ENCODING_SENTINEL = "\x01"
INVALID_BYTES = b"\xff\xfe"

# Codes that look plausible but are not on the lists: retired names and typos.
BOGUS_CODES: dict[str, tuple[str, ...]] = {
    "dept_code": ("XXJ", "CGJ", "HBJ", "GSJ"),  # 城管局, 环保局, 工商局: pre-reform names
    "county_code": ("330821", "330899"),  # 衢县 (abolished 1985) and a typo
    "task_source": ("PHONE", "MEDIA"),
    "clue_source": ("MEDIA", "HOTLINE"),
    "inspect_mode": ("VIDEO",),
    "result_code": ("PENDING",),
    "procedure": ("QUICK",),
    "case_status": ("REVOKED",),
    "decision_type": ("WARNING",),
}
GENERIC_BOGUS = ("OTHER", "待定")
OUT_OF_RANGE_VALUES: dict[str, tuple[float, ...]] = {
    "latitude": (0.0, 91.3, 39.9042),  # null island, impossible, Beijing
    "longitude": (0.0, 181.5, 116.4074),
}
IMPOSSIBLE_DAYS = ("02-30", "02-31", "04-31", "06-31", "09-31", "11-31", "13-05", "00-12")


@dataclass(frozen=True)
class Spoiled:
    """A defective rendering of a row: changed values, or a line-level instruction."""

    reason: Reason
    row: Row  # the values to render (changed for value-level reasons)
    encoding_column: str | None = None  # BAD_ENCODING: column holding the sentinel


def plan(rows: list[Row], contract: TableContract, fmt: str, rng: np.random.Generator,
         rate: float) -> list[Reason | None]:
    """Pick which rows of one file are defective, and for which reason each."""
    hits = rng.random(len(rows)) < rate
    choice = rng.random(len(rows))
    reasons: list[Reason | None] = [None] * len(rows)
    for index in np.flatnonzero(hits).tolist():  # only the few hit rows, in file order
        candidates = eligible(rows[index], contract, fmt)
        reasons[index] = candidates[int(float(choice[index]) * len(candidates))]
    return reasons


def eligible(row: Row, contract: TableContract, fmt: str) -> list[Reason]:
    """The reasons that can be given to this row without touching anything else."""
    # A Parquet file has no lines to cut: its defects are in the values (and repeated rows).
    structural = [Reason.MALFORMED_ROW] if fmt != "parquet" else []
    reasons = [*structural, Reason.MISSING_REQUIRED, Reason.DUPLICATE]
    if fmt == "csv" and _text_columns(row, contract):
        reasons.append(Reason.BAD_ENCODING)
    if _typed_columns(row, contract):
        reasons.append(Reason.BAD_TYPE)
    if _coded_columns(row, contract):
        reasons.append(Reason.UNKNOWN_CODE)
    if _ranged_columns(row, contract):
        reasons.append(Reason.OUT_OF_RANGE)
    if _orders(row, contract):
        reasons.append(Reason.DATE_ORDER)
    return reasons


def spoil(row: Row, reason: Reason, contract: TableContract, rng: np.random.Generator) -> Spoiled:
    """Change the row for ``reason``; MALFORMED_ROW and DUPLICATE act on the line instead."""
    changed = dict(row)
    if reason == Reason.MISSING_REQUIRED:
        changed[_pick(rng, contract.required_columns)] = None
    elif reason == Reason.BAD_TYPE:
        column = contract.column(_pick(rng, _typed_columns(row, contract)))
        changed[column.name] = _bad_value(column, row[column.name], rng)
    elif reason == Reason.UNKNOWN_CODE:
        column = contract.column(_pick(rng, _coded_columns(row, contract)))
        changed[column.name] = _bogus_code(column, row, rng)
    elif reason == Reason.OUT_OF_RANGE:
        column = contract.column(_pick(rng, _ranged_columns(row, contract)))
        changed[column.name] = _out_of_range(column, rng)
    elif reason == Reason.DATE_ORDER:
        earlier, later = _orders(row, contract)[int(rng.integers(len(_orders(row, contract))))]
        # dates and timestamps alike: move the later value 1-30 days before the earlier one
        before = datetime.fromisoformat(str(row[earlier])) - timedelta(int(rng.integers(1, 31)))
        is_timestamp = contract.column(later).type == "timestamp"
        changed[later] = before.strftime("%Y-%m-%d %H:%M:%S" if is_timestamp else "%Y-%m-%d")
    elif reason == Reason.BAD_ENCODING:
        column = _pick(rng, _text_columns(row, contract))
        text = str(row[column])
        cut = int(rng.integers(1, len(text)))
        changed[column] = text[:cut] + ENCODING_SENTINEL + text[cut:]
        return Spoiled(reason, changed, encoding_column=column)
    return Spoiled(reason, changed)


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _text_columns(row: Row, contract: TableContract) -> list[str]:
    """Free-text fields a broken byte can hide in: names first, never keys or codes."""
    names = [c.name for c in contract.columns
             if c.type == "string" and c.codes is None and c.name.endswith("_name")
             and isinstance(row[c.name], str) and len(str(row[c.name])) >= 2]
    return names


def _typed_columns(row: Row, contract: TableContract) -> list[str]:
    return [c.name for c in contract.columns
            if c.type in ("int", "float", "date", "timestamp") and row[c.name] is not None]


def _coded_columns(row: Row, contract: TableContract) -> list[str]:
    return [c.name for c in contract.columns if c.codes is not None and row[c.name] is not None]


def _ranged_columns(row: Row, contract: TableContract) -> list[str]:
    return [c.name for c in contract.columns
            if (c.minimum is not None or c.maximum is not None) and row[c.name] is not None]


def _orders(row: Row, contract: TableContract) -> list[tuple[str, str]]:
    return [(o.earlier, o.later) for o in contract.date_orders
            if row[o.earlier] is not None and row[o.later] is not None]


def _bad_value(column: Column, value: object, rng: np.random.Generator) -> str:
    """Text that no parser takes for the column's type (and no reader takes for null)."""
    if column.type == "int":
        options = [f"{value}个", "十二", f"{value}O"]
    elif column.type == "float":
        unit = "°" if column.name in OUT_OF_RANGE_VALUES else "元"
        options = [f"{value}{unit}", f"约{value}"]
    else:  # date or timestamp: a day that does not exist
        text = str(value)
        bad = f"{text[:4]}-{IMPOSSIBLE_DAYS[int(rng.integers(len(IMPOSSIBLE_DAYS)))]}"
        return bad + text[10:]
    return options[int(rng.integers(len(options)))]


def _bogus_code(column: Column, row: Row, rng: np.random.Generator) -> str:
    if column.name == "town_code":
        county = str(row.get("county_code") or "330800")
        options = tuple(f"{county}{n}" for n in (901, 950, 999))
    else:
        options = BOGUS_CODES.get(column.name, GENERIC_BOGUS)
    valid = [code for code in options if column.codes is None or code not in column.codes]
    if not valid:
        raise ValueError(f"no bogus code left for {column.name}")
    return valid[int(rng.integers(len(valid)))]


def _out_of_range(column: Column, rng: np.random.Generator) -> float | int:
    if column.name in OUT_OF_RANGE_VALUES:
        options = OUT_OF_RANGE_VALUES[column.name]
        return options[int(rng.integers(len(options)))]
    below = column.minimum is not None and (column.maximum is None or rng.random() < 0.5)
    if column.type == "int":
        return int(column.minimum) - 1 if below else int(column.maximum or 0) * 2 - 1
    if below:
        return float(column.minimum) - 200.0
    return float(column.maximum or 0) * 1.76
