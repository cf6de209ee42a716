"""Each dbt invocation's target folder in a data directory, and the partial parse they share.

Kept apart from ``pipelines.dbt_cli`` (the Dagster resource) so that the warm dbt process
of a daily run (``pipelines.dbt_handoff``) can prepare its folder without importing Dagster.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

PARTIAL_PARSE_FILE = "partial_parse.msgpack"
RUNS_KEPT = 5  # run folders kept per data directory, newest first


def dbt_folder(warehouse_dir: Path) -> Path:
    """Where a data directory's dbt runs write their artifacts and logs."""
    return warehouse_dir / "dbt"


def run_target(warehouse_dir: Path, run_id: str) -> Path:
    """A fresh target folder for one dbt invocation, seeded with the last partial parse."""
    folder = dbt_folder(warehouse_dir)
    target = folder / "runs" / f"{run_id[:8]}-{uuid.uuid4().hex[:8]}"
    target.mkdir(parents=True)
    cached = folder / PARTIAL_PARSE_FILE
    if cached.exists():
        shutil.copyfile(cached, target / PARTIAL_PARSE_FILE)
    return target


def keep_partial_parse(warehouse_dir: Path, *targets: Path) -> None:
    """Keep a finished run's partial parse for the next run, replacing the old one whole:
    the first of ``targets`` that has one (a build handed to a warm dbt process parsed in
    that process's folder, not its own)."""
    produced = next(
        (target / PARTIAL_PARSE_FILE for target in targets
         if (target / PARTIAL_PARSE_FILE).exists()),
        None,
    )
    if produced is None:
        return
    cached = dbt_folder(warehouse_dir) / PARTIAL_PARSE_FILE
    staging = cached.with_name(f".{PARTIAL_PARSE_FILE}.{uuid.uuid4().hex}")
    shutil.copyfile(produced, staging)
    os.replace(staging, cached)


def prune_runs(warehouse_dir: Path, keep: int = RUNS_KEPT) -> list[Path]:
    """Remove all but the ``keep`` newest run folders; returns what was removed."""
    runs = dbt_folder(warehouse_dir) / "runs"
    if not runs.exists():
        return []
    folders = sorted(
        (path for path in runs.iterdir() if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    removed = folders[keep:]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed
