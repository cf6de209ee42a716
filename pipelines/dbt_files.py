"""The dbt project's files and executable, without importing dbt or Dagster.

Both the Dagster code location (``pipelines.dbt_project``) and the warm dbt process that a
daily run starts early (``pipelines.dbt_handoff``) need to know which files the project is
parsed from; the warm process must start in well under a second, before Dagster is loaded.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sources.config import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT_SOURCE_DIRS = ("models", "macros", "seeds", "tests")
DBT_EXTRA_FILES = ("dbt_project.yml", "profiles.yml")


def dbt_executable() -> str:
    """dbt from this interpreter's environment, so the code server needs nothing on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_source_files() -> list[Path]:
    """Every file the dbt project is parsed and built from, in a stable order."""
    paths = [DBT_PROJECT_DIR / name for name in DBT_EXTRA_FILES]
    for folder in DBT_SOURCE_DIRS:
        paths.extend(sorted((DBT_PROJECT_DIR / folder).rglob("*")))
    paths.extend(sorted((REPO_ROOT / "sources" / "reference").glob("*")))
    return [path for path in paths if path.is_file()]


def newest_source_mtime() -> float:
    """When the project last changed: the newest modification time of its files."""
    return max(path.stat().st_mtime for path in dbt_source_files())
