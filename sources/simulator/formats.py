"""How one row becomes one line of an export file, in CSV or JSON Lines.

CSV: the csv module's minimal quoting, '\\n' line ends, empty field for null, bools as 1/0.
JSONL: one compact object per line, UTF-8 text, null for missing, numbers as numbers.
Dates and timestamps are already 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS' strings in a row.
"""

from __future__ import annotations

import csv
import io
import json
import operator

from sources.contracts import TableContract

Row = dict[str, object]


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def csv_cells(row: Row, contract: TableContract) -> list[str]:
    """The row's fields in contract order, as CSV text."""
    return [csv_cell(row[name]) for name in contract.column_names]


def csv_line(cells: list[str]) -> str:
    """One CSV line (with its '\\n'); fields never contain line breaks."""
    if any("\n" in cell or "\r" in cell for cell in cells):
        raise ValueError("a field contains a line break; one row must be one physical line")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def csv_text(rows: list[Row], contract: TableContract) -> str:
    """Many rows at once (one writer, one buffer), one '\\n'-ended line per row: the fast path
    for clean rows.

    The csv module already writes None as an empty field and numbers and text as ``str``
    does, so only the contract's bool columns need converting; every other cell goes to
    the C writer untouched (the per-cell Python call was most of full-scale generation)."""
    names = contract.column_names
    flags = [i for i, column in enumerate(contract.columns) if column.type == "bool"]
    getter = operator.itemgetter(*names)
    cells = (_bools_as_digits(getter(row), flags) for row in rows) if flags else map(getter, rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(cells)
    text = buffer.getvalue()
    if text.count("\n") != len(rows) or "\r" in text:
        raise ValueError("a field contains a line break; one row must be one physical line")
    return text


def _bools_as_digits(values: tuple[object, ...], flags: list[int]) -> list[object]:
    cells = list(values)
    for index in flags:
        value = cells[index]
        if value is True or value is False:
            cells[index] = "1" if value else "0"
    return cells


def json_line(row: Row, contract: TableContract) -> str:
    """One JSON object (with its '\\n'), keys in contract order."""
    ordered = {name: row[name] for name in contract.column_names}
    return _JSON.encode(ordered) + "\n"


# One encoder for every line: ``json.dumps`` with options builds a new encoder per call.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def header_line(contract: TableContract) -> str:
    return csv_line(contract.column_names)
