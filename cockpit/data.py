"""The cockpit's only door to data: the published snapshot, opened read-only.

Why it looks like this:

* The pipeline publishes ``<data_dir>/warehouse/cockpit.duckdb`` by building a new file and
  ``os.replace``-ing it over the old one, so a reader holding the file never blocks it. Each
  file version is attached read-only to one in-process DuckDB instance that stays open (its
  buffer pool keeps the snapshot's blocks warm: a query on a newly opened file measured
  5–15× slower than the same query once its blocks were read); every query runs on a fresh
  cursor of that instance. ``ATTACH`` rather than ``duckdb.connect(path)`` because DuckDB
  caches instances by path, and after a swap the path would hand back the old file.
* Results are cached with ``st.cache_data`` keyed on the file's identity (inode, mtime_ns,
  size). A swap gives a new inode, hence a new key, hence fresh data on the next rerun,
  with no TTL to tune. The identity is re-checked after each query so a swap *during* a query
  can never cache the new file's rows under the old file's key.
* SQL text is constant; user choices travel only as bound parameters. Page queries live in
  ``cockpit/queries/`` but reach the file only through :func:`query` below; they bind named
  parameters (``$county``) so one scope clause can be reused without counting ``?``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import ScriptRunContext, add_script_run_ctx, get_script_run_ctx

_log = logging.getLogger(__name__)
DATA_DIR_ENV = "COCKPIT_DATA_DIR"
CITY_CODE = "330800"
ALL_DEPARTMENTS = "ALL"
_SWAP_RETRIES = 3
_NAMED_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
Params = tuple[object, ...] | Mapping[str, object]
T = TypeVar("T")
_CACHE_ENTRIES = 1024  # 16 pages × ~20 queries × a few filter choices
# Snapshot instances kept open: the current file and the one before it, which a query that
# started just before a swap may still be reading.
_KEEP_INSTANCES = 2
# A ceiling on each instance's buffer pool; DuckDB's default is 80% of the machine.
MEMORY_LIMIT = os.environ.get("COCKPIT_DUCKDB_MEMORY_LIMIT", "2GB")
# Cursors one page may keep busy at once (see query_many).
_PARALLEL_QUERIES = 4
# Background threads warming a page's queries while its tiles are drawn (see prefetch); as
# many as the machine has cores, shared by every session.
_PREFETCH = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cockpit-prefetch")


class SnapshotUnavailable(RuntimeError):
    """The snapshot is missing or unreadable; pages show a friendly message instead."""

    def __init__(self, path: Path, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {path} {detail}".strip())
        self.path = path
        self.reason = reason  # "missing" or "unreadable"
        self.detail = detail


class SnapshotId(NamedTuple):
    """What makes one published file different from the next (a swap changes the inode)."""

    path: str
    inode: int
    mtime_ns: int
    size: int


@dataclass(frozen=True)
class BuildInfo:
    """Provenance of the snapshot, for the "data as of" stamp."""

    published_at: datetime | None  # timezone-aware UTC
    data_as_of: date | None
    git_commit: str | None
    scenario: str | None


class _SnapshotChanged(Exception):
    """Raised inside the cached query when the file was swapped mid-query (never cached)."""


def snapshot_path() -> Path:
    """Where the published snapshot lives; the setting is read on every call so tests can
    repoint it."""
    return _snapshot_path_in(os.environ.get(DATA_DIR_ENV))


@lru_cache(maxsize=8)
def _snapshot_path_in(data_dir: str | None) -> Path:
    # Resolved once per setting: every query asks, and resolving the directory's links each
    # time was ~2% of a page's render (py-spy). The file inside is still stat-ed per query.
    try:
        from sources.config import data_paths
    except ImportError:  # the cockpit can be deployed without the pipeline package
        root = Path(data_dir or "data").expanduser().resolve()
        return root / "warehouse" / "cockpit.duckdb"
    return data_paths(data_dir).cockpit_db


def _identity(path: Path) -> SnapshotId | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return SnapshotId(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def snapshot_identity() -> SnapshotId:
    """The current snapshot's identity, or SnapshotUnavailable('missing')."""
    path = snapshot_path()
    ident = _identity(path)
    if ident is None:
        raise SnapshotUnavailable(path, "missing")
    return ident


