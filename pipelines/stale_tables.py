"""Incremental marts whose table in the build database no longer has the model's columns.

An incremental model merges each day into the table an earlier run built. When a new
version of the project changes such a model's columns (or turns a mart incremental), the
old table does not fit: dbt fails the run (``on_schema_change='fail'``) and, before this,
the operator had to know to run ``transform --full-refresh``. The dbt step now finds those
tables first and drops them, so dbt builds them anew from every landed day in the same run;
the rest of the warehouse stays incremental. Only marts under an enforced contract are
compared: their declared columns are exactly the table's, so a difference is a real change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb


@dataclass(frozen=True)
class StaleTable:
    schema: str
    name: str
    missing: tuple[str, ...]  # columns the model has and the table lacks
    extra: tuple[str, ...]  # columns the table has and the model no longer does

    def describe(self) -> str:
        changes = [f"+{column}" for column in self.missing]
        changes += [f"-{column}" for column in self.extra]
        return f"{self.schema}.{self.name} ({', '.join(changes)})"


def contracted_incrementals(manifest: Mapping[str, Any]) -> dict[tuple[str, str], list[str]]:
    """(schema, table) → declared columns of each incremental model under an enforced
    contract."""
    models = {}
    for node in manifest["nodes"].values():
        config = node.get("config") or {}
        if node["resource_type"] != "model" or config.get("materialized") != "incremental":
            continue
        if (config.get("contract") or {}).get("enforced") and node.get("columns"):
            models[(node["schema"], node.get("alias") or node["name"])] = list(node["columns"])
    return models


def stale_tables(
    con: duckdb.DuckDBPyConnection, manifest: Mapping[str, Any]
) -> list[StaleTable]:
    """The contracted incremental marts whose existing table has other columns."""
    stale = []
    for (schema, name), declared in sorted(contracted_incrementals(manifest).items()):
        existing = [row[0] for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = current_database() and table_schema = ? and table_name = ? "
            "order by ordinal_position",
            [schema, name],
        ).fetchall()]
        if not existing:
            continue  # not built yet: dbt builds it whole anyway
        missing = tuple(column for column in declared if column not in existing)
        extra = tuple(column for column in existing if column not in declared)
        if missing or extra:
            stale.append(StaleTable(schema, name, missing, extra))
    return stale


def drop_stale_tables(
    con: duckdb.DuckDBPyConnection, manifest: Mapping[str, Any]
) -> list[StaleTable]:
    """Drop the stale tables (dbt then rebuilds them whole); returns what was dropped."""
    stale = stale_tables(con, manifest)
    for table in stale:
        con.execute(f'drop table "{table.schema}"."{table.name}"')
    return stale
