"""The frame writer's second process: it writes what the engine would, and fails loudly.

The engine hands the frame tables to ``frame_desk.DeskProcess`` so that writing overlaps
generation. Byte identity of whole runs is checked in ``test_simulator``; here: one day
written through the process equals the same day written in process, and a writer that
fails (here: its landing zone is a file) makes the run fail with the writer's traceback
instead of hanging it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from sources.simulator import generate
from sources.simulator.frame_desk import DeskProcess, DeskSettings, FrameDesk
from sources.simulator.grid_events import datetimes
from sources.systems.drones import TRACK_POINTS
from sources.systems.market import CREDIT_RATINGS

DAY = date(2021, 5, 4)


def _tracks() -> pl.DataFrame:
    """Twenty track points of one flight on ``DAY``, in the generator's types."""
    n = 20
    return pl.DataFrame({
        "flight_id": ["FL1"] * n, "seq": list(range(1, n + 1)),
        "recorded_at": datetimes([1_620_086_400 + 60 * i for i in range(n)]),
        "lat": [28.9 + i / 1000 for i in range(n)], "lon": [118.87] * n,
        "altitude_m": [120.0] * n, "speed_mps": [8.5] * n,
    }).select(TRACK_POINTS.column_names)


def _settings(landing: Path) -> DeskSettings:
    return DeskSettings(landing, 7, DAY, 0.5, (TRACK_POINTS, CREDIT_RATINGS), 3)


def test_the_process_writes_what_the_desk_writes_in_process(tmp_path: Path) -> None:
    here = FrameDesk(_settings(tmp_path / "here"))
    here.write_days({DAY: {TRACK_POINTS.table_name: _tracks()}})
    process = DeskProcess(_settings(tmp_path / "there"))
    try:
        process.write_days({DAY: {TRACK_POINTS.table_name: _tracks()}})
        results = process.finish()
    finally:
        process.close()
    assert [(r.day, r.order, r.table, r.rows, r.ledger) for r in results] == [
        (r.day, r.order, r.table, r.rows, r.ledger) for r in here.results]
    assert [r.order for r in results] == [3, 4]  # track points, then the other table
    assert results[0].ledger  # at a defect rate of 0.5, the defects went through too
    for result in results:
        contract = TRACK_POINTS if result.table == TRACK_POINTS.table_name else CREDIT_RATINGS
        relative = f"{contract.system}/{DAY.isoformat()}/{contract.entity}.csv"
        there = (tmp_path / "there" / relative).read_bytes()
        assert there == (tmp_path / "here" / relative).read_bytes()
        assert there.startswith(",".join(contract.column_names).encode())


def test_a_failing_writer_fails_the_run_with_its_error(tmp_path: Path) -> None:
    blocked = tmp_path / "landing"
    blocked.write_text("a file where the landing zone should be")
    process = DeskProcess(_settings(blocked))
    try:
        process.write_days({DAY: {TRACK_POINTS.table_name: _tracks()}})
        with pytest.raises(RuntimeError, match="frame writer failed") as failure:
            process.finish()
    finally:
        process.close()
    assert "Error" in str(failure.value)  # the writer's own traceback comes back


def test_generate_fails_when_the_landing_zone_cannot_be_written(tmp_path: Path) -> None:
    blocked = tmp_path / "landing"
    blocked.write_text("not a directory")
    with pytest.raises((RuntimeError, OSError)):
        generate(blocked, scale="demo", start="2021-05-01", end="2021-05-02", progress=False)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_writing_in_process_gives_the_same_bytes(tmp_path: Path) -> None:
    """The second process changes when files are written, never what they hold."""
    trees = []
    for name, writer_process in (("apart", True), ("together", False)):
        report = generate(tmp_path / name / "landing", scale="demo", start="2021-05-30",
                          end="2021-06-02", progress=False, writer_process=writer_process)
        assert sum(report.defects.values()) > 0
        trees.append(_tree(tmp_path / name))
    assert len(trees[0]) > 100
    assert trees[0] == trees[1]


def test_the_writer_starts_whatever_the_main_module_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An AppTest earlier in the same process leaves its page script as ``__main__``; a
    spawned child re-running it died (CI, session 4). The child must not run it."""
    import sys
    import types

    script = tmp_path / "main_script.py"
    script.write_text("raise SystemExit('the main module must not run in the writer')\n")
    fake = types.ModuleType("__main__")
    fake.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake)
    generate(tmp_path / "landing", scale="demo", start="2022-06-01", end="2022-06-02",
             progress=False)
    assert any((tmp_path / "landing").rglob("*.*"))
    assert sys.modules["__main__"].__file__ == str(script)  # restored after the start


EXIT_AFTER_A_FAILED_RUN = """
from pathlib import Path
import sys
from sources.simulator import generate
landing = Path(sys.argv[1])
landing.write_text("not a directory")
try:
    generate(landing, scale="demo", start="2021-05-01", end="2021-05-02", progress=False)
except OSError as error:
    print("failed as expected:", type(error).__name__)
"""


def test_the_caller_exits_after_a_run_that_failed(tmp_path: Path) -> None:
    """Frames queued for a writer that was stopped must not keep the caller alive: the
    queue's feeder thread blocked on the full pipe and ``multiprocessing`` joined it at
    exit, so CI's pytest printed its summary and then hung until the CI timeout. The
    timeout below only tells a hang from an exit; the script takes a few seconds."""
    import os
    import subprocess
    import sys

    script = tmp_path / "failed_run.py"
    script.write_text(EXIT_AFTER_A_FAILED_RUN)
    root = Path(__file__).resolve().parents[1]
    try:
        finished = subprocess.run([sys.executable, str(script), str(tmp_path / "landing")],
                                  cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                                  capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        pytest.fail("the process hung at exit after a failed run")
    assert finished.returncode == 0, finished.stderr
    assert "failed as expected: NotADirectoryError" in finished.stdout