def snapshot_available() -> bool:
    """Cheap check used before rendering any page."""
    return _identity(snapshot_path()) is not None


_instances: dict[SnapshotId, duckdb.DuckDBPyConnection] = {}
_instances_lock = threading.Lock()


def _open_instance(snapshot: SnapshotId) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with this file version attached read-only as ``snapshot``."""
    con = duckdb.connect(":memory:", config={"memory_limit": MEMORY_LIMIT})
    try:
        literal = snapshot.path.replace("'", "''")
        con.execute(f"attach '{literal}' as snapshot (read_only)")
    except duckdb.Error:
        con.close()
        raise
    return con


def snapshot_cursor(snapshot: SnapshotId) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the open instance of this file version, its catalogue in use.

    The caller closes it. Opening the instance of a new version closes all but the newest
    few older ones."""
    with _instances_lock:
        instance = _instances.get(snapshot)
        if instance is None:
            instance = _instances[snapshot] = _open_instance(snapshot)
            for stale in list(_instances)[:-_KEEP_INSTANCES]:
                _instances.pop(stale).close()
        cursor = instance.cursor()
    cursor.execute("use snapshot")
    return cursor


def run_query(snapshot: SnapshotId, sql: str, params: Params) -> pd.DataFrame:
    """Run one query on one file version, uncached (the benchmark times exactly this)."""
    cursor = snapshot_cursor(snapshot)
    try:
        bound = dict(params) if isinstance(params, Mapping) else list(params)
        return cursor.execute(sql, bound).df()
    finally:
        cursor.close()


@st.cache_data(max_entries=_CACHE_ENTRIES, show_spinner=False)
def _cached_query(snapshot: SnapshotId, sql: str, params: Params) -> pd.DataFrame:
    """Run one constant query against one specific file version."""
    frame = run_query(snapshot, sql, params)
    if _identity(Path(snapshot.path)) != snapshot:
        raise _SnapshotChanged
    return frame


def query_on(snapshot: SnapshotId, sql: str, params: Params = ()) -> pd.DataFrame:
    """Query one given file version (cached): for values derived from a version's rows and
    cached on its identity, read with :func:`on_current_snapshot`."""
    return _cached_query(snapshot, sql, only_used(sql, params))


def only_used(sql: str, params: Params) -> Params:
    """DuckDB rejects named parameters the text does not use; a shared scope offers more."""
    if not isinstance(params, Mapping):
        return params
    used = set(_NAMED_PARAM.findall(sql))
    return {name: value for name, value in params.items() if name in used}


def query(sql: str, params: Params = ()) -> pd.DataFrame:
    """Query the current snapshot (cached per file version); retry if it is swapped mid-way.

    ``params`` is a tuple for ``?`` placeholders or a mapping for ``$name`` placeholders.
    """
    params = only_used(sql, params)
    return on_current_snapshot(lambda snapshot: _cached_query(snapshot, sql, params))


def prefetch(queries: Sequence[tuple[str, Params]]) -> None:
    """Start filling the cache entries of queries the page will ask for further down.

    A page draws its header, filters and tiles on the script thread before its body asks for
    its own queries, one after another. Started here, those queries scan on other cores
    while the script thread builds pandas frames and Plotly figures: DuckDB releases the GIL
    while it runs. The page's own call later takes the same cache entry: Streamlit computes
    one key once and makes a second caller wait for it, so nothing runs twice. A query that
    fails here is not reported; the page's own call runs it again and says why.
    """
    context = get_script_run_ctx()
    for sql, params in queries:
        _PREFETCH.submit(_warm, context, sql, params)


