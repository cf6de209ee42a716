"""A crash never reaches the cockpit, and readers never block the pipeline (issue 7).

On a copy of the built demo warehouse: the transform (dbt, then publish) is started as its
own process and killed with SIGKILL while dbt is running; the served snapshot must be byte for
byte the one before, and the next run must recover and publish the same indicator values.
During that second run, reader processes query ``cockpit.duckdb`` in a loop, as the cockpit
and auditors do, and must never see a lock error.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

from sources.config import REPO_ROOT

DBT_START_TIMEOUT_S = 300
RUN_TIMEOUT_S = 900
READERS = 2

READER = """
import sys, time, duckdb
path, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
queries = errors = 0
messages = []
import os
while not os.path.exists(stop):
    try:
        with duckdb.connect(path, read_only=True) as con:
            con.execute('select count(*) from indicators."values"').fetchall()
        queries += 1
    except duckdb.Error as exc:
        errors += 1
        messages.append(str(exc)[:200])
    time.sleep(0.1)
open(out, "w").write(f"{queries} {errors}\\n" + "\\n".join(messages[:5]))
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def children(pid: int) -> list[int]:
    """Every descendant of a process, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found.extend(kids)
        frontier.extend(kids)
    return found


def runs_dbt(pid: int) -> bool:
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"dbt" in command and b"build" in command:
            return True
    return False


def transform(data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COCKPIT_DATA_DIR": str(data_dir), "DAGSTER_DISABLE_TELEMETRY": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines", "transform", "--data-dir", str(data_dir)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes dbt down with it
    )


def indicator_values(snapshot: Path) -> pl.DataFrame:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return con.sql('select * from indicators."values" order by all').pl()


def test_a_killed_build_leaves_the_snapshot_and_the_next_run_recovers(
    published_data_dir: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(published_data_dir / "warehouse", data_dir / "warehouse")
    snapshot = data_dir / "warehouse" / "cockpit.duckdb"
    served_before, values_before = sha256(snapshot), indicator_values(snapshot)

    doomed = transform(data_dir)
    deadline = time.monotonic() + DBT_START_TIMEOUT_S
    while not runs_dbt(doomed.pid):
        assert doomed.poll() is None, "the transform ended before dbt started"
        assert time.monotonic() < deadline, "dbt never started"
        time.sleep(0.2)
    time.sleep(5)  # let dbt get into its models
    assert doomed.poll() is None, "the transform finished before it could be killed"
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=60)

    assert sha256(snapshot) == served_before
    assert indicator_values(snapshot).equals(values_before)

    stop = tmp_path / "stop"
    outputs = [tmp_path / f"reader{i}.txt" for i in range(READERS)]
    readers = [
        subprocess.Popen([sys.executable, "-c", READER, str(snapshot), str(stop), str(out)])
        for out in outputs
    ]
    try:
        recovery = transform(data_dir)
        assert recovery.wait(timeout=RUN_TIMEOUT_S) == 0
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=60)

    assert sha256(snapshot) != served_before, "the recovery run published no new snapshot"
    assert indicator_values(snapshot).equals(values_before)
    for out in outputs:
        counts, *messages = out.read_text().splitlines()
        queries, errors = map(int, counts.split())
        assert queries > 0 and errors == 0, messages


def _largest_csv(landing: Path, day: str) -> Path:
    """The day's CSV export with the most lines (a batch big enough for its share to count)."""
    files = sorted(landing.glob(f"*/{day}/*.csv"), key=lambda p: len(p.read_bytes().splitlines()))
    return files[-1]


def test_a_bad_batch_is_quarantined_and_blocks_publish(
    published_data_dir: Path, tmp_path: Path
) -> None:
    """A day's export arrives half broken: its rows go to quarantine with their raw text, the
    table's blocking suite fails, and the rebuild of that day publishes nothing: the served
    snapshot stays byte for byte the one before."""
    from quality.suites import MAX_BATCH_QUARANTINE_SHARE, MIN_ROWS_FOR_SHARE

    data_dir = tmp_path / "data"
    shutil.copytree(published_data_dir, data_dir, ignore=shutil.ignore_patterns("dagster_home"))
    snapshot = data_dir / "warehouse" / "cockpit.duckdb"
    served_before = sha256(snapshot)
    day = max(p.name for p in (data_dir / "landing").glob("*/2*") if p.is_dir())
    export = _largest_csv(data_dir / "landing", day)
    header, *rows = export.read_bytes().splitlines(keepends=True)
    assert len(rows) >= MIN_ROWS_FOR_SHARE, export
    broken = [row[: len(row) // 3] + b"\n" if n % 2 else row for n, row in enumerate(rows)]
    export.write_bytes(header + b"".join(broken))
    table = f"{export.parent.parent.name}_{export.stem}"

    env = {**os.environ, "COCKPIT_DATA_DIR": str(data_dir), "DAGSTER_DISABLE_TELEMETRY": "1"}
    completed = subprocess.run(
        [sys.executable, "-m", "pipelines", "build", "--first-day", day, "--last-day", day],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
    )
    assert completed.returncode != 0, completed.stdout[-2000:]
    assert sha256(snapshot) == served_before

    with duckdb.connect(str(data_dir / "warehouse" / "build.duckdb"), read_only=True) as con:
        landed, loaded, quarantined = con.execute(
            "select sum(landed), sum(loaded), sum(quarantined) from meta.ingest_files "
            "where table_name = ? and partition_date = ? and source_file like ?",
            [table, day, f"%{export.name}"],
        ).fetchone()
        kept = con.execute(
            f"select count(*) from quarantine.{table} where _partition_date = ? "
            "and raw_text is not null", [day],
        ).fetchone()[0]
        failed = con.execute(
            "select expectation, column_name from quality.check_results "
            "where asset_key = ? and severity = 'error' and not success "
            "and checked_at = (select max(checked_at) from quality.check_results "
            "                  where asset_key = ?)",
            [f"raw/{table}", f"raw/{table}"],
        ).fetchall()
    assert landed == loaded + quarantined == len(rows)
    assert quarantined / landed > MAX_BATCH_QUARANTINE_SHARE and kept >= quarantined
    assert [column for _, column in failed] == ["quarantine_share_judged"], failed
