"""The Dagster instance configuration: SQLite by default, PostgreSQL by one variable.

``pipelines/dagster.yaml`` is the template (telemetry off, one run at a time). With
``DAGSTER_PG_URL`` set, run, event-log and schedule storage go to that PostgreSQL database
instead of SQLite files under ``DAGSTER_HOME``, which removes SQLite's per-event cost on
long backfills and lets several webservers share one instance. ``python -m pipelines.instance
<dagster_home>`` writes the file (``make dagster`` and ``make build`` call it).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from sources.config import REPO_ROOT

TEMPLATE = REPO_ROOT / "pipelines" / "dagster.yaml"
PG_URL_ENV = "DAGSTER_PG_URL"
POSTGRES_STORAGE = f"""
# PostgreSQL storage, because {PG_URL_ENV} was set when this file was written.
storage:
  postgres:
    postgres_url:
      env: {PG_URL_ENV}
"""


def sqlite_event_storage(dagster_home: Path) -> str:
    """Dagster's default SQLite event log, in its default place, with batched writes of the
    per-partition materialisations a backfill ends with (``pipelines/event_storage.py``)."""
    runs = (dagster_home / "history" / "runs").resolve()
    return f"""
# SQLite event log in Dagster's default place, storing each batch of materialisations in one
# transaction (pipelines/event_storage.py).
event_log_storage:
  module: pipelines.event_storage
  class: BatchingSqliteEventLogStorage
  config:
    base_dir: {json.dumps(str(runs))}
"""


def instance_yaml(pg_url: str | None, dagster_home: Path | None = None) -> str:
    """The instance configuration for SQLite (no URL) or PostgreSQL."""
    text = TEMPLATE.read_text(encoding="utf-8")
    if pg_url:
        return text + POSTGRES_STORAGE
    return text + sqlite_event_storage(dagster_home) if dagster_home is not None else text


def write_instance_config(dagster_home: Path, pg_url: str | None = None) -> Path:
    """Write ``dagster.yaml`` into ``dagster_home`` for the storage the environment asks for.

    Rewritten on every call, so switching ``DAGSTER_PG_URL`` on or off takes effect on the
    next run; the PostgreSQL driver is checked up front for a clear error.
    """
    url = pg_url if pg_url is not None else os.environ.get(PG_URL_ENV) or None
    if url:
        try:
            import dagster_postgres  # noqa: F401
        except ImportError as error:  # pragma: no cover - installed from requirements.lock
            raise SystemExit(f"{PG_URL_ENV} is set but dagster-postgres is not installed: "
                             "run `make setup`") from error
    dagster_home.mkdir(parents=True, exist_ok=True)
    path = dagster_home / "dagster.yaml"
    path.write_text(instance_yaml(url, dagster_home), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_instance_config(Path(sys.argv[1])))
