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
their logs and ``run_results.json``; older ones go, so the folder does not grow forever
(``pipelines.dbt_runs``).
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version as installed_version
from typing import Any

from dagster_dbt import DbtCliResource
from packaging import version


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
