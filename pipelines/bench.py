"""Benchmark: ``python -m pipelines.bench --scale full`` (``make bench``).

Times the stages a nightly refresh runs, each in its own process so peak memory is the
stage's own, beside the physical limit (a bare DuckDB load of the same files): generation,
the full build, one daily incremental run checked against a full rebuild
(``bench_daily``), the indicator layer, cockpit latency (``bench_cockpit``) and the build at
10/50/100 % of full volume (``bench_growth``). Appends the figures and every budget of issue 8,
met or missed (``bench_budgets``), to ``docs/benchmarks.md`` with the machine and commit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pipelines.bench_budgets import Measured, budgets_table, verdicts
from pipelines.bench_daily import DailyResult, daily_run, daily_text, holding_back
from pipelines.bench_growth import (
    SHARES,
    GrowthPoint,
    growth_ratio,
    growth_text,
    manifest_records,
    measure_step,
)
from pipelines.bench_machine import machine
from pipelines.bench_stages import Stage, run_stage, scratch, settle_disk, stage_rows
from sources.config import DATA_DIR_ENV, REPO_ROOT, DataPaths, data_paths

RESULTS = REPO_ROOT / "docs" / "benchmarks.md"


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


def report(scale: str, stages: list[Stage], records: str, command: str) -> str:
    """The section's header, the stage table and the records generated."""
    from pipelines.publish import git_commit

    lines = [
        f"\n## {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · scale `{scale}` · "
        f"commit `{git_commit()}`",
        "",
        f"Machine: {machine()}. Command: `{command}`.",
        "",
        *([*stage_rows(stages), ""] if stages else []),
        records,
    ]
    bare = next((s for s in stages if s.name.startswith("bare")), None)
    build = next((s for s in stages if s.name.startswith(BUILD)), None)
    if bare and build and bare.wall_s:
        lines.append(f"\nFull build ÷ bare load: {build.wall_s / bare.wall_s:.1f}×")
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


BUILD = "full build (ingest → dbt → publish)"


def build_stage(
    paths: DataPaths, python: str, env: dict[str, str], with_daily: bool
) -> tuple[Stage, DailyResult | None]:
    """The full build; with the daily stage, built without the last landed day, which then
    lands back for one timed daily run."""
    command = [python, "-m", "pipelines", "build"]
    if not with_daily:
        return run_stage(BUILD, command, env), None
    with holding_back(paths.landing, paths.root / "bench-held-back") as day:
        build = run_stage(f"{BUILD}, {day} held back", command, env)
    return build, daily_run(paths, day, python, env)


def cockpit_stage(data_dir: Path) -> tuple[str, float, float]:
    """The cockpit latency section and the overall page and query p95 the budgets judge."""
    from pipelines.bench_cockpit import measure_cockpit, render_report

    settle_disk()
    measured = measure_cockpit(data_dir)
    return render_report(measured), measured.page_p95, measured.query_p95


def growth_stage(
    steps: Sequence[str],
    scale: str,
    build: Stage | None,
    records: int,
    python: str,
    env: dict[str, str],
    window: Sequence[str],
    parent: Path | None = None,
) -> list[GrowthPoint]:
    """Each growth step built in its own directory (under ``parent``); this run's scale
    reuses its own build."""
    wanted = [*steps, *([scale] if build and scale in SHARES and scale not in steps else [])]
    points = []
    for step in wanted:
        if step == scale and build is not None:
            note = "this run's build" + (", last day held back" if "held back" in build.name
                                         else "")
            points.append(GrowthPoint(step, records, build, note))
        else:
            points.append(measure_step(step, python, env, window, parent))
    return points


