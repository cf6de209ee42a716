"""JSON Lines and Parquet exports: values come back as text, like CSV's, so validation
treats every format alike; a Parquet row's JSON text is rebuilt only if it is quarantined.
"""

from __future__ import annotations

import json

import polars as pl

from sources.contracts import Reason, TableContract
from sources.raw_batch import (
    FILE,
    LINE,
    RAW,
    REJECT_SCHEMA,
    ExportFile,
    RawBatch,
    RawForm,
    check_header,
    conform,
    rejects_frame,
    text_schema,
)


def read_jsonl(export: ExportFile, contract: TableContract) -> RawBatch:
    """Read JSON Lines; a line that is not a JSON object is rejected with its text.

    Values are collected column by column; a string (most values) is taken as it is.
    """
    names = contract.column_names
    columns: list[list[str | None]] = [[] for _ in names]
    numbers: list[int] = []
    lines: list[str] = []
    rejects: list[tuple[str, int, str, str, str]] = []
    label = export.label
    landed = 0
    for number, raw_line in enumerate(export.path.read_bytes().split(b"\n"), start=1):
        if not raw_line.strip():
            continue
        landed += 1
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            text = raw_line.decode("utf-8", errors="backslashreplace")
            rejects.append((label, number, text, Reason.BAD_ENCODING.value, "line is not UTF-8"))
            continue
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError as error:
            rejects.append(
                (label, number, line, Reason.MALFORMED_ROW.value, f"invalid JSON: {error}")
            )
            continue
        if not isinstance(parsed, dict):
            rejects.append((label, number, line, Reason.MALFORMED_ROW.value, "not a JSON object"))
            continue
        for values, name in zip(columns, names, strict=True):
            value = parsed.get(name)
            values.append(value if value is None or type(value) is str else _json_text(value))
        numbers.append(number)
        lines.append(line)
    data = {name: values for name, values in zip(names, columns, strict=True)}
    data |= {FILE: [label] * len(numbers), LINE: numbers, RAW: lines}
    rows = pl.DataFrame(data, schema=text_schema(contract))
    return RawBatch(rows, rejects_frame(rejects), {label: "utf-8"}, {label: landed})


def _json_text(value: object) -> str | None:
    """A JSON value as the text a CSV export would carry (bools as 1/0)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def read_parquet(export: ExportFile, contract: TableContract) -> RawBatch:
    """Read Parquet; values are cast to text so validation treats every format alike."""
    frame = pl.read_parquet(export.path)
    check_header(export.label, frame.columns, contract)
    present = [name for name in contract.column_names if name in frame.columns]
    text = frame.select(pl.col(name).cast(pl.String) for name in present)
    # the row's text (its JSON object) is rebuilt only if validation quarantines the row
    rows = text.with_columns(
        pl.lit(export.label).alias(FILE),
        pl.Series(LINE, range(1, frame.height + 1), dtype=pl.Int64),
        pl.lit(None, pl.String).alias(RAW),
    )
    return RawBatch(
        conform(rows, contract),
        pl.DataFrame(schema=REJECT_SCHEMA),
        {export.label: "parquet"},
        {export.label: frame.height},
        rebuild={export.label: RawForm("json", tuple(present))},
    )


# What ``json.dumps`` escapes in a string, and how (other control characters become \\u00XX).
_JSON_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_JSON_SPECIAL = r'[\x00-\x1f"\\]'


def json_object(text: pl.DataFrame) -> pl.Expr:
    """Each row of text columns as ``json.dumps(row, ensure_ascii=False)`` writes it, built
    column-wise (a Python call per row cost more than the rest of the read)."""
    if not text.width:
        return pl.lit("{}")
    found = text.select(
        pl.col(name).str.extract_all(_JSON_SPECIAL).explode().drop_nulls().unique().implode()
        for name in text.columns
    ).row(0)
    pieces = [
        pl.lit(f"{json.dumps(name, ensure_ascii=False)}: ") + _json_string(name, special)
        for name, special in zip(text.columns, found, strict=True)
    ]
    return pl.lit("{") + pl.concat_str(pieces, separator=", ") + pl.lit("}")


def _json_string(name: str, special: list[str]) -> pl.Expr:
    """A text column's values as JSON strings (``null`` where null), escaped like json.dumps;
    ``special`` lists the characters needing escapes that the column holds."""
    value = pl.col(name)
    for char in sorted(set(special), key=lambda c: c != "\\"):  # the backslash first
        escaped = _JSON_ESCAPES.get(char, f"\\u{ord(char):04x}")
        value = value.str.replace_all(char, escaped, literal=True)
    return (
        pl.when(pl.col(name).is_null())
        .then(pl.lit("null"))
        .otherwise(pl.lit('"') + value + pl.lit('"'))
    )
