"""Readers for the export formats upstream systems send: CSV (UTF-8 or GBK), JSON Lines, Parquet.

Every reader returns the same thing: the rows as text (one string column per contract column,
exactly as sent) with their file, line number and raw text, plus the lines it could not read
at all (wrong field count, cut JSON, undecodable bytes) with a reason. Typing and validation
happen afterwards, once per batch, for every format (see ``sources.validate``): keeping values
as text until then means a bad value is reported, never silently coerced.

Files are read in batches (a backfill reads hundreds of daily files at once) because the fixed
cost of a read, not the rows, dominates small daily exports.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from sources.contracts import TableContract
from sources.raw_batch import (
    DETAIL,
    FILE,
    LINE,
    RAW,
    REASON,
    REJECT_SCHEMA,
    ExportFile,
    RawBatch,
    RawForm,
    UnreadableFile,
    concat_batches,
    guard,
    unreadable,
)
from sources.read_csv import csv_line, csv_text, read_csv_files
from sources.read_json import json_object, read_jsonl, read_parquet

__all__ = [
    "DETAIL", "FILE", "LINE", "RAW", "REASON", "REJECT_SCHEMA", "ExportFile", "RawBatch",
    "RawForm", "UnreadableFile", "csv_text", "read_csv_files", "read_exports", "read_jsonl",
    "read_parquet", "rebuilt_raw_text",
]


def read_exports(files: Sequence[ExportFile], contract: TableContract) -> RawBatch:
    """Read files of one table, whatever their formats, into one batch."""
    parts: list[RawBatch] = []
    csv_files = [f for f in files if f.path.suffix.lower() == ".csv"]
    if csv_files:
        parts.append(read_csv_files(csv_files, contract))
    for export in files:
        suffix = export.path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            parts.append(read_jsonl(export, contract))
        elif suffix == ".parquet":
            parts.append(guard(read_parquet, export, contract))
        elif suffix != ".csv":
            parts.append(unreadable(export, UnreadableFile(f"unsupported format {suffix!r}")))
    return concat_batches(parts, contract)


def rebuilt_raw_text(rebuild: dict[str, RawForm], rows: pl.DataFrame) -> pl.Expr:
    """``_raw`` of ``rows`` with the text of rows read lazily (``RawBatch.rebuild``) rebuilt
    from their fields, file by file in each file's form; other rows keep theirs."""
    by_form: dict[RawForm, list[str]] = {}
    for label, form in rebuild.items():
        by_form.setdefault(form, []).append(label)
    rebuilt: pl.Expr = pl.lit(None, pl.String)
    for form, labels in by_form.items():
        text = (
            csv_line(form.columns)
            if form.kind == "csv"
            else json_object(rows.select(pl.col(name) for name in form.columns))
        )
        rebuilt = pl.when(pl.col(FILE).is_in(labels)).then(text).otherwise(rebuilt)
    return pl.coalesce(pl.col(RAW), rebuilt)
