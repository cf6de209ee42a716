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

import csv
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
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
            parts.append(_guard(read_parquet, export, contract))
        elif suffix != ".csv":
            parts.append(_unreadable(export, UnreadableFile(f"unsupported format {suffix!r}")))
    return _concat(parts, contract)


def _text_schema(contract: TableContract) -> dict[str, pl.DataType]:
    return {name: pl.String() for name in contract.column_names} | {
        FILE: pl.String(),
        LINE: pl.Int64(),
        RAW: pl.String(),
    }


def _concat(parts: list[RawBatch], contract: TableContract) -> RawBatch:
    rows = [p.rows for p in parts if p.rows.height]
    rejects = [p.rejects for p in parts if p.rejects.height]
    return RawBatch(
        rows=pl.concat(rows) if rows else pl.DataFrame(schema=_text_schema(contract)),
        rejects=pl.concat(rejects) if rejects else pl.DataFrame(schema=REJECT_SCHEMA),
        encodings={k: v for p in parts for k, v in p.encodings.items()},
        landed={k: v for p in parts for k, v in p.landed.items()},
        rebuild={k: v for p in parts for k, v in p.rebuild.items()},
    )


def _rejects(records: list[tuple[str, int, str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=REJECT_SCHEMA, orient="row")


def _conform(rows: pl.DataFrame, contract: TableContract) -> pl.DataFrame:
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


def _check_header(label: str, present: Sequence[str], contract: TableContract) -> None:
    missing = [name for name in contract.required_columns if name not in present]
    if missing:
        raise UnreadableFile(f"{label}: required columns missing from the export: {missing}")


def _unreadable(export: ExportFile, error: Exception) -> RawBatch:
    """A file that is not this table at all: quarantine every line of it, text intact."""
    text = export.path.read_bytes().decode("utf-8", errors="backslashreplace")
    lines = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    records = [
        (export.label, n, line, Reason.SCHEMA_MISMATCH.value, str(error)[:300]) for n, line in lines
    ]
    return RawBatch(
        rows=pl.DataFrame(),
        rejects=_rejects(records),
        encodings={export.label: "unknown"},
        landed={export.label: len(lines)},
    )


def _guard(reader, export: ExportFile, contract: TableContract) -> RawBatch:  # noqa: ANN001
    try:
        return reader(export, contract)
    except UnreadableFile as error:
        return _unreadable(export, error)


# ---------------------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class _DecodedCsv:
    export: ExportFile
    text: str
    encoding: str
    header: tuple[str, ...]
    undecodable: list[tuple[int, bytes]]


def _decode_csv(export: ExportFile) -> _DecodedCsv:
    """Decode a CSV export: UTF-8 if it is, else GBK; lines that decode in neither are kept
    aside (as blank lines in the text, so physical line numbers stay aligned).

    The encoding is the one more lines decode in. Both codecs resynchronise at every line
    break (a newline byte is never part of a multi-byte character), so the lines that fail
    are found by decoding the file from line to failing line rather than line by line.
    """
    data = export.path.read_bytes()
    try:
        text, encoding, bad = data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        utf8_bad = _undecodable_lines(data, "utf-8")
        # GBK only wins with fewer bad lines: stop counting once it cannot
        gbk_bad = _undecodable_lines(data, "gbk", limit=len(utf8_bad))
        # more lines decode as GBK than as UTF-8 exactly when fewer fail as GBK
        encoding, spans = ("gbk", gbk_bad) if len(gbk_bad) < len(utf8_bad) else ("utf-8", utf8_bad)
        text, bad = _decode_around(data, encoding, spans)
    header_line = text.partition("\n")[0].lstrip("\ufeff").rstrip("\r")
    header = tuple(next(csv.reader([header_line]), []))
    return _DecodedCsv(export, text, encoding, header, bad)


_DECODE_WINDOW = 1 << 16  # most bytes decoded at a time: a failure's exception copies them


def _undecodable_lines(
    data: bytes, encoding: str, limit: int | None = None
) -> list[tuple[int, int, int]]:
    """(line number, start, end) of the lines of ``data`` that do not decode, in order; at
    most ``limit`` of them (the first ones) when a limit is given.

    Decodes windows ending at line breaks, small after a failure and doubling while they
    decode, so a file of mostly bad lines costs about what one of mostly good lines does.
    """
    view = memoryview(data)
    spans: list[tuple[int, int, int]] = []
    position, number, counted, window = 0, 1, 0, _DECODE_WINDOW
    while position < len(data) and (limit is None or len(spans) < limit):
        stop = data.find(b"\n", position + window)  # windows end at a line break
        stop = len(data) if stop < 0 else stop
        try:
            str(view[position:stop], encoding)
            position, window = stop, min(window * 2, _DECODE_WINDOW)
            continue
        except UnicodeDecodeError as error:
            failed = position + error.start
        start = data.rfind(b"\n", 0, failed) + 1
        end = data.find(b"\n", failed)
        end = len(data) if end < 0 else end
        number += data.count(b"\n", counted, start)
        counted = start
        spans.append((number, start, end))
        position, window = end, 64
    return spans


def _decode_around(
    data: bytes, encoding: str, spans: list[tuple[int, int, int]]
) -> tuple[str, list[tuple[int, bytes]]]:
    """The text of ``data`` with the undecodable lines left blank, and those lines' bytes."""
    view = memoryview(data)
    pieces: list[str] = []
    position = 0
    for _, start, end in spans:
        pieces.append(str(view[position:start], encoding))
        position = end
    pieces.append(str(view[position:], encoding))
    return "".join(pieces), [(number, data[start:end]) for number, start, end in spans]


@dataclass(frozen=True)
class _StagedCsv:
    """A decoded CSV export reduced to what reading it needs, its text let go: the file
    DuckDB reads (the export itself, or a UTF-8 copy) and the line facts of the text.

    Holding every decoded text of a batch until DuckDB had read them cost ~800 MiB at full
    scale (384 MiB of track points), on top of the rows themselves (measured, session 7)."""

    export: ExportFile
    encoding: str
    header: tuple[str, ...]
    undecodable: list[tuple[int, bytes]]
    read_path: str
    newlines: int
    blank_lines: list[int]

    @property
    def data_lines(self) -> int:
        """Non-blank physical lines after the header."""
        return self.newlines - len(self.blank_lines)


def _stage(item: _DecodedCsv, scratch: Path, index: int) -> _StagedCsv:
    """Keep the line facts of a decoded export; DuckDB reads UTF-8 only, so a GBK file or
    one with undecodable lines is handed over as a transcoded copy in ``scratch``."""
    read_path = str(item.export.path)
    if item.encoding != "utf-8" or item.undecodable:
        copy = scratch / f"{index}.csv"
        copy.write_text(item.text, encoding="utf-8")
        read_path = str(copy)
    return _StagedCsv(
        item.export,
        item.encoding,
        item.header,
        item.undecodable,
        read_path,
        item.text.count("\n"),
        _blank_lines(item.text),
    )


def read_csv_files(files: Sequence[ExportFile], contract: TableContract) -> RawBatch:
    """Read CSV exports with DuckDB's reader, keeping every line it rejects.

    Files sharing a header are read in one ``read_csv`` call. ``store_rejects`` gives the
    exact line and text of structurally broken rows; the other rows come back in file order
    and get their physical line numbers from the gaps rejected and blank lines leave. Each
    file is decoded, staged and its text dropped before the next, so a batch never holds
    all its texts at once.
    """
    parts: list[RawBatch] = []
    by_header: dict[tuple[str, ...], list[_StagedCsv]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for index, export in enumerate(files):
            item = _decode_csv(export)
            try:
                _check_header(export.label, item.header, contract)
            except UnreadableFile as error:
                parts.append(_unreadable(export, error))
                continue
            staged = _stage(item, Path(scratch), index)
            del item
            by_header.setdefault(staged.header, []).append(staged)
        for header, group in by_header.items():
            parts.append(_read_csv_group(group, header, contract))
    return _concat(parts, contract)


def _read_csv_group(
    group: list[_StagedCsv], header: tuple[str, ...], contract: TableContract
) -> RawBatch:
    paths = [item.read_path for item in group]
    rows, structural = _duckdb_read(paths, header)
    label_of = {item.read_path: item.export.label for item in group}
    label_at = {position: item.export.label for position, item in enumerate(group, start=1)}
    rejects = [
        (label_of[path], line, raw, reason, detail)
        for path, line, raw, reason, detail in structural
    ]
    for item in group:
        rejects += [
            (
                item.export.label,
                number,
                raw.decode(item.encoding, errors="backslashreplace"),
                Reason.BAD_ENCODING.value,
                f"line does not decode as {item.encoding}",
            )
            for number, raw in item.undecodable
        ]
    rows = rows.with_columns(
        pl.col("__file").replace_strict(label_at, return_dtype=pl.String).alias(FILE)
    ).drop("__file")
    # A row's text is rebuilt from its fields only if validation quarantines it (building it
    # for every row was a third of a large slice's memory), unless the header holds columns
    # the contract drops: then the fields to rebuild it from are gone after ``_conform``.
    lazy = set(header) <= set(contract.column_names)
    raw = pl.lit(None, pl.String) if lazy else _csv_line(header)
    rows = rows.with_columns(_line_numbers(group, rows, rejects), raw.alias(RAW))
    landed = {item.export.label: item.data_lines + len(item.undecodable) for item in group}
    return RawBatch(
        rows=_conform(rows, contract),
        rejects=_rejects(rejects),
        encodings={item.export.label: item.encoding for item in group},
        landed=landed,
        rebuild={item.export.label: RawForm("csv", header) for item in group} if lazy else {},
    )


# A blank physical line (whitespace only, as ``str.strip`` sees it), found by its leading break.
_BLANK_LINE = re.compile(r"\n[^\S\n]*(?=\n|\Z)")


def _blank_lines(text: str) -> list[int]:
    """Physical numbers of the blank lines after the first."""
    numbers = []
    line, counted = 1, 0
    for match in _BLANK_LINE.finditer(text):
        line += text.count("\n", counted, match.start() + 1)
        counted = match.start() + 1
        numbers.append(line)
    return numbers


def _line_numbers(
    group: list[_StagedCsv], rows: pl.DataFrame, rejects: list[tuple[str, int, str, str, str]]
) -> pl.Series:
    """Physical line numbers of the parsed rows, file by file, from the gaps rejects leave.

    A file where the count does not match (a quoted field spanning lines) gets no line
    numbers rather than wrong ones.
    """
    rejected: dict[str, set[int]] = {}
    for label, line, *_ in rejects:
        rejected.setdefault(label, set()).add(line)
    counts = dict(rows.group_by(FILE, maintain_order=True).len().iter_rows())
    parts: list[np.ndarray] = []
    unnumbered: list[tuple[int, int]] = []  # (offset, length) of files left without numbers
    offset = 0
    for item in group:
        label = item.export.label
        skip = rejected.get(label, set()) | set(item.blank_lines)
        candidates = np.arange(2, item.newlines + 2, dtype=np.int64)
        if skip:
            candidates = candidates[~np.isin(candidates, np.fromiter(skip, dtype=np.int64))]
        expected = counts.get(label, 0)
        if len(candidates) != expected:
            unnumbered.append((offset, expected))
            candidates = np.zeros(expected, dtype=np.int64)
        parts.append(candidates)
        offset += expected
    numbers = pl.Series(LINE, np.concatenate(parts) if parts else [], dtype=pl.Int64)
    if unnumbered:
        blank = np.concatenate([np.arange(o, o + n, dtype=np.int64) for o, n in unnumbered])
        numbers = numbers.scatter(blank, None)
    return numbers


def _duckdb_read(
    paths: list[str], header: tuple[str, ...]
) -> tuple[pl.DataFrame, list[tuple[str, int, str, str, str]]]:
    columns = {name: "VARCHAR" for name in header}
    with duckdb.connect() as con:
        con.execute("set preserve_insertion_order = true")
        rows = con.sql(
            # each row's file as its position in ``paths``: a path string per row cost more
            # memory than the row's fields (profiled on a track-point slice)
            "select * exclude (filename), list_position(?, filename)::uinteger as __file "
            "from read_csv(?, header = true, auto_detect = false, "
            "columns = ?, delim = ',', quote = '\"', escape = '\"', filename = true, "
            "store_rejects = true, rejects_table = 'rejects', rejects_scan = 'reject_scans')",
            params=[paths, paths, columns],
        ).pl()
        rejected = con.execute(
            "select scans.file_path, rejects.line, rejects.csv_line, rejects.error_type, "
            "rejects.error_message from rejects join reject_scans as scans "
            "using (scan_id, file_id) "
            "order by scans.file_path, rejects.line, rejects.column_idx, rejects.error_type"
        ).fetchall()
    seen: set[tuple[str, int]] = set()
    structural = []
    for path, line, raw, error_type, message in rejected:
        if (path, line) in seen:  # DuckDB may report several errors for one line: the first
            continue
        seen.add((path, line))
        reason = _DUCKDB_CSV_ERRORS.get(error_type, Reason.MALFORMED_ROW)
        structural.append((path, int(line), raw, reason.value, f"{error_type}: {message}"[:300]))
    return rows, structural


def _csv_line(header: Sequence[str]) -> pl.Expr:
    """Each row's CSV line rebuilt from its fields in the file's column order, quoted the way
    the csv module would."""
    special = r'[",\r\n]'
    quoted = [
        pl.when(pl.col(name).str.contains(special))
        .then(pl.lit('"') + pl.col(name).str.replace_all('"', '""', literal=True) + pl.lit('"'))
        .otherwise(pl.col(name).fill_null(""))
        for name in header
    ]
    return pl.concat_str(quoted, separator=",")


def rebuilt_raw_text(rebuild: dict[str, RawForm], rows: pl.DataFrame) -> pl.Expr:
    """``_raw`` of ``rows`` with the text of rows read lazily (``RawBatch.rebuild``) rebuilt
    from their fields, file by file in each file's form; other rows keep theirs."""
    by_form: dict[RawForm, list[str]] = {}
    for label, form in rebuild.items():
        by_form.setdefault(form, []).append(label)
    rebuilt: pl.Expr = pl.lit(None, pl.String)
    for form, labels in by_form.items():
        text = (
            _csv_line(form.columns)
            if form.kind == "csv"
            else _json_object(rows.select(pl.col(name) for name in form.columns))
        )
        rebuilt = pl.when(pl.col(FILE).is_in(labels)).then(text).otherwise(rebuilt)
    return pl.coalesce(pl.col(RAW), rebuilt)


# ---------------------------------------------------------------------------------- JSON Lines


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
    rows = pl.DataFrame(data, schema=_text_schema(contract))
    return RawBatch(rows, _rejects(rejects), {label: "utf-8"}, {label: landed})


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


def read_parquet(export: ExportFile, contract: TableContract) -> RawBatch:
    """Read Parquet; values are cast to text so validation treats every format alike."""
    frame = pl.read_parquet(export.path)
    _check_header(export.label, frame.columns, contract)
    present = [name for name in contract.column_names if name in frame.columns]
    text = frame.select(pl.col(name).cast(pl.String) for name in present)
    # the row's text (its JSON object) is rebuilt only if validation quarantines the row
    rows = text.with_columns(
        pl.lit(export.label).alias(FILE),
        pl.Series(LINE, range(1, frame.height + 1), dtype=pl.Int64),
        pl.lit(None, pl.String).alias(RAW),
    )
    return RawBatch(
        _conform(rows, contract),
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


def _json_object(text: pl.DataFrame) -> pl.Expr:
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


def csv_text(rows: list[list[str]]) -> str:
    """Render rows as CSV text the way exports are written (tests and tools use it)."""
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
