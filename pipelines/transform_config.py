"""Run configuration of the dbt step, apart from ``transform`` so that building a run config
does not load the dbt manifest."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg


class WarehouseRunConfig(dg.Config):
    """``full_refresh`` rebuilds the incremental facts from every landed day (after a model
    change to them; ``python -m pipelines transform --full-refresh``)."""

    full_refresh: bool = False


def dbt_build_args(config: WarehouseRunConfig, skip_tests: Sequence[str] = ()) -> list[str]:
    """``dbt build``, leaving out ``skip_tests`` (the tests proving unchanged code,
    ``pipelines.code_tests``)."""
    args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
    if skip_tests:
        args += ["--exclude", " ".join(sorted(skip_tests))]
    return args
