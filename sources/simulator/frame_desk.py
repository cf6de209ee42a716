"""The frame tables' writer, in a second process, so that writing overlaps generation.

Generation and writing share nothing but the frames: a frame table's file of a day depends
on the frames filed for that day, on the rows sent again after yesterday's defects, and on a
random stream keyed by (seed, table, day). So the engine hands every frame over as it is
generated, and a spawned process (polars is not fork-safe) keeps the frame outbox, writes the
files in the engine's day and table order and sends back what each file contributed to the
report. The bytes are those of writing in process: same frames, same order, same streams.

A bounded queue keeps at most a few months in flight (memory), and a writer that fails fails
the run: its traceback comes back as the run's error, and a writer that died is noticed on
the next hand-over instead of hanging the engine. The child is started without re-running
the caller's main module (``_main_module_hidden``); ``writer_process=False`` gives the same
desk in process, same bytes, no overlap.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import sys
import traceback
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from sources.contracts import TableContract
from sources.simulator.frames import write_frame
from sources.simulator.grid_events import FrameOutbox
from sources.simulator.world import Stream, stream_rng
from sources.simulator.writers import LedgerEntry, WrittenFile

IN_FLIGHT = 24  # hand-overs queued before the engine waits (about two months)
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class FileResult:
    """What one written file adds to the run's report, and where it falls in the write
    order (day, then the engine's table order), which fixes the report's key order."""

    day: date
    order: int
    table: str
    encoding: str
    rows: int
    ledger: list[LedgerEntry]


@dataclass(frozen=True)
class DeskSettings:
    landing: Path
    seed: int
    end: date
    defect_rate: float
    contracts: tuple[TableContract, ...]  # the tables this desk writes, in write order
    first_order: int  # write-order index of ``contracts[0]``


class FrameDesk:
    """The frame outbox and its writer: rows sent again after a defect stay on this side."""

    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings
        self.frames = FrameOutbox()
        self.resent: dict[tuple[str, date], list[pl.DataFrame]] = {}
        self.results: list[FileResult] = []

    def add(self, frames: dict[str, dict[date, pl.DataFrame]]) -> None:
        self.frames.add(frames)

    def write_days(self, days: dict[date, dict[str, pl.DataFrame]]) -> None:
        """Every table's file of each day, in the engine's order. A frame handed over with
        its day (track points: millions of rows, already in file order) is written as it
        is; every other table's comes from the outbox."""
        for day, handed in days.items():
            for offset, contract in enumerate(self.settings.contracts):
                frame = handed.get(contract.table_name)
                if frame is None:
                    frame = self.frames.pop(contract, day)
                self._write(contract, day, frame, offset)

    def _write(self, contract: TableContract, day: date, frame: pl.DataFrame,
               offset: int) -> None:
        settings, table = self.settings, contract.table_name
        resent = self.resent.pop((table, day), [])
        if resent:  # sent again at the end of the day's file, in the generator's own types
            parts = [frame, *resent] if frame.height else resent
            frame = pl.concat([part.cast(parts[0].schema) for part in parts])
        rng = stream_rng(settings.seed, Stream.DEFECTS, zlib.crc32(table.encode()),
                         day.toordinal())
        written = write_frame(settings.landing, contract, day, frame, rng, settings.defect_rate)
        self._resend(table, written, day)
        self.results.append(FileResult(day, settings.first_order + offset, table, "utf-8",
                                       written.rows, written.ledger))

    def _resend(self, table: str, written: WrittenFile, day: date) -> None:
        following = day + timedelta(days=1)
        resend = written.resend
        if resend is None or not len(resend) or following > self.settings.end:
            return
        if not isinstance(resend, pl.DataFrame):
            raise TypeError(f"{table}: the frame writer resends frames")
        self.resent.setdefault((table, following), []).append(resend)


class LocalDesk(FrameDesk):
    """The same desk in the engine's own process (``generate(..., writer_process=False)``):
    for callers that cannot spawn, e.g. a script without a ``__main__`` guard."""

    def finish(self) -> list[FileResult]:
        return self.results

    def close(self) -> None:
        """Nothing runs beside the engine."""


def _serve(settings: DeskSettings, inbox: Any, outbox: Any) -> None:
    """The writer process: file frames, write days, and answer with the results at the end."""
    try:
        desk = FrameDesk(settings)
        while True:
            kind, payload = inbox.get()
            if kind == "frames":
                desk.add(payload)
            elif kind == "days":
                desk.write_days(payload)
            elif kind == "end":
                outbox.put(("results", desk.results))
                return
            else:
                raise ValueError(f"unknown message {kind!r}")
    except BaseException:  # noqa: BLE001 - every failure goes back to the engine
        outbox.put(("error", traceback.format_exc()))
        raise


class DeskProcess:
    """The engine's side: hand frames over, and collect the results (or the error)."""

    def __init__(self, settings: DeskSettings) -> None:
        context = multiprocessing.get_context("spawn")
        self._inbox = context.Queue(maxsize=IN_FLIGHT)
        self._outbox = context.Queue()
        self._process = context.Process(target=_serve, args=(settings, self._inbox,
                                                             self._outbox),
                                        name="simulator-frame-desk", daemon=True)
        with _main_module_hidden():
            self._process.start()

    def add(self, frames: dict[str, dict[date, pl.DataFrame]]) -> None:
        if frames:
            self._put(("frames", frames))

    def write_days(self, days: dict[date, dict[str, pl.DataFrame]]) -> None:
        self._put(("days", days))

    def finish(self) -> list[FileResult]:
        """Wait for the last file; the results, or the writer's error raised here."""
        self._put(("end", None))
        kind, payload = self._answer()
        self._process.join()
        if kind != "results":
            raise RuntimeError(f"the frame writer failed:\n{payload}")
        return payload

    def close(self) -> None:
        """Stop the writer if it still runs (the engine failed, or is done), and let go of
        the queues. Frames still buffered for a writer that will never read them must not
        be flushed at interpreter exit: the queue's feeder thread would block on the full
        pipe, and ``multiprocessing`` joins that thread at exit, so the caller's process
        would hang after its last line (CI, session 4: pytest passed, then never exited)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        for channel in (self._inbox, self._outbox):
            channel.cancel_join_thread()
            channel.close()

    def _put(self, message: tuple[str, object]) -> None:
        while True:
            try:
                self._inbox.put(message, timeout=POLL_SECONDS)
                return
            except queue.Full:
                self._check()

    def _answer(self) -> tuple[str, Any]:
        while True:
            try:
                return self._outbox.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not self._process.is_alive():
                    try:  # the answer may have been sent just before the exit
                        return self._outbox.get(timeout=POLL_SECONDS)
                    except queue.Empty:
                        raise RuntimeError("the frame writer died (exit code "
                                           f"{self._process.exitcode})") from None

    def _check(self) -> None:
        """Raise the writer's error if it failed (it stops reading, so the queue fills)."""
        try:
            kind, payload = self._outbox.get_nowait()
        except queue.Empty:
            kind, payload = "", None
        if kind == "error":
            raise RuntimeError(f"the frame writer failed:\n{payload}")
        if kind:
            raise RuntimeError(f"the frame writer answered {kind!r} before the end")
        if not self._process.is_alive():
            raise RuntimeError(
                f"the frame writer died (exit code {self._process.exitcode})")


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start the child without re-running the parent's ``__main__``.

    A spawned child imports the parent's main module first. The writer needs nothing from
    it, and that module may be anything: a script without a ``__main__`` guard, or the
    temporary page script a Streamlit AppTest earlier in the same pytest process left as
    ``__main__`` (which fails outside AppTest). Hiding its spec and file for the moment of
    the start makes ``multiprocessing`` skip it."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {name: main.__dict__.pop(name) for name in ("__file__", "__spec__")
             if name in main.__dict__}
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)
