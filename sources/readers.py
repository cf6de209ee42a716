"""Readers for the export formats upstream systems send: CSV (UTF-8 or GBK), JSON Lines, Parquet.

Every reader returns the same thing: the file's rows as text (one string column per contract
column, exactly as sent) with their line numbers and raw text, plus the lines it could not read
at all (wrong field count, cut JSON, undecodable bytes) with a reason. Typing and validation
happen afterwards, once, for every format (see ``sources.validate``); keeping the values as
text until then means a bad value is reported, never silently coerced.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from sources.contracts import Reason, TableContract

LINE = "_source_line"
RAW = "_raw"
REASON = "reason_code"
DETAIL = "reason_detail"
REJECT_SCHEMA = {LINE: pl.Int64, RAW: pl.String, REASON: pl.String, DETAIL: pl.String}

# DuckDB's names for the CSV lines it cannot parse, mapped to our reason codes.
_DUCKDB_CSV_ERRORS = {
    "MISSING COLUMNS": Reason.MALFORMED_ROW,
    "TOO MANY COLUMNS": Reason.MALFORMED_ROW,
    "UNQUOTED VALUE": Reason.MALFORMED_ROW,
    "LINE SIZE OVER MAXIMUM": Reason.MALFORMED_ROW,
    "INVALID ENCODING": Reason.BAD_ENCODING,
    "INVALID UNICODE": Reason.BAD_ENCODING,
}


@dataclass(frozen=True)
class RawFile:
    """What one export file held, as text, before any typing."""

    path: Path
    encoding: str
    rows: pl.DataFrame  # contract columns as strings + _source_line + _raw
    rejects: pl.DataFrame  # _source_line, _raw, reason_code, reason_detail

    @property
    def landed(self) -> int:
        return self.rows.height + self.rejects.height


class UnreadableFile(Exception):
    """A file that is not an export of this table at all (e.g. missing required columns)."""


def read_export(path: Path, contract: TableContract) -> RawFile:
    """Read one landed file with the reader its extension calls for."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, contract)
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(path, contract)
    if suffix == ".parquet":
        return read_parquet(path, contract)
    raise UnreadableFile(f"{path.name}: unsupported export format {suffix!r}")


def _empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECT_SCHEMA)


def _reject_frame(records: list[tuple[int, str, str, str]]) -> pl.DataFrame:
    if not records:
        return _empty_rejects()
    return pl.DataFrame(records, schema=REJECT_SCHEMA, orient="row")


def _conform(rows: pl.DataFrame, contract: TableContract) -> pl.DataFrame:
    """Select the contract's columns as strings; columns the export lacks become null."""
    columns = [
        (pl.col(name).cast(pl.String) if name in rows.columns else pl.lit(None, pl.String)).alias(
            name
        )
        for name in contract.column_names
    ]
    return rows.select(*columns, pl.col(LINE).cast(pl.Int64), pl.col(RAW).cast(pl.String))


def _check_header(path: Path, present: list[str], contract: TableContract) -> None:
    missing = [name for name in contract.required_columns if name not in present]
    if missing:
        raise UnreadableFile(f"{path.name}: required columns missing from the export: {missing}")


# ---------------------------------------------------------------------------------------- CSV


def _decode_csv(data: bytes) -> tuple[str, str, list[tuple[int, bytes]]]:
    """Decode a CSV export: UTF-8 if it is, else GBK, line by line for the lines that fail.

    Returns the text of every decodable line, the encoding chosen for the file, and the lines
    (1-based number, raw bytes) that decode in neither.
    """
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8_ok = sum(1 for line in lines if _decodes(line, "utf-8"))
    gbk_ok = sum(1 for line in lines if _decodes(line, "gbk"))
    encoding = "gbk" if gbk_ok > utf8_ok else "utf-8"
    kept: list[str] = []
    bad: list[tuple[int, bytes]] = []
    for number, line in enumerate(lines, start=1):
        try:
            kept.append(line.decode(encoding))
        except UnicodeDecodeError:
            bad.append((number, line))
            kept.append("")  # keeps physical line numbers aligned; blank lines are skipped
    return "\n".join(kept), encoding, bad


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def read_csv(path: Path, contract: TableContract) -> RawFile:
    """Read a CSV export with DuckDB's reader, keeping every line it rejects.

    DuckDB's ``store_rejects`` gives the exact line and text of structurally broken rows;
    the remaining rows come back as text in file order, and get their physical line numbers
    from the gaps the rejected lines leave.
    """
    text, encoding, undecodable = _decode_csv(path.read_bytes())
    header_line, _, _ = text.partition("\n")
    header = next(csv.reader([header_line.lstrip("\ufeff")]), [])
    _check_header(path, header, contract)
    with tempfile.TemporaryDirectory() as scratch:
        utf8_path = Path(scratch) / "export.csv"
        utf8_path.write_text(text, encoding="utf-8")
        rows, structural = _duckdb_csv(utf8_path, header)
    rejects = [
        (number, raw.decode(encoding, errors="backslashreplace"), Reason.BAD_ENCODING.value,
         f"line does not decode as {encoding}")
        for number, raw in undecodable
    ]
    rejects += structural
    blank_lines = {n for n, line in enumerate(text.split("\n"), start=1) if not line.strip()}
    rejected_lines = {number for number, *_ in rejects}
    data_lines = [
        n for n in range(2, text.count("\n") + 2) if n not in rejected_lines | blank_lines
    ]
    if len(data_lines) != rows.height:  # a quoted field spanning lines: fall back to ordinals
        data_lines = list(range(2, rows.height + 2))
    rows = rows.with_columns(
        pl.Series(LINE, data_lines[: rows.height], dtype=pl.Int64),
        _csv_raw_text(header).alias(RAW),
    )
    return RawFile(path, encoding, _conform(rows, contract), _reject_frame(rejects))


