"""Benchmark: ``python -m pipelines.bench --scale full`` (``make bench``).

Times the stages a nightly refresh runs, each in its own process so peak memory is the
stage's own, beside the physical limit (a bare DuckDB load of the same files), and appends
the figures to ``docs/benchmarks.md`` with the machine and commit they were measured on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.publish import git_commit
from sources.config import REPO_ROOT, data_paths

RESULTS = REPO_ROOT / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Stage:
    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mib: float


def run_stage(name: str, command: list[str], env: dict[str, str]) -> Stage:
    """Run one stage as a child process; CPU and peak memory come from its rusage."""
    started = time.perf_counter()
    pid = subprocess.Popen(command, env=env, cwd=REPO_ROOT).pid
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed: {' '.join(command)}")
    return Stage(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def bare_load(landing: Path) -> Stage:
    """The physical limit: DuckDB reading every landed file into tables, no validation."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF)
    readers = {".csv": "read_csv", ".jsonl": "read_json", ".parquet": "read_parquet"}
    exports = sorted({(p.parent.parent.name, p.name) for p in landing.glob("*/*/*.*")})
    with tempfile.TemporaryDirectory() as scratch, duckdb.connect(f"{scratch}/bare.duckdb") as con:
        for system, name in exports:
            stem, suffix = name.split(".", 1)[0], "." + name.split(".", 1)[1]
            found = sorted(landing.glob(f"{system}/*/{name}"))
            files = [str(f) for f in found if f.stat().st_size]
            if not files or suffix not in readers:
                continue
            # no validation at all: unreadable lines are skipped, everything else is text
            options = {
                ".csv": ", ignore_errors = true, all_varchar = true",
                ".jsonl": ", ignore_errors = true, format = 'newline_delimited'",
                ".parquet": "",
            }[suffix]
            con.execute(
                f"create table {system}_{stem} as select * from "
                f"{readers[suffix]}(?{options}, union_by_name = true)",
                [files],
            )
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Stage("bare DuckDB load", time.perf_counter() - started, cpu, after.ru_maxrss / 1024)


def indicator_layer(build_db: Path, env: dict[str, str]) -> Stage:
    """The indicator layer alone, on the built warehouse: every category measured, the
    indicator slices, the values with their scores and the drill-down queries."""
    dbt = str(Path(sys.executable).parent / "dbt")
    with tempfile.TemporaryDirectory(prefix="bench-dbt-") as target:
        return run_stage(
            "indicator layer (dbt run int_indicators__measured+)",
            [dbt, "run", "--quiet", "--select", "int_indicators__measured+",
             "--project-dir", str(REPO_ROOT / "dbt_project"),
             "--profiles-dir", str(REPO_ROOT / "dbt_project"), "--target-path", target],
            {**env, "COCKPIT_BUILD_DB": str(build_db)},
        )


def machine() -> str:
    cores = os.cpu_count()
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{cores} cores, {memory_gib:.0f} GiB, load average {load}"


def report(scale: str, stages: list[Stage], records: str) -> str:
    lines = [
        f"\n## {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · scale `{scale}` · "
        f"commit `{git_commit()}`",
        "",
        f"Machine: {machine()}. Command: `make bench SCALE={scale}`.",
        "",
        "| stage | wall s | CPU s | peak RSS MiB |",
        "|---|---:|---:|---:|",
        *(f"| {s.name} | {s.wall_s:.1f} | {s.cpu_s:.1f} | {s.peak_rss_mib:.0f} |" for s in stages),
        "",
        records,
    ]
    bare = next((s for s in stages if s.name.startswith("bare")), None)
    build = next((s for s in stages if s.name.startswith("full build")), None)
    if bare and build and bare.wall_s:
        lines.append(f"Full build ÷ bare load: {build.wall_s / bare.wall_s:.1f}×")
    return "\n".join(lines) + "\n"


def records_table(manifest: Path) -> str:
    """Records and exported rows per table from the generator's manifest, with the totals."""
    if not manifest.exists():
        return "Records generated: no manifest (generation not run in this benchmark)."
    written = json.loads(manifest.read_text(encoding="utf-8"))
    records, rows = written["records"], written["rows"]
    lines = ["| table | records | rows exported |", "|---|---:|---:|"]
    lines += [f"| {t} | {records.get(t, 0):,} | {rows[t]:,} |" for t in sorted(rows)]
    lines.append(f"| **total** | **{sum(records.values()):,}** | **{sum(rows.values()):,}** |")
    return "\n".join(lines)


STAGES = ("generation", "bare", "build", "indicators", "cockpit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__)
    parser.add_argument("--scale", default="demo", choices=["demo", "full"])
    parser.add_argument("--data-dir", help="scratch data directory (default: a temporary one)")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help="comma-separated subset of generation,bare,build,indicators,"
                        "cockpit (default: all; indicators and cockpit time the built data)")
    args = parser.parse_args(argv)
    wanted = set(args.stages.split(","))
    if not wanted <= set(STAGES):
        parser.error(f"--stages takes a subset of {','.join(STAGES)}")
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        paths = data_paths(args.data_dir or scratch).ensure()
        env = {**os.environ, "COCKPIT_DATA_DIR": str(paths.root)}
        python = sys.executable
        stages = []
        if "generation" in wanted:
            stages.append(run_stage(
                "generation",
                [
                    python,
                    "-m",
                    "sources.simulator",
                    "generate",
                    "--scale",
                    args.scale,
                    "--landing",
                    str(paths.landing),
                ],
                env,
            ))
        if "bare" in wanted:
            stages.append(bare_load(paths.landing))
        if "build" in wanted:
            stages.append(
                run_stage(
                    "full build (ingest → dbt → publish)", [python, "-m", "pipelines", "build"],
                    env,
                )
            )
        if "indicators" in wanted:
            stages.append(indicator_layer(paths.build_db, env))
        text = report(args.scale, stages, records_table(paths.root / "simulator" / "manifest.json"))
        if "cockpit" in wanted:
            from pipelines.bench_cockpit import cockpit_report

            text += cockpit_report(paths.root) + "\n"
    print(text)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
