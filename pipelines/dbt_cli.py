"""How the pipeline invokes dbt: the CLI resource and each run's target folder.

Every ``dbt build`` used to pay ~10 s before its first model at full scale, for three
things this project never needs:

- dagster-dbt asks the dbt executable for its version (``dbt --version``, a ~1.8 s
  subprocess) and opens an in-process dbt adapter with the project's macros, which only
  fetching column metadata or row counts uses; neither is asked for here.
- dbt parsed the whole project again on every run (~4 s): dagster-dbt seeds a run's target
  folder with the repository's ``partial_parse.msgpack``, written by ``dbt parse`` with the
  default build-database path, and dbt discards a partial parse made under another profile.

So each data directory keeps its own dbt folder (``warehouse/dbt``): every run gets a target
folder there seeded with the partial parse of the previous run in this directory, and a
successful run leaves its own behind. The newest few run folders are kept for reading
their logs and ``run_results.json``; older ones go, so the folder does not grow forever.
"""

from __future__ import annotations

import os
import shutil
import uuid
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource
from packaging import version

PARTIAL_PARSE_FILE = "partial_parse.msgpack"
RUNS_KEPT = 5  # run folders kept per data directory, newest first


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's CLI resource without the per-run version probe and adapter handle."""

    @cached_property
    def _cli_version(self) -> version.Version:
        # the installed dbt-core package is the executable this resource runs (dbt_executable
        # resolves to this interpreter's environment)
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> Any:
        # The handle serves fetch_column_metadata / fetch_row_counts, which this project
        # does not call; without it dagster-dbt streams events exactly as before.
        return None


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


def keep_partial_parse(warehouse_dir: Path, target: Path) -> None:
    """Keep a finished run's partial parse for the next run, replacing the old one whole."""
    produced = target / PARTIAL_PARSE_FILE
    if not produced.exists():
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