def _warm(context: ScriptRunContext | None, sql: str, params: Params) -> None:
    # The session's context, so the cache machinery sees the same run as the page does.
    add_script_run_ctx(threading.current_thread(), context)
    try:
        query(sql, params)
    except Exception:  # noqa: BLE001  (re-run and reported by the page's own call)
        _log.debug("prefetch failed: %s", sql, exc_info=True)


def query_many(queries: Sequence[tuple[str, Params]]) -> list[pd.DataFrame]:
    """Independent queries on one file version, run side by side, results in order.

    For a page that needs a dozen small filtered scans at once (the entity profile): DuckDB
    releases the GIL while it scans, so four cursors overlap what would otherwise be waited
    for one after another (the profile's eleven queries at full scale: 290 → 185 ms). The
    batch is cached as one entry, on the same file-identity key as :func:`query`.
    """
    bound = tuple((sql, only_used(sql, params)) for sql, params in queries)
    return on_current_snapshot(lambda snapshot: _cached_many(snapshot, bound))


@st.cache_data(max_entries=_CACHE_ENTRIES, show_spinner=False)
def _cached_many(
    snapshot: SnapshotId, queries: tuple[tuple[str, Params], ...]
) -> list[pd.DataFrame]:
    if not queries:
        return []
    with ThreadPoolExecutor(max_workers=min(_PARALLEL_QUERIES, len(queries))) as pool:
        frames = list(pool.map(lambda query: run_query(snapshot, *query), queries))
    if _identity(Path(snapshot.path)) != snapshot:
        raise _SnapshotChanged
    return frames


def on_current_snapshot(read: Callable[[SnapshotId], T]) -> T:
    """``read`` on the current file version, again if it was swapped meanwhile; DuckDB errors
    become SnapshotUnavailable so pages can say so."""
    for _ in range(_SWAP_RETRIES):
        snapshot = snapshot_identity()
        try:
            return read(snapshot)
        except _SnapshotChanged:
            continue
        except duckdb.Error as exc:
            if _identity(Path(snapshot.path)) is None:
                raise SnapshotUnavailable(Path(snapshot.path), "missing") from exc
            raise SnapshotUnavailable(Path(snapshot.path), "unreadable", str(exc)) from exc
    raise SnapshotUnavailable(snapshot_path(), "unreadable", "the snapshot kept changing")


_CATALOG_SQL = """
select * from indicators.catalog
order by display_order nulls last, category_code
"""

# Periods that start after the data's as-of day hold only forward-dated events (e.g. a
# rectification deadline next month); they are not a month "with data" and would make an
# almost empty default, so the selectable periods stop at meta.build_info.data_as_of.
_AS_OF_SQL = "(select max(data_as_of) from meta.build_info)"

# The periods come from indicators.periods (a few dozen rows), not a scan of every value.
_PERIODS_SQL = f"""
select period_start from indicators.periods
where period_grain = ? and period_start <= coalesce({_AS_OF_SQL}, period_start)
order by period_start desc
"""

_VALUES_SQL = f"""
select category_code, period_start, value, numerator, denominator, target, score, status
from indicators.values
where period_grain = ? and geo_level = ? and geo_code = ? and department_code = ?
  and period_start = coalesce(?, (
        select max(period_start) from indicators.periods
        where period_grain = ? and period_start <= coalesce({_AS_OF_SQL}, period_start)))
order by category_code
"""

_GEOGRAPHY_SQL = """
select geo_code, geo_level, parent_code, name_zh, name_en from marts.dim_geography
where (? is null or geo_level = ?) order by geo_level, geo_code
"""

_DEPARTMENTS_SQL = """
select d.department_code, d.name_zh, d.name_en, d.domain_code
from marts.dim_department d
where d.department_code in (select distinct department_code from indicators.values)
order by d.department_code
"""

_BUILD_INFO_SQL = """
select published_at, data_as_of, git_commit, scenario from meta.build_info limit 1
"""


