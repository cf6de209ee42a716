"""Import CTEs read twice must not be copied: DuckDB materializes a CTE referenced more than once.

A model that imports a large table (``x as (select * from {{ ref('t') }})``) and reads ``x``
twice made DuckDB copy every column of every row into a temporary result first. At full scale
that copy was most of the work of the incremental staging models (track points: 3.5 s of a
0.05 s query) and of several marts. Tables are therefore imported ``as not materialized``
where they are read twice, so each reader scans only the columns and row groups it needs.
A view is the opposite case: materializing it once is cheaper than computing it twice.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MODELS = Path(__file__).resolve().parents[1] / "dbt_project" / "models"

IMPORT_CTE = re.compile(
    r"^(?P<name>\w+) as (?P<hint>not materialized )?\(\s*select \* from "
    r"\{\{ (?P<kind>ref|source)\((?P<args>[^)]*)\) \}\}\s*\)",
    re.M,
)
MATERIALIZED = re.compile(r"materialized\s*=\s*['\"](\w+)['\"]")


def _materialization(model: str) -> str:
    """How a model is built: its own config, else its folder's default (dbt_project.yml)."""
    path = next(MODELS.rglob(f"{model}.sql"))
    own = MATERIALIZED.search(path.read_text(encoding="utf-8"))
    if own:
        return own.group(1)
    return "view" if path.relative_to(MODELS).parts[0] == "staging" else "table"


def _reads(sql: str, name: str) -> int:
    """How many times the SQL after a CTE's definition reads it (directly or via a macro)."""
    return len(re.findall(rf"\b(?:from|join)\s+{name}\b|'{name}'", sql))


def import_cte_findings() -> list[str]:
    """Every import CTE whose materialization hint is wrong, as 'file: cte (reason)'."""
    findings = []
    for path in sorted(MODELS.rglob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        for match in IMPORT_CTE.finditer(sql):
            name, hinted = match.group("name"), bool(match.group("hint"))
            if _reads(sql[match.end():], name) < 2:
                if hinted:
                    findings.append(f"{path.name}: {name} (read once; the hint is noise)")
                continue
            relation = match.group("args").split(",")[-1].strip(" '\"")
            is_view = match.group("kind") == "ref" and _materialization(relation) == "view"
            if is_view and hinted:
                findings.append(f"{path.name}: {name} (a view read twice is computed twice)")
            if not is_view and not hinted:
                findings.append(f"{path.name}: {name} (a table read twice is copied whole)")
    return findings


def test_import_ctes_read_twice_are_hinted_by_what_they_import() -> None:
    assert import_cte_findings() == []


def test_the_check_sees_a_table_imported_twice_without_the_hint(tmp_path, monkeypatch) -> None:
    models = tmp_path / "models"
    (models / "marts").mkdir(parents=True)
    (models / "marts" / "fct_a.sql").write_text("select 1 as a\n", encoding="utf-8")
    (models / "marts" / "fct_b.sql").write_text(
        "with\n\nrows as (\n    select * from {{ ref('fct_a') }}\n),\n\n"
        "final as (select * from rows union all select * from rows)\n\nselect * from final\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "MODELS", models)
    assert import_cte_findings() == ["fct_b.sql: rows (a table read twice is copied whole)"]
