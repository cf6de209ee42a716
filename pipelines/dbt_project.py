"""The dbt project as Dagster sees it, kept in its own module (see stack-notes).

The manifest is prepared on demand: when it is missing or older than any file of the dbt
project, ``dbt parse`` regenerates it, so a fresh checkout and an edited model both load.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject

from sources.config import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT_SOURCE_DIRS = ("models", "macros", "seeds", "tests")
DBT_EXTRA_FILES = ("dbt_project.yml", "profiles.yml")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


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


def _newest_source_mtime() -> float:
    return max(path.stat().st_mtime for path in dbt_source_files())


@functools.lru_cache(maxsize=1)
def _parsed(path: Path, mtime: float) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def load_manifest() -> dict[str, Any]:
    """The parsed manifest, read once per version of the file: a transform's code-tests
    choice and its publish both read it (~0.3 s a parse at this size)."""
    path = ensure_manifest()
    return _parsed(path, path.stat().st_mtime)


def ensure_manifest() -> Path:
    """Parse the project when the manifest is missing or stale; return its path."""
    manifest = dbt_project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--quiet",
        ],
        check=True,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )
    return manifest
