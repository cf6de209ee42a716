"""The physical limit for ``make bench``: DuckDB reading every landed file into tables.

``python -m pipelines.bench_bare <landing>``. No validation at all: unreadable lines are
skipped and CSV columns stay text. It runs as a child process of the benchmark like every
other stage, because Linux carries a parent's peak RSS into each child it forks: a bare load
run inside the benchmark process (it peaks at ~3.6 GiB at full scale) made every later
stage report at least that peak.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from pipelines.bench_stages import scratch

# The bare read of one export name's files (bound as ``?``), per format: the one definition
# of "no validation" that this stage and ``pipelines.bench_ingest`` both time.
BARE_READERS = {
    ".csv": "read_csv(?, ignore_errors = true, all_varchar = true, union_by_name = true)",
    ".jsonl": "read_json(?, ignore_errors = true, format = 'newline_delimited', "
    "union_by_name = true)",
    ".parquet": "read_parquet(?, union_by_name = true)",
}


def bare_load(landing: Path) -> int:
    """Load every export of every system (all days at once) into a scratch database beside the
    landing zone (on the disk chosen for the data); returns the number of tables made."""
    exports = sorted({(p.parent.parent.name, p.name) for p in landing.glob("*/*/*.*")})
    tables = 0
    with (scratch("bench-bare-", landing.resolve().parent) as folder,
          duckdb.connect(f"{folder}/bare.duckdb") as con):
        for system, name in exports:
            stem, suffix = name.split(".", 1)[0], "." + name.split(".", 1)[1]
            found = sorted(landing.glob(f"{system}/*/{name}"))
            files = [str(f) for f in found if f.stat().st_size]
            if not files or suffix not in BARE_READERS:
                continue
            con.execute(
                f"create table {system}_{stem} as select * from {BARE_READERS[suffix]}", [files]
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
