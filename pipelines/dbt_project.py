"""The dbt project as Dagster sees it, kept in its own module (see stack-notes).

The manifest is prepared on demand: when it is missing or older than any file of the dbt
project, ``dbt parse`` regenerates it, so a fresh checkout and an edited model both load.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject

from pipelines.dbt_files import DBT_PROJECT_DIR, dbt_executable, newest_source_mtime

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


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
    if manifest.exists() and manifest.stat().st_mtime >= newest_source_mtime():
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
