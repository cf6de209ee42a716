"""Scaffold dbt staging models and source files for a system from its contracts.

A starting point, not a generator kept in sync: run once when a system is added
(``python tools/scaffold_staging.py <system>``), then edit the SQL by hand like any model.
Existing files are never overwritten.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from sources.config import REPO_ROOT
from sources.contracts import TableContract

STAGING = REPO_ROOT / "dbt_project" / "models" / "staging"
RENAMES = {"dept_code": "department_code", "routed_dept_code": "routed_department_code"}


def model_sql(contract: TableContract) -> str:
    columns = [
        f"        {c.name} as {RENAMES[c.name]}" if c.name in RENAMES else f"        {c.name}"
        for c in contract.columns
    ]
    columns.append("        _partition_date as landed_date")
    key = ", ".join(contract.key)
    version = contract.version_column or "_partition_date"
    return (
        "with\n\n"
        "source as (\n    select * from "
        f"{{{{ source('{contract.system}', '{contract.entity}') }}}}\n),\n\n"
        f"latest as (\n    {{{{ latest_state('source', '{key}', '{version}') }}}}\n),\n\n"
        "final as (\n    select\n" + ",\n".join(columns) + "\n    from latest\n)\n\n"
        "select * from final\n"
    )


def sources_yml(system: str, contracts: list[TableContract]) -> str:
    lines = [
        "version: 2",
        "",
        "sources:",
        f"  - name: {system}",
        "    schema: raw",
        f"    description: Exports of the {system} system, loaded by the Dagster ingest assets.",
        "    tables:",
    ]
    for c in contracts:
        lines += [
            f"      - name: {c.entity}",
            f"        identifier: {c.table_name}",
            f"        description: {c.description}",
            "        meta:",
            "          dagster:",
            f'            asset_key: ["raw", "{c.table_name}"]',
        ]
    return "\n".join(lines) + "\n"


def models_yml(system: str, contracts: list[TableContract]) -> str:
    lines = ["version: 2", "", "models:"]
    for c in contracts:
        lines += [
            f"  - name: stg_{system}__{c.entity}",
            f"    description: Latest state of each {c.table_name} record. {c.description}",
            "    columns:",
        ]
        for column in c.columns:
            name = RENAMES.get(column.name, column.name)
            description = column.description.replace('"', "'")
            lines.append(f'      - name: {name}\n        description: "{description}"')
            if len(c.key) == 1 and column.name == c.key[0]:
                lines.append("        data_tests: [not_null, unique]")
        if len(c.key) > 1:
            keys = ", ".join(c.key)
            lines += [
                "    data_tests:",
                "      - unique_combination:",
                "          arguments:",
                f"            columns: [{keys}]",
            ]
    return "\n".join(lines) + "\n"


def scaffold(system: str) -> list[Path]:
    module = importlib.import_module(f"sources.systems.{system}")
    contracts = list(module.CONTRACTS)
    folder = STAGING / system
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        folder / f"_{system}__sources.yml": sources_yml(system, contracts),
        folder / f"_{system}__models.yml": models_yml(system, contracts),
    }
    files |= {folder / f"stg_{system}__{c.entity}.sql": model_sql(c) for c in contracts}
    written = []
    for path, text in files.items():
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for name in sys.argv[1:]:
        for path in scaffold(name):
            print(path.relative_to(REPO_ROOT))
