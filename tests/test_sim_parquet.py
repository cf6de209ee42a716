"""The Parquet frame writer: value-level defects only, and a ledger the reader agrees with.

Some upstream systems deliver Parquet dumps (approval steps, checklist lines). A row there
has no physical line, so the ledger names its 1-based position, which is what the reader
reports; and since nothing can be cut or mis-encoded, only value-level reasons (and repeated
rows) may be injected.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources.contracts import Reason
from sources.readers import ExportFile, read_exports
from sources.simulator import complaints
from sources.simulator.frames import write_frame
from sources.simulator.timeline import months
from sources.simulator.world import build_world
from sources.systems.complaints import TICKETS
from sources.validate import validate_batch

PARQUET_TICKETS = dataclasses.replace(TICKETS, formats=("parquet",))
MONTH = months(date(2021, 6, 1), date(2021, 6, 30))[0]


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list, list[ExportFile], int]:
    world = build_world(20220620, 0.01)
    exports = complaints.generate_month(world, MONTH, 0.01, date(2022, 6, 30))
    frames = exports.frames[TICKETS.table_name]
    root = tmp_path_factory.mktemp("parquet") / "landing"
    ledger, files, clean_rows = [], [], 0
    for day in MONTH.days:
        frame = frames.get(day, pl.DataFrame(schema=next(iter(frames.values())).schema))
        clean_rows += frame.height
        written = write_frame(root, PARQUET_TICKETS, day, frame,
                              np.random.default_rng(day.toordinal()), 0.05)
        ledger += written.ledger
        files.append(ExportFile(root / written.relative, written.relative))
    return root, ledger, files, clean_rows


def test_files_are_parquet_with_every_row(landed) -> None:
    root, ledger, files, clean_rows = landed
    assert all(f.path.suffix == ".parquet" for f in files)
    heights = sum(pl.read_parquet(f.path).height for f in files)
    duplicates = sum(e.reason == Reason.DUPLICATE for e in ledger)
    assert heights == clean_rows + duplicates


def test_only_value_level_defects_are_injected(landed) -> None:
    _, ledger, _, _ = landed
    reasons = {e.reason for e in ledger}
    assert len(ledger) > 20
    assert Reason.MALFORMED_ROW not in reasons and Reason.BAD_ENCODING not in reasons
    assert {Reason.MISSING_REQUIRED, Reason.DUPLICATE, Reason.BAD_TYPE} <= reasons


def test_quarantine_equals_the_ledger(landed) -> None:
    _, ledger, files, _ = landed
    batch = validate_batch(PARQUET_TICKETS, read_exports(files, PARQUET_TICKETS))
    quarantined = {(row["_source_file"], row["_source_line"], row["reason_code"])
                   for row in batch.quarantined.iter_rows(named=True)}
    expected = {(e.file, e.line, e.reason.value) for e in ledger}
    assert quarantined == expected
    assert batch.loaded.height + batch.quarantined.height == sum(
        pl.read_parquet(f.path).height for f in files)
