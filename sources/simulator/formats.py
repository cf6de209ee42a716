"""How one row becomes one line of an export file, in CSV or JSON Lines.

CSV: the csv module's minimal quoting, '\\n' line ends, empty field for null, bools as 1/0.
JSONL: one compact object per line, UTF-8 text, null for missing, numbers as numbers.
Dates and timestamps are already 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS' strings in a row.
"""

from __future__ import annotations

import csv
import io
import json

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


def csv_lines(rows: list[Row], contract: TableContract) -> list[str]:
    """Many rows at once (one writer, one buffer): the fast path for clean rows."""
    names = contract.column_names
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [csv_cell(row[name]) for name in names] for row in rows)
    lines = [line + "\n" for line in buffer.getvalue().split("\n")[:-1]]
    if len(lines) != len(rows) or any("\r" in line for line in lines):
        raise ValueError("a field contains a line break; one row must be one physical line")
    return lines


def json_line(row: Row, contract: TableContract) -> str:
    """One JSON object (with its '\\n'), keys in contract order."""
    ordered = {name: row[name] for name in contract.column_names}
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":")) + "\n"


def header_line(contract: TableContract) -> str:
    return csv_line(contract.column_names)