def _duckdb_csv(path: Path, header: list[str]) -> tuple[pl.DataFrame, list[tuple]]:
    columns = {name: "VARCHAR" for name in header}
    with duckdb.connect() as con:
        relation = con.sql(
            "select * from read_csv(?, header = true, auto_detect = false, columns = ?, "
            "delim = ',', quote = '\"', escape = '\"', store_rejects = true, "
            "rejects_table = 'rejects', rejects_scan = 'reject_scans', "
            "skip = 0, null_padding = false)",
            params=[str(path), columns],
        )
        rows = relation.pl()
        rejected = con.execute(
            "select line, csv_line, error_type, error_message from rejects order by line"
        ).fetchall()
    seen: set[int] = set()
    structural = []
    for line, raw, error_type, message in rejected:
        if line in seen:  # DuckDB may report several errors for one line
            continue
        seen.add(line)
        reason = _DUCKDB_CSV_ERRORS.get(error_type, Reason.MALFORMED_ROW)
        structural.append((int(line), raw, reason.value, f"{error_type}: {message}"[:300]))
    return rows, structural


def _csv_raw_text(header: list[str]) -> pl.Expr:
    """Rebuild each row's CSV line from its fields, quoted the way the csv module would."""
    quoted = [
        pl.when(pl.col(name).str.contains(r'[",\r\n]'))
        .then(pl.lit('"') + pl.col(name).str.replace_all('"', '""', literal=True) + pl.lit('"'))
        .otherwise(pl.col(name).fill_null(""))
        for name in header
    ]
    return pl.concat_str(quoted, separator=",")


# ---------------------------------------------------------------------------------- JSON Lines


def read_jsonl(path: Path, contract: TableContract) -> RawFile:
    """Read JSON Lines; a line that is not a JSON object is rejected with its text."""
    records: list[dict[str, str | None]] = []
    rejects: list[tuple[int, str, str, str]] = []
    data = path.read_bytes()
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        if not raw_line.strip():
            continue
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            text = raw_line.decode("utf-8", errors="backslashreplace")
            rejects.append((number, text, Reason.BAD_ENCODING.value, "line is not UTF-8"))
            continue
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError as error:
            rejects.append((number, line, Reason.MALFORMED_ROW.value, f"invalid JSON: {error}"))
            continue
        if not isinstance(parsed, dict):
            rejects.append((number, line, Reason.MALFORMED_ROW.value, "not a JSON object"))
            continue
        record = {name: _json_text(parsed.get(name)) for name in contract.column_names}
        record[LINE] = number  # type: ignore[assignment]
        record[RAW] = line
        records.append(record)
    schema = {name: pl.String for name in contract.column_names} | {LINE: pl.Int64, RAW: pl.String}
    rows = pl.DataFrame(records, schema=schema)
    return RawFile(path, "utf-8", rows, _reject_frame(rejects))


def _json_text(value: object) -> str | None:
    """A JSON value as the text a CSV export would carry (bools as 1/0)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# ------------------------------------------------------------------------------------- Parquet


def read_parquet(path: Path, contract: TableContract) -> RawFile:
    """Read Parquet; values are cast to text so validation treats every format alike."""
    frame = pl.read_parquet(path)
    _check_header(path, frame.columns, contract)
    present = [name for name in contract.column_names if name in frame.columns]
    text = frame.select(pl.col(name).cast(pl.String) for name in present)
    raw = [json.dumps(row, ensure_ascii=False, default=str) for row in text.iter_rows(named=True)]
    rows = text.with_columns(
        pl.Series(LINE, range(1, frame.height + 1), dtype=pl.Int64),
        pl.Series(RAW, raw, dtype=pl.String),
    )
    return RawFile(path, "parquet", _conform(rows, contract), _empty_rejects())


def csv_text(rows: list[list[str]]) -> str:
    """Render rows as CSV text the way exports are written (used by tests and the simulator)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