STAGES = ("generation", "bare", "build", "daily", "indicators", "cockpit", "growth")
DEFAULT_STAGES = STAGES[:-1]  # growth generates and builds tenth and half: asked for by name


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__)
    parser.add_argument("--scale", default="demo", choices=["demo", "tenth", "half", "full"])
    parser.add_argument("--data-dir", help="data directory to run in and keep (default: a "
                        "temporary one under $COCKPIT_DATA_DIR, else under the system's)")
    parser.add_argument("--stages", default=",".join(DEFAULT_STAGES),
                        help=f"comma-separated subset of {','.join(STAGES)} (default: all but "
                        "growth; daily needs build; indicators and cockpit time the built data)")
    parser.add_argument("--growth-scales", default="tenth,half",
                        help="scales the growth stage generates and builds (default: tenth,half; "
                        "the run's own scale reuses its build)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="markdown file the report is appended to (default: %(default)s)")
    parser.add_argument("--start", help="first day generated (quick checks; default: the "
                        "simulator's)")
    parser.add_argument("--end", help="last day generated")
    args = parser.parse_args(argv)
    args.wanted = set(args.stages.split(","))
    if not args.wanted <= set(STAGES):
        parser.error(f"--stages takes a subset of {','.join(STAGES)}")
    if "daily" in args.wanted and "build" not in args.wanted:
        parser.error("the daily stage needs the build stage (built with the last day held back)")
    args.growth_steps = [s for s in args.growth_scales.split(",") if s]
    if not set(args.growth_steps) <= set(SHARES):
        parser.error(f"--growth-scales takes a subset of {','.join(SHARES)}")
    args.window = [*(["--start", args.start] if args.start else []),
                   *(["--end", args.end] if args.end else [])]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wanted, python = args.wanted, sys.executable
    command = f"python -m pipelines.bench --scale {args.scale} --stages {args.stages}"
    # the scratch data lives under the operator's data directory (Make sets it), not in /tmp
    chosen = os.environ.get(DATA_DIR_ENV)
    with scratch("bench-", Path(chosen) if chosen and not args.data_dir else None) as folder:
        paths = data_paths(args.data_dir or folder).ensure()
        env = {**os.environ, DATA_DIR_ENV: str(paths.root)}
        stages: list[Stage] = []
        generation = bare = build = None
        daily: DailyResult | None = None
        if "generation" in wanted:
            generation = run_stage(
                "generation",
                [python, "-m", "sources.simulator", "generate", "--scale", args.scale,
                 "--landing", str(paths.landing), *args.window],
                env,
            )
            stages.append(generation)
        if "bare" in wanted:
            bare = run_stage("bare DuckDB load",
                             [python, "-m", "pipelines.bench_bare", str(paths.landing)], env)
            stages.append(bare)
        if "build" in wanted:
            build, daily = build_stage(paths, python, env, "daily" in wanted)
            stages += [build, *(daily.stages if daily else [])]
        if "indicators" in wanted:
            stages.append(indicator_layer(paths.build_db, env))
        manifest = paths.root / "simulator" / "manifest.json"
        sections = [report(args.scale, stages, records_table(manifest), command)]
        if daily:
            sections.append(daily_text(daily, build))
        page_p95 = query_p95 = None
        if "cockpit" in wanted:
            text, page_p95, query_p95 = cockpit_stage(paths.root)
            sections.append(text.strip("\n"))
        points: list[GrowthPoint] = []
        if "growth" in wanted:
            points = growth_stage(args.growth_steps, args.scale, build,
                                  manifest_records(manifest), python, env, args.window,
                                  paths.root)
            sections.append(growth_text(points))
    measured = Measured(generation, bare, build, daily.run if daily else None,
                        daily.comparison.equal if daily else None, page_p95, query_p95,
                        growth_ratio(points) if points else None)
    if args.scale != "full":
        sections.append(f"Budgets are set for full scale; at scale `{args.scale}` these "
                        "verdicts only show the report works.")
    sections.append(budgets_table(verdicts(measured)))
    text = "\n\n".join(sections) + "\n"
    print(text)
    with args.results.open("a", encoding="utf-8") as handle:
        handle.write(text)
    return 0 if daily is None or daily.comparison.equal else 1


if __name__ == "__main__":
    sys.exit(main())
