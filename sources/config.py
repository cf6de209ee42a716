"""Shared configuration: where every generated file lives.

One environment variable, ``COCKPIT_DATA_DIR`` (default ``./data``), roots the landing zone,
the DuckDB warehouse and the Dagster home, so tests and deployments can point the whole
product at another directory without touching code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "COCKPIT_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DataPaths:
    """Every location under one data directory."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def build_db(self) -> Path:
        return self.warehouse / "build.duckdb"

    @property
    def cockpit_db(self) -> Path:
        return self.warehouse / "cockpit.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    def ensure(self) -> DataPaths:
        for folder in (self.landing, self.warehouse, self.dagster_home):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def data_paths(root: str | os.PathLike[str] | None = None) -> DataPaths:
    """Resolve the data directory: explicit argument, then the environment, then ./data."""
    chosen = root if root is not None else os.environ.get(DATA_DIR_ENV, str(REPO_ROOT / "data"))
    return DataPaths(Path(chosen).expanduser().resolve())
