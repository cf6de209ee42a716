"""The benchmark's own logic (issue 8): budget verdicts, report text, holding back the last
landed day, the indicator comparison, and one demo-scale daily run on a built warehouse."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from pipelines.bench import parse_args
from pipelines.bench_budgets import MET, MISSED, NOT_RUN, Measured, budgets_table, verdicts
from pipelines.bench_daily import (
    DAILY,
    REFERENCE,
    compare_values,
    comparison_text,
    daily_run,
    holding_back,
    last_landed_day,
)
from pipelines.bench_growth import GrowthPoint, growth_ratio, growth_text
from pipelines.bench_stages import Stage, stage_rows
from sources.config import data_paths


def stage(name: str, wall: float, peak_mib: float = 100.0) -> Stage:
    return Stage(name, wall, wall * 0.9, peak_mib)


def by_budget(measured: Measured) -> dict[str, tuple[str, str]]:
    return {v.budget: (v.measured, v.status) for v in verdicts(measured)}


# --- budgets ---------------------------------------------------------------------------------

def test_verdicts_judge_every_budget_and_mark_the_missing_ones_not_run() -> None:
    found = by_budget(Measured(
        generation=stage("generation", 728.3, peak_mib=2390),
        bare=stage("bare", 100.0),
        build=stage("build", 450.0, peak_mib=7000),
        daily=stage("daily", 50.0),
        daily_equal=True,
        page_p95_ms=8400.0,
    ))
    assert found["generation ≤ 300 s"] == ("728.3 s", MISSED)
    assert found["generation peak ≤ 4 GiB"] == ("2.33 GiB", MET)
    assert found["full build ≤ 600 s"] == ("450.0 s", MET)
    assert found["full build ≤ 4× bare load"] == ("4.5×", MISSED)
    assert found["build peak ≤ 6 GiB"] == ("6.84 GiB", MISSED)
    assert found["daily run ≤ 60 s"] == ("50.0 s", MET)
    assert found["daily run ≥ 10× faster than the build"] == ("9.0×", MISSED)
    assert found["daily indicators = full rebuild"] == ("equal", MET)
    assert found["page p95 ≤ 500 ms"] == ("8400 ms", MISSED)
    assert found["query p95 ≤ 50 ms"] == ("—", NOT_RUN)
    assert found["growth: 100 % ≤ 2.2× 50 %"] == ("—", NOT_RUN)


def test_limits_are_inclusive_and_a_fast_enough_daily_run_meets_its_ratio() -> None:
    found = by_budget(Measured(
        build=stage("build", 600.0, peak_mib=6 * 1024), bare=stage("bare", 150.0),
        daily=stage("daily", 60.0), daily_equal=False, query_p95_ms=50.0, growth_ratio=2.2,
    ))
    for budget in ("full build ≤ 600 s", "full build ≤ 4× bare load", "build peak ≤ 6 GiB",
                   "daily run ≤ 60 s", "daily run ≥ 10× faster than the build",
                   "query p95 ≤ 50 ms", "growth: 100 % ≤ 2.2× 50 %"):
        assert found[budget][1] == MET, budget
    assert found["daily indicators = full rebuild"] == ("differ", MISSED)
    assert found["generation ≤ 300 s"][1] == NOT_RUN


def test_budgets_table_bolds_misses_and_counts_them() -> None:
    table = budgets_table(verdicts(Measured(generation=stage("generation", 301.0))))
    assert "| generation ≤ 300 s | 301.0 s | **missed** |" in table
    assert "| generation peak ≤ 4 GiB | 0.10 GiB | met |" in table
    assert "| page p95 ≤ 500 ms | — | not run |" in table
    assert table.endswith("Budgets: 1 met, 1 missed, 9 not run.")


def test_stage_rows() -> None:
    rows = stage_rows([Stage(DAILY, 30.0, 23.0, 700.0)])
    assert rows[:2] == ["| stage | wall s | CPU s | peak RSS MiB |", "|---|---:|---:|---:|"]
    assert rows[2] == f"| {DAILY} | 30.0 | 23.0 | 700 |"


def test_growth_table_and_ratio() -> None:
    points = [
        GrowthPoint("half", 28_000_000, stage("build half", 300.0)),
        GrowthPoint("tenth", 5_600_000, stage("build tenth", 70.0)),
        GrowthPoint("full", 56_000_000, stage("build full", 690.0), "this run's build"),
    ]
    assert growth_ratio(points) == pytest.approx(2.3)
    text = growth_text(points)
    lines = [line for line in text.splitlines() if line.startswith("| ")][1:]
    assert [line.split(" | ")[0] for line in lines] == ["| tenth", "| half",
                                                         "| full (this run's build)"]
    assert "| 50% | 28,000,000 | 300.0 | 270.0 | 100 | 10.7 |" in lines[1]
    assert "100 % ÷ 50 % build wall: 2.30× (budget ≤ 2.2×)." in text
    without_full = growth_text(points[:2])
    assert growth_ratio(points[:2]) is None and "not measured" in without_full


def test_the_daily_stage_needs_the_build_and_growth_scales_are_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "growth" not in parse_args([]).wanted and "daily" in parse_args([]).wanted
    args = parse_args(["--stages", "build,daily", "--start", "2022-06-01"])
    assert args.wanted == {"build", "daily"} and args.window == ["--start", "2022-06-01"]
    for argv in (["--stages", "daily"], ["--growth-scales", "demo"], ["--stages", "nightly"]):
        with pytest.raises(SystemExit):
            parse_args(argv)
    assert "needs the build stage" in capsys.readouterr().err


def test_the_cockpit_stage_hands_its_p95_to_the_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines import bench_cockpit
    from pipelines.bench import cockpit_stage

    pages = [bench_cockpit.Latency("overview", [300.0, 400.0, 900.0])]
    queries = [bench_cockpit.Latency("grid_map", [10.0, 20.0, 60.0])]
    measured = bench_cockpit.CockpitLatencies(pages, queries, bench_cockpit.Latency("cold", [5.0]))
    monkeypatch.setattr(bench_cockpit, "measure_cockpit", lambda data_dir: measured)
    text, page_p95, query_p95 = cockpit_stage(Path("unused"))
    assert (page_p95, query_p95) == (900.0, 60.0)
    assert "| overview | 400 | 900 |" in text
    found = by_budget(Measured(page_p95_ms=page_p95, query_p95_ms=query_p95))
    assert found["page p95 ≤ 500 ms"] == ("900 ms", MISSED)
    assert found["query p95 ≤ 50 ms"] == ("60.0 ms", MISSED)


# --- holding back the last landed day --------------------------------------------------------

def landing_zone(root: Path) -> Path:
    """Two systems; the second lands one day less, and a stray file sits at system level."""
    landing = root / "landing"
    for system, days in (("enforcement", 3), ("drones", 2)):
        for n in range(days):
            day = landing / system / (dt.date(2022, 6, 28) + dt.timedelta(days=n)).isoformat()
            day.mkdir(parents=True)
            (day / "cases.csv").write_text(f"case_no,seq\nC{n},{n}\n", encoding="gb18030")
            (day / "events.jsonl").write_bytes(f'{{"n": {n}}}\n'.encode())
    (landing / "drones" / "README.txt").write_text("not a day", encoding="utf-8")
    return landing


def fingerprint(landing: Path) -> dict[str, str]:
    return {p.relative_to(landing).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(landing.rglob("*")) if p.is_file()}


def test_holding_back_moves_the_last_day_out_and_restores_it_byte_for_byte(
    tmp_path: Path,
) -> None:
    landing = landing_zone(tmp_path)
    before = fingerprint(landing)
    store = tmp_path / "held"
    assert last_landed_day(landing) == dt.date(2022, 6, 30)
    with holding_back(landing, store) as day:
        assert day == dt.date(2022, 6, 30)
        assert not (landing / "enforcement" / "2022-06-30").exists()
        assert (store / "enforcement" / "2022-06-30" / "cases.csv").exists()
        assert last_landed_day(landing) == dt.date(2022, 6, 29)
        assert len(fingerprint(landing)) == len(before) - 2
    assert fingerprint(landing) == before
    assert not store.exists()


def test_holding_back_restores_the_day_when_the_build_fails(tmp_path: Path) -> None:
    landing = landing_zone(tmp_path)
    before = fingerprint(landing)
    with pytest.raises(SystemExit), holding_back(landing, tmp_path / "held"):
        raise SystemExit("full build failed")
    assert fingerprint(landing) == before


def test_a_day_left_aside_by_a_killed_run_is_never_overwritten(tmp_path: Path) -> None:
    landing = landing_zone(tmp_path)
    left = tmp_path / "held" / "drones" / "2022-06-29"
    left.mkdir(parents=True)
    with pytest.raises(SystemExit, match="earlier run"), holding_back(landing, tmp_path / "held"):
        pytest.fail("holding back started over a day an earlier run left aside")
    assert left.exists() and (landing / "enforcement" / "2022-06-30").exists()


def test_an_empty_landing_zone_has_no_day_to_hold_back(tmp_path: Path) -> None:
    (tmp_path / "landing" / "drones").mkdir(parents=True)
    with pytest.raises(SystemExit, match="nothing landed"):
        last_landed_day(tmp_path / "landing")


# --- comparing the indicators ----------------------------------------------------------------

VALUES = [
    ("CASES", "month", dt.date(2022, 6, 1), "city", None, "ALL", 120.0),
    ("CASES", "month", dt.date(2022, 6, 1), "county", "330802", "ALL", 40.0),
    ("CASES", "month", dt.date(2022, 6, 1), "county", "330803", "ALL", 80.0),
    ("ON_TIME", "month", dt.date(2022, 5, 1), "city", None, "ALL", 0.1 + 0.2),
]


def snapshot(path: Path, rows: list[tuple[object, ...]]) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema indicators")
        con.execute('create table indicators."values" (category_code varchar, '
                    "period_grain varchar, period_start date, geo_level varchar, "
                    "geo_code varchar, department_code varchar, value double)")
        con.executemany('insert into indicators."values" values (?, ?, ?, ?, ?, ?, ?)', rows)
    return path


def test_identical_values_are_equal_despite_last_bit_noise(tmp_path: Path) -> None:
    noisy = [*VALUES[:3], (*VALUES[3][:6], 0.3)]  # 0.1 + 0.2 != 0.3 in the last bit
    comparison = compare_values(snapshot(tmp_path / "d.duckdb", VALUES),
                                snapshot(tmp_path / "f.duckdb", noisy))
    assert comparison.equal and comparison.differing == 0 and comparison.daily_rows == 4
    assert "**equal**" in comparison_text(comparison)


def test_a_planted_difference_and_a_missing_row_are_found(tmp_path: Path) -> None:
    planted = [VALUES[0], (*VALUES[1][:6], 41.0), VALUES[3]]  # 330802 changed, 330803 gone
    comparison = compare_values(snapshot(tmp_path / "d.duckdb", planted),
                                snapshot(tmp_path / "f.duckdb", VALUES))
    assert not comparison.equal
    assert (comparison.daily_rows, comparison.full_rows, comparison.differing) == (3, 4, 2)
    assert comparison.first == [
        ("CASES", "month", dt.date(2022, 6, 1), "county", "330802", "ALL", 41.0, 40.0),
        ("CASES", "month", dt.date(2022, 6, 1), "county", "330803", "ALL", None, 80.0),
    ]
    text = comparison_text(comparison)
    assert "**FAILED**, 2 rows differ" in text
    assert "| CASES | month | 2022-06-01 | county | 330803 | ALL | — | 80.0 |" in text


# --- one daily run at demo scale -------------------------------------------------------------

def test_a_daily_run_on_the_built_demo_equals_a_full_refresh(
    published_data_dir: Path, tmp_path: Path
) -> None:
    """The daily stage's command on a copy of the built demo: the last landed day ingested
    again (idempotent), the incremental transform and publish in one ``pipelines daily``
    process, then the full-refresh check.
    That day's partition has now run twice, so the values also equal the built demo's
    (issue 7: re-running a partition gives identical ``indicators.values``)."""
    root = tmp_path / "data"
    shutil.copytree(published_data_dir, root, ignore=shutil.ignore_patterns("dagster_home"))
    paths = data_paths(root).ensure()
    day = last_landed_day(paths.landing)
    env = {**os.environ, "COCKPIT_DATA_DIR": str(root)}
    result = daily_run(paths, day, sys.executable, env)
    assert [s.name for s in result.stages] == [DAILY, REFERENCE]
    assert result.run.wall_s > 0
    assert result.comparison.daily_rows > 1000
    assert result.comparison.equal, comparison_text(result.comparison)
    assert not (paths.warehouse / "bench-daily-snapshot.duckdb").exists()
    # the daily's dbt build ran in the warm dbt process its command started beside the
    # ingest (pipelines/dbt_handoff.py), to the same values as the full refresh
    records = [json.loads(path.read_text(encoding="utf-8"))
               for path in (paths.warehouse / "dbt" / "runs").glob("warm*/handoff.json")]
    assert records == [{"accepted": True, "refusal": "", "exit_code": 0}]
    first_run = compare_values(published_data_dir / "warehouse" / "cockpit.duckdb",
                               paths.cockpit_db)
    assert first_run.daily_rows > 1000 and first_run.equal, comparison_text(first_run)


# --- the bare load -------------------------------------------------------------------------


def test_bare_load_reads_every_export_as_one_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each export name of each system becomes one table over all its days; empty files and
    unknown formats are passed over, and a bad line does not stop the load. Its database is
    made beside the landing zone, not in the system's temporary directory, and removed."""
    from pipelines import bench_bare
    from pipelines.bench_bare import bare_load, main

    landing = tmp_path / "landing"
    for day, rows in (("2022-06-29", "a,b\n1,x\n2,y\n"), ("2022-06-30", "a,b\n3,z\nbroken\n")):
        (landing / "alpha" / day).mkdir(parents=True)
        (landing / "alpha" / day / "things.csv").write_text(rows, encoding="utf-8")
    (landing / "beta" / "2022-06-30").mkdir(parents=True)
    (landing / "beta" / "2022-06-30" / "events.jsonl").write_text('{"k": 1}\n{"k": 2}\n')
    (landing / "beta" / "2022-06-30" / "empty.csv").write_text("")
    (landing / "beta" / "2022-06-30" / "notes.txt").write_text("not an export")
    databases: list[str] = []
    real_connect = bench_bare.duckdb.connect
    monkeypatch.setattr(bench_bare.duckdb, "connect",
                        lambda path: databases.append(path) or real_connect(path))
    assert bare_load(landing) == 2
    assert Path(databases[0]).parent.parent == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["landing"]
    assert main([str(landing)]) == 0
    assert main([str(tmp_path / "missing")]) == 2
    (tmp_path / "nothing").mkdir()
    assert main([str(tmp_path / "nothing")]) == 1


