"""`make docs` builds the dbt documentation as one page that opens offline (issue 4)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sources.config import REPO_ROOT

EXTERNAL = re.compile(r'<(?:script|link)[^>]*(?:src|href)="https?://', re.IGNORECASE)


def test_make_docs_writes_a_self_contained_site(published_data_dir: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "warehouse").mkdir(parents=True)
    shutil.copy(published_data_dir / "warehouse" / "build.duckdb", data_dir / "warehouse")
    completed = subprocess.run(
        ["make", "--no-print-directory", "docs"],
        cwd=REPO_ROOT,
        env={**os.environ, "COCKPIT_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    page = (data_dir / "docs" / "dbt" / "index.html").read_text(encoding="utf-8")
    assert not EXTERNAL.search(page), "the docs page loads a script or stylesheet from the web"
    for documented in ("fct_entity_loop", "int_enforcement__case_lifecycle", "indicators"):
        assert documented in page
    # the Chinese terms beside the English descriptions are inlined (as JSON escapes)
    assert "指标" in page or "\\u6307\\u6807" in page


def test_every_model_column_is_described(published_data_dir: Path) -> None:
    """Every column of every model the build made has a description in a model yml."""
    import json

    import duckdb

    from pipelines.dbt_project import ensure_manifest

    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    described = {
        (node["schema"], node["name"]): {
            name for name, column in node["columns"].items() if column.get("description")
        }
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    build_db = published_data_dir / "warehouse" / "build.duckdb"
    with duckdb.connect(str(build_db), read_only=True) as con:
        built = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ('staging', 'intermediate', 'marts', 'indicators')"
        ).fetchall()
    missing = [
        f"{schema}.{table}.{column}"
        for schema, table, column in built
        if (schema, table) in described and column not in described[(schema, table)]
    ]
    assert len({key for key in described if key[0] == "marts"}) >= 30
    assert missing == []
