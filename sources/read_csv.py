"""CSV exports (UTF-8 or GBK), read with DuckDB's reader, every rejected line kept.

Files sharing a header are read in one ``read_csv`` call; each file is decoded, staged and its
text let go before the next, so a batch never holds all its texts at once.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from sources.contracts import Reason, TableContract
from sources.raw_batch import (
    FILE,
    LINE,
    RAW,
    ExportFile,
    RawBatch,
    RawForm,
    UnreadableFile,
    check_header,
    concat_batches,
    conform,
    rejects_frame,
    unreadable,
)

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
                check_header(export.label, item.header, contract)
            except UnreadableFile as error:
                parts.append(unreadable(export, error))
                continue
            staged = _stage(item, Path(scratch), index)
            del item
            by_header.setdefault(staged.header, []).append(staged)
        for header, group in by_header.items():
            parts.append(_read_csv_group(group, header, contract))
    return concat_batches(parts, contract)


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
    # the contract drops: then the fields to rebuild it from are gone after ``conform``.
    lazy = set(header) <= set(contract.column_names)
    raw = pl.lit(None, pl.String) if lazy else csv_line(header)
    rows = rows.with_columns(_line_numbers(group, rows, rejects), raw.alias(RAW))
    landed = {item.export.label: item.data_lines + len(item.undecodable) for item in group}
    return RawBatch(
        rows=conform(rows, contract),
        rejects=rejects_frame(rejects),
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


def csv_line(header: Sequence[str]) -> pl.Expr:
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


def csv_text(rows: list[list[str]]) -> str:
    """Render rows as CSV text the way exports are written (tests and tools use it)."""
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