def test_scratch_data_goes_under_the_chosen_directory(tmp_path: Path) -> None:
    """A stage's scratch directory is made under the data directory given (created if
    missing) and removed with everything in it when the stage ends."""
    from pipelines.bench_stages import scratch

    chosen = tmp_path / "data"
    with scratch("bench-", chosen) as folder:
        assert Path(folder).parent == chosen
        (Path(folder) / "landing").mkdir()
    assert list(chosen.iterdir()) == []
    with scratch("bench-", None) as folder:
        assert Path(folder).parent == Path(tempfile.gettempdir())


def test_a_stage_starts_from_a_settled_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """What earlier stages wrote is flushed before a stage's clock starts, not inside it."""
    from pipelines import bench_stages

    calls: list[str] = []
    monkeypatch.setattr(bench_stages.os, "sync", lambda: calls.append("sync"))
    real_clock = bench_stages.time.perf_counter

    def clock() -> float:
        calls.append("clock")
        return real_clock()

    monkeypatch.setattr(bench_stages.time, "perf_counter", clock)
    stage = bench_stages.run_stage("true", ["true"], dict(os.environ))
    assert calls[:2] == ["sync", "clock"] and stage.wall_s >= 0


CPUINFO_TWO_CPUS = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Processor
cpu MHz\t\t: 2100.000

