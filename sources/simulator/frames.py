"""The frame writer: one day's CSV export of a high-volume table, written by polars.

Track points, credit ratings, 12345 tickets and grid events run to millions of rows, too many
for the row-dict path of ``writers.write_export``. Their generators hand over a polars frame
(typed columns, or export text already); the clean lines come from polars in one pass, and
each row hit by the defect rate is rendered alone by ``writers.render`` (so it breaks for
exactly one reason, as in the row writer) and spliced in place of its clean line. Layout,
ledger and line numbering are those of ``write_export``, and a clean frame gives the same
bytes as the row writer would.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from sources.contracts import Reason, TableContract
from sources.simulator import defects
from sources.simulator.writers import LedgerEntry, WrittenFile, export_path, render

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def export_text(frame: pl.DataFrame, contract: TableContract) -> pl.DataFrame:
    """The frame's contract columns as export text: bools 1/0, dates and timestamps in the
    export formats, null (an empty field) for missing or empty values."""
    schema = frame.schema
    key = (contract.table_name, tuple((name, schema[name]) for name in contract.column_names))
    if key not in _TEXT_EXPRESSIONS:  # built once per table and schema, not once per day
        _TEXT_EXPRESSIONS[key] = _text_expressions(key[1])
    return frame.select(_TEXT_EXPRESSIONS[key])


_TEXT_EXPRESSIONS: dict[tuple[str, tuple[tuple[str, pl.DataType], ...]], list[pl.Expr]] = {}


def _text_expressions(columns: tuple[tuple[str, pl.DataType], ...]) -> list[pl.Expr]:
    expressions = []
    for name, dtype in columns:
        column = pl.col(name)
        if dtype == pl.Boolean:
            text = pl.when(column).then(pl.lit("1")).when(~column).then(pl.lit("0"))
        elif dtype == pl.Date:
            text = column.dt.strftime(DATE_FORMAT)
        elif isinstance(dtype, pl.Datetime):
            text = column.dt.strftime(TIMESTAMP_FORMAT)
        else:
            text = column.cast(pl.String)
        expressions.append(pl.when(text == "").then(None).otherwise(text).alias(name))
    return expressions


def write_frame(
    landing: Path,
    contract: TableContract,
    day: date,
    frame: pl.DataFrame,
    rng: np.random.Generator,
    defect_rate: float,
    encoding: str = "utf-8",
) -> WrittenFile:
    """Write one day's export of ``contract`` from ``frame`` and return its ledger."""
    if contract.formats[0] == "parquet":
        return _write_parquet(landing, contract, day, frame, rng, defect_rate)
    if contract.formats[0] != "csv":
        raise ValueError(f"{contract.table_name}: the frame writer writes CSV or Parquet")
    text = export_text(frame, contract)
    lines = text.write_csv(line_terminator="\n").encode(encoding).split(b"\n")[:-1]
    hits = np.flatnonzero(rng.random(text.height) < defect_rate)
    rows = text[hits].to_dicts() if len(hits) else []
    reasons = defects.plan(rows, contract, "csv", rng, 1.0)  # rate 1: every hit gets a reason
    relative = export_path(landing, contract, day).relative_to(landing).as_posix()
    # All hit rows rendered in one call (the random stream is drawn in the same order as
    # row by row): ``rendered[0]`` is the header, then one line per row, two for a DUPLICATE.
    rendered, injected = render(contract, rows, reasons, encoding, rng)
    ledger: list[LedgerEntry] = []
    added = 0  # lines a DUPLICATE inserted before the current one
    for row_index, (line, why) in zip(hits.tolist(), injected, strict=True):
        count = 2 if why == Reason.DUPLICATE else 1
        lines[row_index + 1] = b"\n".join(rendered[line - count:line])
        first = row_index + 2 + added  # physical line of the row, the header being line 1
        ledger.append(LedgerEntry(contract.system, contract.entity, relative,
                                  first + count - 1, why))
        added += count - 1
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return WrittenFile(relative, encoding, text.height + added, ledger,
                       _resend(frame, hits, reasons))


def _resend(frame: pl.DataFrame, hits: np.ndarray, reasons: list[Reason | None]
            ) -> pl.DataFrame:
    """The typed rows a defect broke, to be sent again (a repeated row loses nothing)."""
    broken = [i for i, reason in zip(hits.tolist(), reasons, strict=True)
              if reason is not None and reason != Reason.DUPLICATE]
    return frame[broken]


def _write_parquet(landing: Path, contract: TableContract, day: date, frame: pl.DataFrame,
                   rng: np.random.Generator, defect_rate: float) -> WrittenFile:
    """One day's Parquet export: every column as export text, the way extract tools
    (DataX and the like) dump a system's tables, so a value can be as wrong as in a CSV.

    A Parquet file has no physical lines; a row's "line" is its 1-based position, which is
    what the reader reports. Defects are value-level (or a repeated row) and the ledger names
    the position of the defective row, or of the second copy for a DUPLICATE.
    """
    text = export_text(frame, contract)
    hits = np.flatnonzero(rng.random(text.height) < defect_rate)
    rows = text[hits].to_dicts() if len(hits) else []
    reasons = defects.plan(rows, contract, "parquet", rng, 1.0)
    relative = export_path(landing, contract, day).relative_to(landing).as_posix()
    parts: list[pl.DataFrame] = []
    ledger: list[LedgerEntry] = []
    taken = 0
    for row_index, row, reason in zip(hits.tolist(), rows, reasons, strict=True):
        parts.append(text.slice(taken, row_index - taken))
        if reason == Reason.DUPLICATE:
            replacement = [row, row]
        else:
            replacement = [defects.spoil(row, reason, contract, rng).row]
        parts.append(pl.DataFrame([{k: _text(v) for k, v in r.items()} for r in replacement],
                                  schema=text.schema))
        taken = row_index + 1
        position = sum(part.height for part in parts)
        ledger.append(LedgerEntry(contract.system, contract.entity, relative, position, reason))
    parts.append(text.slice(taken))
    written = pl.concat(parts) if len(parts) > 1 else parts[0]
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    written.write_parquet(path, compression="zstd", statistics=False)
    return WrittenFile(relative, "utf-8", written.height, ledger, _resend(frame, hits, reasons))


def _text(value: object) -> str | None:
    """A spoiled value as export text (spoil may put numbers back into a text row)."""
    if value is None:
        return None
    return str(value)
