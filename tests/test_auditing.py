"""docs/auditing.md stays true: every example in it runs against a published snapshot."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from sources.config import REPO_ROOT

GUIDE = REPO_ROOT / "docs" / "auditing.md"
BLOCK = re.compile(r"^```(python|sql)\n(.*?)^```", re.MULTILINE | re.DOTALL)
DEFAULT_SNAPSHOT = '"data/warehouse/cockpit.duckdb"'


def blocks(kind: str) -> list[str]:
    return [code for lang, code in BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
            if lang == kind]


def test_the_guide_has_examples_of_both_kinds() -> None:
    assert len(blocks("python")) >= 5 and len(blocks("sql")) >= 3
    assert DEFAULT_SNAPSHOT in blocks("python")[0]


def test_python_examples_run_and_their_checks_hold(published_data_dir: Path) -> None:
    snapshot = published_data_dir / "warehouse" / "cockpit.duckdb"
    session: dict[str, object] = {}
    try:
        for code in blocks("python"):
            exec(code.replace(DEFAULT_SNAPSHOT, repr(str(snapshot))), session)  # noqa: S102
    finally:
        connection = session.get("con")
        if isinstance(connection, duckdb.DuckDBPyConnection):
            connection.close()


def test_sql_examples_run_read_only(published_data_dir: Path) -> None:
    snapshot = published_data_dir / "warehouse" / "cockpit.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        for code in blocks("sql"):
            rows = con.execute(code).fetchall()
            assert rows, code
