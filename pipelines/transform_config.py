"""Run configuration of the dbt step, apart from ``transform`` so that building a run config
does not load the dbt manifest."""

from __future__ import annotations

import dagster as dg


class WarehouseRunConfig(dg.Config):
    """``full_refresh`` rebuilds the incremental facts from every landed day (after a model
    change to them; ``python -m pipelines transform --full-refresh``). ``skip_tests`` names
    dbt tests left out of this run: the code-proving tests when the code has not changed
    since they passed (``pipelines.code_tests``)."""

    full_refresh: bool = False
    skip_tests: list[str] = []


def dbt_build_args(config: WarehouseRunConfig) -> list[str]:
    args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
    if config.skip_tests:
        args += ["--exclude", " ".join(sorted(config.skip_tests))]
    return args
