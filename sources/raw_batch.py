"""What every export reader returns, and the steps all formats share.

A reader turns landed files of one table into a ``RawBatch``: the rows as text (one string
column per contract column, exactly as sent) with their file, line number and raw text, plus
the lines it could not read at all with a reason. ``sources.readers`` is the entry point;
``read_csv`` and ``read_json`` hold the formats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from sources.contracts import Reason, TableContract

FILE = "_source_file"
LINE = "_source_line"
RAW = "_raw"
REASON = "reason_code"
DETAIL = "reason_detail"
REJECT_SCHEMA = {
    FILE: pl.String,
    LINE: pl.Int64,
    RAW: pl.String,
    REASON: pl.String,
    DETAIL: pl.String,
}


@dataclass(frozen=True)
class ExportFile:
    """A landed file and the label its rows carry (its path relative to the landing zone)."""

    path: Path
    label: str


@dataclass(frozen=True)
class RawForm:
    """How a file's row reads as text: a CSV line of ``columns`` in that order, or a JSON
    object of them (Parquet, as ``json.dumps`` writes it)."""

    kind: Literal["csv", "json"]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class RawBatch:
    """What a set of export files held, as text, before any typing."""

    rows: pl.DataFrame  # contract columns as strings + _source_file, _source_line, _raw
    rejects: pl.DataFrame  # REJECT_SCHEMA: lines no reader could split into fields
    encodings: dict[str, str]  # label -> encoding the file was read in
    landed: dict[str, int]  # label -> physical data lines (or records) the file holds
    # label -> how to rebuild the text of the files whose rows carry no ``_raw``: it is
    # rebuilt from the fields (``rebuilt_raw_text``) for the few rows validation quarantines
    rebuild: dict[str, RawForm] = field(default_factory=dict)


class UnreadableFile(Exception):
    """A file that is not an export of this table at all (e.g. missing required columns)."""


def text_schema(contract: TableContract) -> dict[str, pl.DataType]:
    """The rows' schema before typing: every contract column as text, plus lineage."""
    return {name: pl.String() for name in contract.column_names} | {
        FILE: pl.String(),
        LINE: pl.Int64(),
        RAW: pl.String(),
    }


def concat_batches(parts: list[RawBatch], contract: TableContract) -> RawBatch:
    """One batch of several (files read apart, or in groups), empty parts left out."""
    rows = [p.rows for p in parts if p.rows.height]
    rejects = [p.rejects for p in parts if p.rejects.height]
    return RawBatch(
        rows=pl.concat(rows) if rows else pl.DataFrame(schema=text_schema(contract)),
        rejects=pl.concat(rejects) if rejects else pl.DataFrame(schema=REJECT_SCHEMA),
        encodings={k: v for p in parts for k, v in p.encodings.items()},
        landed={k: v for p in parts for k, v in p.landed.items()},
        rebuild={k: v for p in parts for k, v in p.rebuild.items()},
    )


def rejects_frame(records: list[tuple[str, int, str, str, str]]) -> pl.DataFrame:
    """Unreadable lines as (label, line, raw text, reason, detail) rows."""
    return pl.DataFrame(records, schema=REJECT_SCHEMA, orient="row")


def conform(rows: pl.DataFrame, contract: TableContract) -> pl.DataFrame:
    """Select the contract's columns as strings; columns the export lacks become null."""
    columns = [
        (pl.col(name).cast(pl.String) if name in rows.columns else pl.lit(None, pl.String)).alias(
            name
        )
        for name in contract.column_names
    ]
    lineage = [
        pl.col(FILE).cast(pl.String),
        pl.col(LINE).cast(pl.Int64),
        pl.col(RAW).cast(pl.String),
    ]
    return rows.select(*columns, *lineage)


def check_header(label: str, present: Sequence[str], contract: TableContract) -> None:
    missing = [name for name in contract.required_columns if name not in present]
    if missing:
        raise UnreadableFile(f"{label}: required columns missing from the export: {missing}")


def unreadable(export: ExportFile, error: Exception) -> RawBatch:
    """A file that is not this table at all: quarantine every line of it, text intact."""
    text = export.path.read_bytes().decode("utf-8", errors="backslashreplace")
    lines = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    records = [
        (export.label, n, line, Reason.SCHEMA_MISMATCH.value, str(error)[:300]) for n, line in lines
    ]
    return RawBatch(
        rows=pl.DataFrame(),
        rejects=rejects_frame(records),
        encodings={export.label: "unknown"},
        landed={export.label: len(lines)},
    )


def guard(
    reader: Callable[[ExportFile, TableContract], RawBatch],
    export: ExportFile,
    contract: TableContract,
) -> RawBatch:
    """``reader`` on one file; a file that is not this table is quarantined whole."""
    try:
        return reader(export, contract)
    except UnreadableFile as error:
        return unreadable(export, error)
