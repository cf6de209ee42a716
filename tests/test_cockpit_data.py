"""``cockpit.data.query_many``: a batch of queries run side by side must answer exactly what
the same queries answer one by one, in the order asked, and follow a published swap."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cockpit import data  # noqa: E402

QUERIES = [
    ("select count(*) as n from marts.t where county = $county", {"county": "330802"}),
    ("select county, sum(x) as total from marts.t group by 1 order by 1", {}),
    ("select x from marts.t where x > ? order by x", (7,)),
    ("select x from marts.t where x = $x and county = $county", {"x": 3, "county": "330881"}),
    ("select count(*) as n from marts.t where county = $county", {"county": "330803"}),
]


def _publish(root: Path, rows: int) -> None:
    """Write a small snapshot beside the live one and swap it in, as publish does."""
    live = root / "warehouse" / "cockpit.duckdb"
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = live.with_suffix(".next")
    staged.unlink(missing_ok=True)
    con = duckdb.connect(str(staged))
    try:
        con.execute("create schema marts")
        con.execute(
            "create table marts.t as select i as x, "
            "['330802', '330803', '330881'][i % 3 + 1] as county from range(?) as r(i)",
            [rows],
        )
    finally:
        con.close()
    os.replace(staged, live)


@pytest.fixture
def snapshot_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    _publish(tmp_path, 30)
    return tmp_path


def test_batch_equals_one_by_one(snapshot_dir: Path) -> None:
    batch = data.query_many(QUERIES)
    one_by_one = [data.query(sql, params) for sql, params in QUERIES]
    assert len(batch) == len(QUERIES)
    for got, expected in zip(batch, one_by_one, strict=True):
        assert got.equals(expected)
    assert batch[0]["n"].iloc[0] == 10  # 30 rows over three counties
    assert list(batch[2]["x"]) == list(range(8, 30))
    assert batch[3].empty  # 3 lies in county 330802, so the bound county excludes it


def test_batch_follows_a_swap(snapshot_dir: Path) -> None:
    assert data.query_many(QUERIES[:1])[0]["n"].iloc[0] == 10
    _publish(snapshot_dir, 60)
    assert data.query_many(QUERIES[:1])[0]["n"].iloc[0] == 20


def test_empty_batch(snapshot_dir: Path) -> None:
    assert data.query_many([]) == []
