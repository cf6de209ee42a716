"""The ingest half of the code location, importable without dbt.

``python -m pipelines ingest`` (and the first half of a build) materialises only the ingest
assets and the freshness checks hanging on them. Loading the whole code location for that
imports dagster-dbt and reads the dbt manifest: ~2 s of every daily ingest process, for
assets the run never touches. This module assembles the same assets, checks and resource
without them; ``tests/test_ingest_definitions.py`` keeps it equal to the ingest group of
the full code location (``pipelines.definitions``), which the daemon loads.
"""

from __future__ import annotations

import dagster as dg

from pipelines.ingest import INGEST_ASSETS
from pipelines.quality_job import FRESHNESS_CHECKS
from pipelines.resources import Warehouse
from pipelines.schedules import INGEST_GROUP

__all__ = ["INGEST_GROUP", "ingest_assets_and_checks", "ingest_resources"]


def ingest_assets_and_checks() -> list[dg.AssetsDefinition | dg.AssetChecksDefinition]:
    """The ingest assets and the checks on them: what an ingest run materialises."""
    return [*INGEST_ASSETS, *FRESHNESS_CHECKS]


def ingest_resources() -> dict[str, object]:
    """The resources the ingest assets and their checks use."""
    return {"warehouse": Warehouse()}
