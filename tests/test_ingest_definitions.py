"""The ingest-only definitions an ingest run loads are the full code location's ingest half.

``python -m pipelines ingest`` materialises ``pipelines.ingest_definitions`` so that it does
not import dbt; the daemon's daily ingest job selects the ingest group of
``pipelines.definitions``. Both must name the same assets and checks, and give them the
same resources, or the CLI and the daemon would ingest differently.
"""

from __future__ import annotations

import subprocess
import sys

import dagster as dg

from pipelines.definitions import defs
from pipelines.ingest_definitions import INGEST_GROUP, ingest_assets_and_checks, ingest_resources
from sources.config import REPO_ROOT


def _selected(definitions: dg.Definitions) -> tuple[set[dg.AssetKey], set[dg.AssetCheckKey]]:
    graph = definitions.get_repository_def().asset_graph
    selection = dg.AssetSelection.groups(INGEST_GROUP)
    return selection.resolve(graph), selection.resolve_checks(graph)


def test_the_ingest_half_equals_the_code_locations_ingest_group() -> None:
    pieces = ingest_assets_and_checks()
    checks_alone = [p for p in pieces if isinstance(p, dg.AssetChecksDefinition)]
    alone = dg.Definitions(
        assets=[p for p in pieces if p not in checks_alone],
        asset_checks=checks_alone,
        resources=ingest_resources(),
    )
    assets, checks = _selected(alone)
    full_assets, full_checks = _selected(defs)
    assert assets == full_assets and len(assets) >= 30
    assert checks == full_checks and checks, "the freshness and contract checks"
    full_resources = defs.resources or {}
    for name, resource in ingest_resources().items():
        assert type(resource) is type(full_resources[name]), name


def test_an_ingest_process_does_not_import_dbt() -> None:
    """What the split is for: the ingest command's imports leave dbt out."""
    probe = (
        "import sys, pipelines.ingest_definitions; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dbt', 'dagster_dbt')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True,
        check=True, timeout=120,
    )
    assert completed.stdout.strip() == "[]", completed.stdout[:500]
