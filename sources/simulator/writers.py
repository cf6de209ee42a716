"""Daily export files in the landing zone, with their defects and the ledger of defects.

Layout (the contract with the ingest path): ``<landing>/<system>/<YYYY-MM-DD>/<entity>.<ext>``.
The ledger of injected defects lives outside the landing zone, at
``<landing>/../simulator/defects.csv``, so the ingest path never mistakes it for an export.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import polars as pl

from sources.contracts import Reason, TableContract
from sources.simulator import defects
from sources.simulator.formats import (
    Row,
    csv_cells,
    csv_line,
    csv_text,
    header_line,
    json_line,
)

EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}
LEDGER_COLUMNS = ("system", "entity", "file", "line", "reason")


@dataclass(frozen=True)
class LedgerEntry:
    system: str
    entity: str
    file: str  # relative to the landing zone, '/'-separated
    line: int  # 1-based physical line; a CSV header is line 1
    reason: Reason


@dataclass(frozen=True)
class WrittenFile:
    relative: str
    encoding: str
    rows: int  # physical data lines (defective ones included)
    ledger: list[LedgerEntry]
    # Clean twins of the rows a defect broke (a repeated row loses nothing): the system
    # sends them again with the next day's export once the data desk reports them back.
    resend: list[Row] | pl.DataFrame | None = field(default=None, compare=False)


def export_path(landing: Path, contract: TableContract, day: date) -> Path:
    fmt = contract.formats[0]
    if fmt not in EXTENSIONS:
        raise ValueError(f"{contract.table_name}: the simulator cannot write {fmt}")
    return landing / contract.system / day.isoformat() / f"{contract.entity}.{EXTENSIONS[fmt]}"


def write_export(landing: Path, contract: TableContract, day: date, rows: list[Row],
                 encoding: str, rng: np.random.Generator, defect_rate: float) -> WrittenFile:
    """Write one day's export of one table; defects are planned and rendered here."""
    fmt = contract.formats[0]
    reasons = defects.plan(rows, contract, fmt, rng, defect_rate)
    lines, injected = render(contract, rows, reasons, encoding, rng)
    path = export_path(landing, contract, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines) + b"\n" if lines else b"")
    relative = path.relative_to(landing).as_posix()
    ledger = [LedgerEntry(contract.system, contract.entity, relative, line, reason)
              for line, reason in injected]
    header = 1 if fmt == "csv" else 0
    resend = [rows[i] for i, reason in enumerate(reasons)
              if reason is not None and reason != Reason.DUPLICATE]
    return WrittenFile(relative, encoding, len(lines) - header, ledger, resend)


def render(contract: TableContract, rows: list[Row], reasons: list[Reason | None],
           encoding: str, rng: np.random.Generator) -> tuple[list[bytes], list[tuple[int, Reason]]]:
    """Encoded lines of a file (without their '\\n') and the (line number, reason) of every
    defect in it.

    The clean rows are rendered and encoded in one pass (C code: the csv writer, one encode,
    one split); only the defective rows, in file order, are rendered alone, so the random
    stream is drawn in the same order as row by row."""
    fmt = contract.formats[0]
    lines = [header_line(contract).rstrip("\n").encode(encoding)] if fmt == "csv" else []
    text = csv_text(rows, contract) if fmt == "csv" else "".join(
        [json_line(r, contract) for r in rows])
    clean = text.encode(encoding).split(b"\n")[:-1] if rows else []
    injected: list[tuple[int, Reason]] = []
    taken = 0
    for index, reason in enumerate(reasons):
        if reason is None:
            continue
        lines.extend(clean[taken:index])
        taken = index + 1
        row = rows[index]
        if reason == Reason.DUPLICATE:
            lines.extend((clean[index], clean[index]))
        elif reason == Reason.MALFORMED_ROW:
            lines.append(_malformed(row, contract, fmt, rng).encode(encoding).removesuffix(b"\n"))
        else:
            spoiled = defects.spoil(row, reason, contract, rng)
            data = _line(spoiled.row, contract, fmt).encode(encoding).removesuffix(b"\n")
            if spoiled.encoding_column is not None:
                sentinel = defects.ENCODING_SENTINEL.encode(encoding)
                if data.count(sentinel) != 1:
                    raise AssertionError("the encoding sentinel must occur exactly once")
                data = data.replace(sentinel, defects.INVALID_BYTES)
            lines.append(data)
        injected.append((len(lines), reason))
    lines.extend(clean[taken:])
    return lines, injected


def _line(row: Row, contract: TableContract, fmt: str) -> str:
    return csv_line(csv_cells(row, contract)) if fmt == "csv" else json_line(row, contract)


def _malformed(row: Row, contract: TableContract, fmt: str, rng: np.random.Generator) -> str:
    """A CSV line cut after a field boundary (too few fields), or a JSON object cut in half."""
    if fmt == "csv":
        cells = csv_cells(row, contract)
        return csv_line(cells[: int(rng.integers(2, len(cells)))])
    text = json_line(row, contract).rstrip("\n")
    return text[: len(text) // 2] + "\n"


def write_ledger(path: Path, entries: list[LedgerEntry]) -> None:
    """The ground truth the ingest path's quarantine must match, row for row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(entries, key=lambda e: (e.system, e.entity, e.file, e.line))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LEDGER_COLUMNS)
        for entry in ordered:
            writer.writerow((entry.system, entry.entity, entry.file, entry.line, entry.reason))