_SLICE_VALUES_SQL = """
select category_code, geo_level, geo_code, department_code, period_start, value, numerator,
       denominator, target, score, status
from indicators.values
where period_grain = $grain and period_start = $period
  and list_contains($geos, geo_code) and list_contains($departments, department_code)
"""

# Only the page's categories and the months a tile draws: every category's whole history
# for the slice was ~5,000 rows at full scale, a third of them split into trends in Python
# and never shown.
_SLICE_TRENDS_SQL = """
select category_code, geo_code, department_code, period_start, value, target, score, status
from indicators.values
where period_grain = $grain and period_start <= $period and period_start >= $since
  and list_contains($categories, category_code)
  and list_contains($geos, geo_code) and list_contains($departments, department_code)
order by category_code, geo_code, department_code, period_start
"""

# Which levels and whether per-department slices exist, per category: a tile whose category is
# not computed for a town (teams sit at county level) falls back to the nearest level that is.
# Read from indicators.category_levels: grouping every value took ~45 ms of each page's first
# view at full scale (measured in AppTest); reading the few hundred rows, a few ms.
_CATEGORY_LEVELS_SQL = """
select category_code, geo_level, has_departments
from indicators.category_levels where period_grain = $grain
"""

# A league table: every place under one parent (counties of the city, towns of a county) for
# one period; a category that does not slice by department is read at 'ALL'.
_LEAGUE_SQL = """
select v.geo_code, v.category_code, v.value, v.target, v.score, v.status
from indicators.values v
join marts.dim_geography g on g.geo_code = v.geo_code
where v.period_grain = $grain and v.period_start = $period and v.geo_level = $level
  and ($parent::varchar is null or g.parent_code = $parent)
  and v.department_code = case when list_contains($by_department, v.category_code)
                               then $department else 'ALL' end
"""

_COLUMNS_SQL = """
select table_schema, table_name, column_name, data_type from information_schema.columns
order by table_schema, table_name, ordinal_position
"""


def load_catalog() -> pd.DataFrame:
    """Every indicator category, in display order."""
    return query(_CATALOG_SQL)


def load_periods(period_grain: str = "month") -> list[date]:
    """Periods with data up to the as-of day, newest first (the first is the default)."""
    frame = query(_PERIODS_SQL, (period_grain,))
    return [_as_date(value) for value in frame["period_start"]]


def load_latest_values(
    period_grain: str = "month",
    geo_level: str = "city",
    geo_code: str = CITY_CODE,
    department_code: str = ALL_DEPARTMENTS,
    period_start: date | None = None,
) -> pd.DataFrame:
    """One row per category for one slice, at ``period_start`` or else the latest period
    up to the data's as-of day (the same default the period picker offers first)."""
    params = (period_grain, geo_level, geo_code, department_code, period_start, period_grain)
    return query(_VALUES_SQL, params)


def load_geographies(geo_level: str | None = None) -> pd.DataFrame:
    """Places from the geography dimension, optionally one level only."""
    return query(_GEOGRAPHY_SQL, (geo_level, geo_level))


def geographies_on(snapshot: SnapshotId) -> pd.DataFrame:
    """Every place of one file version: the same cached read as ``load_geographies()``."""
    return query_on(snapshot, _GEOGRAPHY_SQL, (None, None))


def load_departments() -> pd.DataFrame:
    """Departments that actually have indicator values (so every choice shows something)."""
    return query(_DEPARTMENTS_SQL)


def build_info() -> BuildInfo:
    """Provenance of the snapshot; empty fields when the table is empty."""
    frame = query(_BUILD_INFO_SQL)
    if frame.empty:
        return BuildInfo(None, None, None, None)
    row = frame.iloc[0]
    published = row["published_at"]
    published_at = None if pd.isna(published) else pd.Timestamp(published).to_pydatetime()
    if published_at is not None and published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    as_of = row["data_as_of"]
    return BuildInfo(
        published_at=published_at,
        data_as_of=None if pd.isna(as_of) else _as_date(as_of),
        git_commit=None if pd.isna(row["git_commit"]) else str(row["git_commit"]),
        scenario=None if pd.isna(row["scenario"]) else str(row["scenario"]),
    )


