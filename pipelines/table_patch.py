"""Patching one snapshot table to equal the build's, instead of copying it whole.

The publish (``pipelines.publish``) starts the next snapshot from the served one and makes
each table the build's. An incremental mart's rows carry the time of the run that wrote
them, so only the rows of runs the snapshot has not seen need copying (``patch_new_runs``);
a table dbt rebuilt whole changes by ~1 % a day, so only the rows whose hash differs need
deleting and inserting (``patch_changed_rows``). Either returns False, with the table
untouched, when its checks on the patched table fail (each function says which); the publish
then copies the table whole. Both run on the snapshot's connection, with the build database
attached as ``build``.
"""

import datetime as dt

import duckdb

from pipelines.tested_rows import WRITTEN_AT


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()


def patch_new_runs(
    con: duckdb.DuckDBPyConnection, snapshot: str, schema: str, table: str, keys: list[str]
) -> bool:
    """Copy into the snapshot's table only the build's rows written by runs the snapshot has
    not seen, replacing the rows of the same keys; False (and the table untouched) when it
    cannot be patched: another shape, no run times, a row count that would differ, or any
    error on the way. The unseen runs' times are read first and then filtered on as
    constants, which DuckDB can check against each row group's min/max, where a
    ``not in (subquery)`` read the whole fact (full scale, fresh build: 0.17-0.27 -> 0.05 s
    for each month fact)."""
    ours = _columns(con, snapshot, schema, table)
    if ours != _columns(con, "build", schema, table) or (WRITTEN_AT, "TIMESTAMP") not in ours:
        return False
    name, source = f'"{schema}"."{table}"', f'build."{schema}"."{table}"'
    seen = set(_run_times(con, name))
    built = _run_times(con, source)
    if not seen.intersection(built):  # a full refresh rewrote every row: copy it whole
        return False
    unseen = [written for written in built if written not in seen]
    con.execute("begin transaction")
    try:
        replaced = _replace_rows(con, name, source, unseen, keys)
    except duckdb.Error:  # whatever went wrong, the whole copy still can be made
        replaced = False
    con.execute("commit" if replaced else "rollback")
    return replaced


def _run_times(con: duckdb.DuckDBPyConnection, name: str) -> list[dt.datetime]:
    """The distinct times of the runs that wrote a table's rows."""
    rows = con.execute(
        f"select distinct {WRITTEN_AT} from {name} where {WRITTEN_AT} is not null"
    ).fetchall()
    return [row[0] for row in rows]


def patch_changed_rows(
    con: duckdb.DuckDBPyConnection, snapshot: str, schema: str, table: str
) -> bool:
    """For a table dbt rebuilt whole: delete the snapshot's rows the build no longer has and
    insert the build's rows the snapshot lacks, rows told apart by their hash. A day changes
    ~1 % of such a table's rows, and hashing both copies costs about half of copying one.
    True only when the patched table then holds the build's rows exactly; else the table is
    untouched and copied whole. The rows it then holds are the served rows it kept and the
    build's rows it took, whose hashes are already known: their count, sum and xor must be
    the build's (a row repeated a different number of times on the two sides changes the
    count or the sum), and the table's own count must be that count. Hashing the patched
    table again and comparing count and xor, as before, passed such a table."""
    if _columns(con, snapshot, schema, table) != _columns(con, "build", schema, table):
        return False
    name, source = f'"{schema}"."{table}"', f'build."{schema}"."{table}"'
    con.execute("begin transaction")
    try:  # each side's rows hashed once (the rows' hashes, by row id)
        con.execute(f"create temp table served_rows as select rowid as row_id, "
                    f"hash(served) as row_hash from {name} as served")
        con.execute(f"create temp table built_rows as select rowid as row_id, "
                    f"hash(built) as row_hash from {source} as built")
        con.execute("create temp table fresh_rows as select * from built_rows "
                    "where row_hash not in (select row_hash from served_rows)")
        con.execute("create temp table stale_rows as select * from served_rows "
                    "where row_hash not in (select row_hash from built_rows)")
        con.execute(f"create temp table fresh as select * from {source} "
                    "where rowid in (select row_id from fresh_rows)")
        con.execute(f"delete from {name} where rowid in (select row_id from stale_rows)")
        con.execute(f"insert into {name} select * from fresh")
        same = _holds_the_build_rows(con, name)
        for temp in ("fresh", "fresh_rows", "stale_rows", "served_rows", "built_rows"):
            con.execute(f"drop table {temp}")
    except duckdb.Error:
        same = False
    con.execute("commit" if same else "rollback")
    return same


def _holds_the_build_rows(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the patched table holds the build's rows: the served rows kept (all but the
    stale ones) and the fresh ones have the build's count, hash sum and hash xor, and the
    table that many rows. Reads the temp tables ``patch_changed_rows`` made."""
    summary = "count(*), sum(row_hash::hugeint), bit_xor(row_hash)"
    kept_and_fresh = con.execute(
        f"select {summary} from (select row_hash from served_rows where row_id not in "
        "(select row_id from stale_rows) union all select row_hash from fresh_rows)"
    ).fetchall()
    built = con.execute(f"select {summary} from built_rows").fetchall()
    held = con.execute(f"select count(*) from {name}").fetchall()
    return kept_and_fresh == built and held[0][0] == built[0][0]


def _replace_rows(
    con: duckdb.DuckDBPyConnection, name: str, source: str, unseen: list[dt.datetime],
    keys: list[str],
) -> bool:
    """Inside the caller's transaction: the build's rows of the ``unseen`` runs replace
    their keys' rows; True when the table then holds as many rows as the build's."""
    if unseen:
        matches = " and ".join(f'snapshot."{key}" = fresh."{key}"' for key in keys)
        times = ", ".join("?" for _ in unseen)
        con.execute(
            f"create temp table fresh as select * from {source} where {WRITTEN_AT} in ({times})",
            unseen,
        )
        con.execute(f"delete from {name} as snapshot using fresh where {matches}")
        con.execute(f"insert into {name} select * from fresh")
        con.execute("drop table fresh")
    counts = con.execute(f"select (select count(*) from {name}), (select count(*) from {source})")
    ours, theirs = counts.fetchone() or (0, -1)
    return ours == theirs
