"""The physical limit for ``make bench``: DuckDB reading every landed file into tables.

``python -m pipelines.bench_bare <landing>``. No validation at all: unreadable lines are
skipped and CSV columns stay text. It runs as a child process of the benchmark like every
other stage, because Linux carries a parent's peak RSS into each child it forks: a bare load
run inside the benchmark process (it peaks at ~3.6 GiB at full scale) made every later
stage report at least that peak.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb

READERS = {".csv": "read_csv", ".jsonl": "read_json", ".parquet": "read_parquet"}
OPTIONS = {
    ".csv": ", ignore_errors = true, all_varchar = true",
    ".jsonl": ", ignore_errors = true, format = 'newline_delimited'",
    ".parquet": "",
}


def bare_load(landing: Path) -> int:
    """Load every export of every system (all days at once) into a scratch database; returns
    the number of tables made."""
    exports = sorted({(p.parent.parent.name, p.name) for p in landing.glob("*/*/*.*")})
    tables = 0
    with tempfile.TemporaryDirectory() as scratch, duckdb.connect(f"{scratch}/bare.duckdb") as con:
        for system, name in exports:
            stem, suffix = name.split(".", 1)[0], "." + name.split(".", 1)[1]
            found = sorted(landing.glob(f"{system}/*/{name}"))
            files = [str(f) for f in found if f.stat().st_size]
            if not files or suffix not in READERS:
                continue
            con.execute(
                f"create table {system}_{stem} as select * from "
                f"{READERS[suffix]}(?{OPTIONS[suffix]}, union_by_name = true)",
                [files],
            )
            tables += 1
    return tables


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m pipelines.bench_bare <landing directory>", file=sys.stderr)
        return 2
    tables = bare_load(Path(args[0]))
    if not tables:
        print(f"nothing landed under {args[0]}", file=sys.stderr)
        return 1
    print(f"bare load: {tables} tables", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