def snapshot_modified_at() -> datetime:
    """When the current file was swapped in (a fallback when build_info has no timestamp)."""
    return datetime.fromtimestamp(snapshot_identity().mtime_ns / 1e9, tz=UTC)


def _as_date(value: object) -> date:
    """Normalise DuckDB/pandas date-ish values to ``datetime.date``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def load_slice_values(
    period: date, geos: list[str], departments: list[str], period_grain: str = "month"
) -> pd.DataFrame:
    """Values of every category at one period for a few places and departments at once
    (the chosen slice and the fallbacks a tile may need)."""
    params = {"grain": period_grain, "period": period, "geos": geos, "departments": departments}
    return query(_SLICE_VALUES_SQL, params)


def load_slice_trends(
    period: date,
    since: date,
    categories: list[str],
    geos: list[str],
    departments: list[str],
    period_grain: str = "month",
) -> pd.DataFrame:
    """History from ``since`` to ``period`` of some categories for the same places and
    departments, oldest first."""
    params = {
        "grain": period_grain,
        "period": period,
        "since": since,
        "categories": categories,
        "geos": geos,
        "departments": departments,
    }
    return query(_SLICE_TRENDS_SQL, params)


def load_category_levels(period_grain: str = "month") -> pd.DataFrame:
    """The geographic levels each category is computed at (and whether by department)."""
    return query(_CATEGORY_LEVELS_SQL, {"grain": period_grain})


def load_league(
    period: date,
    level: str,
    parent: str | None,
    department: str = ALL_DEPARTMENTS,
    by_department: list[str] | None = None,
    period_grain: str = "month",
) -> pd.DataFrame:
    """Every place at ``level`` (under ``parent``) for one period, for league tables."""
    params = {
        "grain": period_grain,
        "period": period,
        "level": level,
        "parent": parent,
        "department": department,
        "by_department": by_department or [],
    }
    return query(_LEAGUE_SQL, params)


def table_columns(schema: str, table: str) -> list[str]:
    """Columns of one table, in order; empty when the table is not in this snapshot."""
    return on_current_snapshot(_column_index).get(f"{schema}.{table}", [])


# ``schema.table`` → its columns, per file version. A page asks ~100 times a render whether
# a mart has the columns a query needs; asked through st.cache_data (hash the key, copy the
# value) the asking was ~8% of a render (py-spy), so the index is kept here as it is.
_column_indexes: dict[SnapshotId, dict[str, list[str]]] = {}


def _column_index(snapshot: SnapshotId) -> dict[str, list[str]]:
    index = _column_indexes.get(snapshot)
    if index is None:
        index = _column_indexes[snapshot] = _index_columns(snapshot)
        for stale in list(_column_indexes)[:-_KEEP_INSTANCES]:
            _column_indexes.pop(stale, None)
    return index


def clear_caches() -> None:
    """Forget every query result and column index (the state right after a publish that
    nobody has viewed yet: the benchmark's and the tests' starting point)."""
    st.cache_data.clear()
    _column_indexes.clear()


def _index_columns(snapshot: SnapshotId) -> dict[str, list[str]]:
    """Group the column list by table once; filtering the whole list on each ask took ~15%
    of a page's render (profiled)."""
    frame = _cached_query(snapshot, _COLUMNS_SQL, ())
    index: dict[str, list[str]] = {}
    for schema, table, column in zip(
        frame["table_schema"], frame["table_name"], frame["column_name"], strict=True
    ):
        index.setdefault(f"{schema}.{table}", []).append(column)
    return index


def has_columns(schema: str, table: str, columns: tuple[str, ...] = ()) -> bool:
    """True when the table exists and has every named column."""
    present = set(table_columns(schema, table))
    return bool(present) and set(columns) <= present
