"""The file the next snapshot is patched from: a copy of the served one, made while dbt runs.

A patched publish (``pipelines.publish``) starts from a byte copy of the served snapshot
(1.5 GB at full scale: 2.8 s of a daily run's 10 s publish). The copy reads a file nothing
writes while a transform runs, so the dbt step starts it on a background thread and the
publish step, in the same run process, takes it over when it is a complete copy of the
file served at that moment; otherwise (no copy prepared, the copy failed, or the served
file changed since) the publish copies the file itself as before. ``tests/test_publish_patch.py``
shows both ways give the same snapshot.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# A snapshot copied from the served one keeps that file's free blocks and the patched
# tables' deleted rows; after this many patched publishes in a row the next one starts
# from an empty file again, so the file never drifts far from its data's size.
PATCHED_IN_A_ROW = 6

FileIdentity = tuple[int, int, int]  # inode, size, modification time (ns)


@dataclass
class _Copy:
    source: FileIdentity
    target: Path
    thread: threading.Thread
    failed: list[BaseException] = field(default_factory=list)


_COPIES: dict[Path, _Copy] = {}
_LOCK = threading.Lock()


def patched_in_a_row(cockpit_db: Path) -> int | None:
    """How many publishes in a row patched the served snapshot; None when there is none
    to start from (or it is unreadable, or from before patching: copied whole)."""
    if not cockpit_db.exists():
        return None
    try:
        with duckdb.connect(str(cockpit_db), read_only=True) as con:
            row = con.execute("select patched_in_a_row from meta.build_info").fetchone()
    except duckdb.Error:
        return None
    return int(row[0]) if row and row[0] is not None else None


def will_patch(patched_before: int | None) -> bool:
    """Whether the next publish patches a copy of the served snapshot (else: a new file)."""
    return patched_before is not None and patched_before < PATCHED_IN_A_ROW


def _identity(path: Path) -> FileIdentity:
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def prepared_path(cockpit_db: Path) -> Path:
    return cockpit_db.with_name(f".{cockpit_db.stem}.prepared.tmp")


def prepare_in_background(cockpit_db: Path) -> bool:
    """Start copying the served snapshot for the next publish, if that publish will patch
    one; True when a copy was started, or one of the file served now is already under way
    in this process (``python -m pipelines daily`` starts it before its ingest, when one of
    the machine's two cores is idle, rather than beside dbt, which keeps both busy)."""
    if _copying(cockpit_db):
        return True
    discard_prepared(cockpit_db)
    if not will_patch(patched_in_a_row(cockpit_db)):
        return False
    copy = _Copy(_identity(cockpit_db), prepared_path(cockpit_db), threading.Thread())

    def run() -> None:
        try:
            shutil.copyfile(cockpit_db, copy.target)
        except BaseException as error:  # noqa: BLE001 - any failure: publish copies itself
            copy.failed.append(error)

    copy.thread = threading.Thread(target=run, name="snapshot-copy", daemon=True)
    with _LOCK:
        _COPIES[cockpit_db] = copy
    copy.thread.start()
    return True


def _of_served(copy: _Copy, cockpit_db: Path) -> bool:
    """Whether the copy has not failed and is of the file served now (not one since replaced)."""
    return not copy.failed and cockpit_db.exists() and _identity(cockpit_db) == copy.source


def _copying(cockpit_db: Path) -> bool:
    """Whether a copy of the file served now was started in this process and has not failed."""
    with _LOCK:
        copy = _COPIES.get(cockpit_db)
    return copy is not None and _of_served(copy, cockpit_db)


def take_prepared(cockpit_db: Path, destination: Path) -> bool:
    """Move the prepared copy to ``destination`` if it is a complete copy of the snapshot
    served now; False (and no file left behind) otherwise."""
    with _LOCK:
        copy = _COPIES.pop(cockpit_db, None)
    if copy is None:
        return False
    copy.thread.join()
    usable = (
        _of_served(copy, cockpit_db)
        and copy.target.exists()
        and copy.target.stat().st_size == copy.source[1]
    )
    if usable:
        os.replace(copy.target, destination)
    else:
        copy.target.unlink(missing_ok=True)
    return usable


def discard_prepared(cockpit_db: Path) -> None:
    """Drop a prepared copy no publish will take (dbt failed), and any a killed run left."""
    with _LOCK:
        copy = _COPIES.pop(cockpit_db, None)
    if copy is not None:
        copy.thread.join()
    prepared_path(cockpit_db).unlink(missing_ok=True)