processor\t: 1
model name\t: Another Processor
cpu MHz\t\t: 3000.000
"""


def test_cpu_model_names_the_first_processor_and_its_clock() -> None:
    from pipelines.bench_machine import cpu_model

    assert cpu_model(CPUINFO_TWO_CPUS) == "Intel(R) Xeon(R) Processor, 2100 MHz"
    # an architecture whose cpuinfo has neither field (some arm64 kernels)
    assert cpu_model("processor\t: 0\nBogoMIPS\t: 50.00\n") == "unknown processor"


def test_machine_line_holds_the_processor_and_both_probe_times(monkeypatch) -> None:
    from pipelines import bench_machine

    monkeypatch.setattr(bench_machine, "PYTHON_PROBE_N", 1000)
    monkeypatch.setattr(bench_machine, "DUCKDB_PROBE_ROWS", 1000)
    line = bench_machine.machine()
    assert line.startswith(f"{os.cpu_count()} cores (")
    times = [float(part.split(" s")[0]) for part in line.split("Python ")[1].split("DuckDB ")]
    assert len(times) == 2 and all(0 <= t < 5 for t in times)  # tiny probes: ~0.00 s
    # best of: the shortest of the rounds, each round really run
    ticks = iter([0.0, 3.0, 10.0, 11.0, 20.0, 22.0])  # rounds of 3, 1 and 2 s
    monkeypatch.setattr(bench_machine.time, "perf_counter", lambda: next(ticks))
    calls: list[int] = []
    assert bench_machine.best_of(lambda: calls.append(1), rounds=3) == 1.0
    assert len(calls) == 3
