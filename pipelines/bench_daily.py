"""The benchmark's daily stage: one new day of exports, against the full build (issue 8).

The build stage runs with the last landed day held back (its day folders moved out of the
landing zone, every system's); the day is then landed back and ONE daily run is timed with the
command an operator runs each day: ``python -m pipelines daily --day <day>`` (that day, every
table, ingested, then the incremental dbt build and publish, in one process). Its published
``indicators.values`` must then equal what ``python -m pipelines transform --full-refresh``
gives on the same warehouse. Ingest validates file by file, so the raw tables of a one-day
ingest are those a from-scratch build would load; the full refresh then rebuilds every model
from them, which makes it the from-scratch reference without a second full ingest.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.bench_stages import Stage, run_stage
from sources.config import DataPaths

DAILY = "daily run (`pipelines daily`: ingest one day → incremental dbt → publish)"
REFERENCE = "reference: transform --full-refresh (same warehouse)"
# What identifies a value: the category, its slice (geography and department) and the period.
VALUE_KEY = (
    "category_code", "period_grain", "period_start", "geo_level", "geo_code", "department_code"
)
RELATIVE_TOLERANCE = 1e-9  # sums over differently ordered rows may differ in the last bits


def last_landed_day(landing: Path) -> dt.date:
    """The newest day folder any system landed (the day the daily run ingests). Read from
    the folder names as ``loading.landed_days`` does, without importing the loaders (the
    bench process measures the bare load's memory itself)."""
    days = []
    for folder in landing.glob("*/*"):
        if not folder.is_dir():
            continue
        try:
            days.append(dt.date.fromisoformat(folder.name))
        except ValueError:
            continue
    if not days:
        raise SystemExit(f"nothing landed under {landing}: generate exports first")
    return max(days)


def day_folders(landing: Path, day: dt.date) -> list[Path]:
    """Every system's folder of one day, for the systems that landed that day."""
    return sorted(p for p in landing.glob(f"*/{day.isoformat()}") if p.is_dir())


@contextmanager
def holding_back(landing: Path, store: Path) -> Iterator[dt.date]:
    """Move the last landed day's folders out of the landing zone into ``store``; they go back
    (by rename, so byte for byte) when the block ends, whether it succeeded or not."""
    if store.exists() and any(store.iterdir()):  # a killed run's held-back day: never lose it
        raise SystemExit(f"{store} holds day folders of an earlier run: move them back into "
                         f"{landing} first")
    day = last_landed_day(landing)
    moved: list[tuple[Path, Path]] = []
    try:
        for folder in day_folders(landing, day):
            aside = store / folder.parent.name / folder.name
            aside.parent.mkdir(parents=True, exist_ok=True)
            os.rename(folder, aside)
            moved.append((folder, aside))
        yield day
    finally:
        for folder, aside in reversed(moved):
            os.rename(aside, folder)
        shutil.rmtree(store, ignore_errors=True)


@dataclass(frozen=True)
class Comparison:
    """``indicators.values`` of the daily run's snapshot against the full rebuild's."""

    daily_rows: int
    full_rows: int
    differing: int
    first: list[tuple[object, ...]] = field(default_factory=list)  # key…, daily, full value

    @property
    def equal(self) -> bool:
        return self.differing == 0 and self.daily_rows == self.full_rows


def compare_values(daily_db: Path, full_db: Path, limit: int = 10) -> Comparison:
    """Rows whose value differs, or that only one side has, matched on category, slice and
    period (null-safe: a city-wide slice may have no code)."""
    on = " and ".join(f"d.{k} is not distinct from f.{k}" for k in VALUE_KEY)
    keys = ", ".join(f"coalesce(d.{k}, f.{k}) as {k}" for k in VALUE_KEY)
    query = f"""
        with d as (select *, true as _here from daily.indicators."values"),
             f as (select *, true as _here from full_build.indicators."values")
        select {keys}, d.value as daily_value, f.value as full_value
        from d full outer join f on {on}
        where d._here is null or f._here is null or (d.value is distinct from f.value
            and not abs(d.value - f.value) <= {RELATIVE_TOLERANCE} * greatest(1, abs(f.value)))
        order by all
    """
    with duckdb.connect() as con:
        con.execute("attach ? as daily (read_only)", [str(daily_db)])
        con.execute("attach ? as full_build (read_only)", [str(full_db)])
        differing = con.execute(f"select count(*) from ({query})").fetchall()[0][0]
        first = con.execute(f"{query} limit {int(limit)}").fetchall()
        counts = [
            con.execute(f'select count(*) from {db}.indicators."values"').fetchall()[0][0]
            for db in ("daily", "full_build")
        ]
    return Comparison(counts[0], counts[1], differing, first)


def comparison_text(comparison: Comparison) -> str:
    """The equality check as report lines; the first differences when it fails."""
    if comparison.equal:
        return (f"Daily indicators: **equal** to the full rebuild "
                f"({comparison.daily_rows:,} rows of `indicators.values`).")
    lines = [
        f"Daily indicators: **FAILED**, {comparison.differing:,} rows differ "
        f"(daily {comparison.daily_rows:,} rows, full rebuild {comparison.full_rows:,}). "
        "First differences:",
        "",
        f"| {' | '.join(VALUE_KEY)} | daily value | full value |",
        "|" + "---|" * (len(VALUE_KEY) + 2),
        *("| " + " | ".join("—" if c is None else str(c) for c in row) + " |"
          for row in comparison.first),
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class DailyResult:
    day: dt.date
    stages: list[Stage]  # the daily run, then the reference full refresh
    comparison: Comparison

    @property
    def run(self) -> Stage:
        return next(s for s in self.stages if s.name == DAILY)


def daily_run(paths: DataPaths, day: dt.date, python: str, env: dict[str, str]) -> DailyResult:
    """Time one daily run of ``day`` (already landed back), then check it against a full
    refresh of the same warehouse; the data directory ends fully refreshed."""
    cli = [python, "-m", "pipelines"]
    run = run_stage(DAILY, [*cli, "daily", "--day", day.isoformat()], env)
    saved = paths.warehouse / "bench-daily-snapshot.duckdb"
    shutil.copy2(paths.cockpit_db, saved)
    try:
        reference = run_stage(REFERENCE, [*cli, "transform", "--full-refresh"], env)
        comparison = compare_values(saved, paths.cockpit_db)
    finally:
        saved.unlink(missing_ok=True)
    return DailyResult(day, [run, reference], comparison)


def daily_text(result: DailyResult, build: Stage | None) -> str:
    """What the daily stage did, its ratio to the build and the equality check."""
    ratio = f"; full build ÷ daily run: {build.wall_s / result.run.wall_s:.1f}×" if build else ""
    return (
        f"Daily run: the last landed day ({result.day}) was held back from the build, landed "
        f"back, then ingested and transformed incrementally: {result.run.wall_s:.1f} s{ratio}.\n"
        + comparison_text(result.comparison)
    )
