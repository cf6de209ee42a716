"""Run configuration of the dbt step, apart from ``transform`` so that building a run config
does not load the dbt manifest."""

from __future__ import annotations

import dagster as dg


class WarehouseRunConfig(dg.Config):
    """``full_refresh`` rebuilds the incremental facts from every landed day (after a model
    change to them; ``python -m pipelines transform --full-refresh``)."""

    full_refresh: bool = False


def dbt_build_args(config: WarehouseRunConfig) -> list[str]:
    return ["build", "--full-refresh"] if config.full_refresh else ["build"]
